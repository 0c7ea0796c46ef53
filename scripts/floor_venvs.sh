#!/usr/bin/env bash
# Create (or reuse) the lowest-versions venvs that tests/floors runs on; print them as
# name=path lines:
#   core=.venv-floor-core      the project installed editable with exactly boto3 == the floor
#                              (botocore == the lowest that boto3 accepts) and pulumi == the
#                              floor, on the oldest Python that pyproject claims (requires-python)
#                              or the oldest that this pulumi installs on, whichever is newer
#   ansible=.venv-floor-ansible    ansible-core == the collection's floor with the boto3 floor,
#                              on its oldest controller Python (scripts/ansible_oldest_venv.sh --floors)
# The floors are read from pyproject.toml and meta/runtime.yml by scripts/floors.py; nothing
# here repeats a version. The venv is rebuilt when a floor, a runtime dependency or this
# script changes.
# Needs the project venv (scripts/bootstrap.sh). scripts/test.sh runs this before pytest.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/python_finder.sh
. "$ROOT/scripts/python_finder.sh"
[ -x "$ROOT/.venv/bin/python" ] || { echo "floor_venvs: run scripts/bootstrap.sh first" >&2; exit 1; }
eval "$("$ROOT/.venv/bin/python" "$ROOT/scripts/floors.py" --shell)"

venv="$ROOT/.venv-floor-core"
# What it installs (floors, runtime dependencies) and how (this script).
recipe=$(cat "$ROOT/scripts/floor_venvs.sh" "$ROOT/scripts/python_finder.sh" | sha256sum | cut -c1-8)
stamp="$venv/.floors-$("$ROOT/.venv/bin/python" "$ROOT/scripts/floors.py" --stamp)-$recipe"
if [ ! -f "$stamp" ]; then
    rm -rf "$venv"
    for minor in $(pythons_from "$FLOOR_PYTHON"); do
        py=$(find_python "$minor") || continue
        if "$py" -m pip install -q --disable-pip-version-check --dry-run --ignore-installed \
            "pulumi==$FLOOR_PULUMI" "boto3==$FLOOR_BOTO3" >/dev/null 2>&1; then
            break
        fi
        py=
    done
    [ -n "${py:-}" ] || { echo "floor_venvs: no Python here installs pulumi==$FLOOR_PULUMI boto3==$FLOOR_BOTO3" >&2; exit 1; }
    echo "floor_venvs: creating $venv: boto3==$FLOOR_BOTO3 pulumi==$FLOOR_PULUMI on $py" >&2
    "$py" -m venv "$venv"
    echo '*' > "$venv/.gitignore"
    # Editable, with its declared dependencies pinned to the floors: pip refuses when a floor
    # is outside what pyproject declares.
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        -e "$ROOT[pulumi]" "boto3==$FLOOR_BOTO3" "pulumi==$FLOOR_PULUMI" 2>&1 | quiet_pip
    botocore=$(botocore_floor_of "$venv/bin/python")
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "botocore==$botocore" 2>&1 | quiet_pip
    [ "$("$venv/bin/python" -c 'import boto3, pulumi, lambda_invocation_core; print(boto3.__version__)')" = \
        "$FLOOR_BOTO3" ] || { echo "floor_venvs: installing the floors in $venv failed" >&2; exit 1; }
    touch "$stamp"
fi
echo "core=$venv"
echo "ansible=$("$ROOT/scripts/ansible_oldest_venv.sh" --floors)"
