#!/usr/bin/env bash
# Create (or reuse) a venv for every Python the classifiers in pyproject.toml claim, other than
# the oldest (tests/floors runs that one on the version floors): the project installed editable
# with its pulumi extra, newest releases. The main run's Python reuses .venv. Prints
# <version>=<venv> lines. tests/floors/test_every_python.py invokes through each.
# Needs the project venv (scripts/bootstrap.sh). scripts/test.sh runs this before pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/python_finder.sh
. "$ROOT/scripts/python_finder.sh"
[ -x "$ROOT/.venv/bin/python" ] || { echo "python_venvs: run scripts/bootstrap.sh first" >&2; exit 1; }
main=$("$ROOT/.venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
recipe=$(cat "$ROOT/pyproject.toml" "$ROOT/scripts/python_venvs.sh" | sha256sum | cut -c1-16)
for minor in $("$ROOT/.venv/bin/python" "$ROOT/scripts/floors.py" --pythons | tail -n +2); do
    if [ "$minor" = "$main" ]; then
        echo "$minor=$ROOT/.venv"
        continue
    fi
    venv="$ROOT/.venv-py$minor"
    if [ ! -f "$venv/.recipe-$recipe" ]; then
        py=$(find_python "$minor") || { echo "python_venvs: no CPython $minor here (pyproject claims it)" >&2; exit 1; }
        echo "python_venvs: creating $venv with $py" >&2
        rm -rf "$venv"
        "$py" -m venv "$venv"
        echo '*' > "$venv/.gitignore"
        "$venv/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT[pulumi]" 2>&1 | quiet_pip
        "$venv/bin/python" -c 'import boto3, pulumi, lambda_invocation_core, pulumi_lambda_invocation' ||
            { echo "python_venvs: installing the project on Python $minor failed" >&2; exit 1; }
        touch "$venv/.recipe-$recipe"
    fi
    echo "$minor=$venv"
done
