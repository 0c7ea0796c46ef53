#!/usr/bin/env bash
# The test command: set everything up from a fresh clone, then run every check and test.
# Services the tests use (the local Lambda endpoint, moto's STS, Pulumi's provider host)
# are started by the tests themselves on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

echo "== lint: ruff (lint and format), mypy, module_utils copy"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy
# Each test folder has its own conftest.py, which mypy would take for one module twice.
for folder in tests/*/; do
    .venv/bin/mypy "$folder"
done
.venv/bin/python scripts/sync_module_utils.py --check

echo "== lowest-versions venvs for tests/floors (the floors in pyproject.toml and meta/runtime.yml)"
scripts/floor_venvs.sh
echo "== a venv for every other Python the classifiers claim (newest releases)"
scripts/python_venvs.sh

echo "== a venv for every ansible-core of scripts/ansible_cores.txt (four at a time: mostly downloads)"
scripts/ansible_core_venv.sh --list | xargs -P 4 -n 1 scripts/ansible_core_venv.sh >/dev/null

echo "== pytest (pytest-xdist, ${PYTEST_WORKERS:=2} workers)"
# pytest exits 5 when no test ran, which fails this script like any other failure.
# PYTEST_WORKERS=0 runs every test in this one process.
.venv/bin/python -m pytest -n "$PYTEST_WORKERS" "$@"

echo "== ansible-lint (production profile): the collection, the example and test playbooks"
scripts/ansible_lint.sh
# Every ansible-core release of scripts/ansible_cores.txt (the playbook suite above ran on each).
oldest=$(scripts/ansible_core_venv.sh --list | head -1)
newest=$(scripts/ansible_core_venv.sh --list | tail -1)
for release in $(scripts/ansible_core_venv.sh --list); do
    echo "== ansible-test sanity (every test) and units: ansible-core $release (controller Python 3.12)"
    scripts/ansible_sanity.sh --core "$release" all
done
echo "== ansible-test compile and import for the other target Pythons: ansible-core $newest and $oldest"
scripts/ansible_sanity.sh --core "$newest" --python 3.9 --python 3.10 --python 3.11 --python 3.13 sanity \
    -- --test compile --test import
scripts/ansible_sanity.sh --core "$oldest" --python 3.9 --python 3.10 --python 3.11 sanity \
    -- --test compile --test import
# In the project venv (its targets start the local Lambda endpoint from the project installed
# there), whose ansible-core is the newest that pyproject's ansible extra resolves to.
echo "== ansible-test integration (tests/integration/targets): ansible-core $(.venv/bin/python -c 'import ansible; print(ansible.__version__)')"
scripts/ansible_sanity.sh --core current integration
