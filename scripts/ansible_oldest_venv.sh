#!/usr/bin/env bash
# Create (or reuse) .venv-ansible-oldest: the floors of the ephemeral.aws collection.
#   ansible-core == requires_ansible's floor in meta/runtime.yml ('>=X.Y.Z' -> X.Y.Z),
#   boto3 == the core's floor in pyproject.toml, botocore == the lowest that boto3 accepts,
#   on the oldest CPython (from pyproject's requires-python up) that this ansible-core
#   installs on: its oldest controller Python.
# The floors come from scripts/floors.py (run with the project venv: scripts/bootstrap.sh).
# Prints the venv's path on stdout. Used by ansible_sanity.sh --core oldest, tests/ansible,
# and scripts/floor_venvs.sh (tests/floors).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/python_finder.sh
. "$ROOT/scripts/python_finder.sh"
venv="$ROOT/.venv-ansible-oldest"
[ -x "$ROOT/.venv/bin/python" ] || { echo "ansible_oldest_venv: run scripts/bootstrap.sh first" >&2; exit 1; }
eval "$("$ROOT/.venv/bin/python" "$ROOT/scripts/floors.py" --shell)"
stamp="$venv/.floors-ansible-core-$FLOOR_ANSIBLE_CORE-boto3-$FLOOR_BOTO3"

if [ ! -f "$stamp" ]; then
    rm -rf "$venv"
    for minor in $(pythons_from "$FLOOR_PYTHON"); do
        py=$(find_python "$minor") || continue
        # Resolving only: the first Python on which ansible-core==X installs is its oldest
        # controller Python (ansible-core declares that in Requires-Python).
        if "$py" -m pip install -q --disable-pip-version-check --dry-run --ignore-installed \
            "ansible-core==$FLOOR_ANSIBLE_CORE" >/dev/null 2>&1; then
            break
        fi
        py=
    done
    [ -n "${py:-}" ] || { echo "ansible_oldest_venv: no Python here installs ansible-core==$FLOOR_ANSIBLE_CORE" >&2; exit 1; }
    echo "ansible_oldest_venv: creating $venv: ansible-core==$FLOOR_ANSIBLE_CORE boto3==$FLOOR_BOTO3 on $py" >&2
    "$py" -m venv "$venv"
    echo '*' > "$venv/.gitignore"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        "ansible-core==$FLOOR_ANSIBLE_CORE" "boto3==$FLOOR_BOTO3" 2>&1 | quiet_pip
    botocore=$(botocore_floor_of "$venv/bin/python")
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "botocore==$botocore" 2>&1 | quiet_pip
    [ -x "$venv/bin/ansible-playbook" ] && [ -x "$venv/bin/ansible-test" ] &&
        [ "$("$venv/bin/python" -c 'import ansible, boto3; print(ansible.__version__, boto3.__version__)')" = \
            "$FLOOR_ANSIBLE_CORE $FLOOR_BOTO3" ] ||
        { echo "ansible_oldest_venv: installing the floors in $venv failed" >&2; exit 1; }
    touch "$stamp"
fi
echo "$venv"
