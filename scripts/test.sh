#!/usr/bin/env bash
# The test command: set everything up from a fresh clone, then run every check and test.
# Services the tests use (the local Lambda endpoint, moto's STS, Pulumi's provider host)
# are started by the tests themselves on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

echo "== lint: ruff, mypy, module_utils copy"
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/python scripts/sync_module_utils.py --check

echo "== pytest"
# pytest exits 5 when no test ran, which fails this script like any other failure.
.venv/bin/python -m pytest "$@"
