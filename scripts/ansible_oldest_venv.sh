#!/usr/bin/env bash
# Create (or reuse) a venv with the oldest ansible-core that the ephemeral.aws collection
# claims (requires_ansible in meta/runtime.yml: '>=X.Y.Z' -> ansible-core==X.Y.Z), and print
# its path on stdout. The floors come from scripts/floors.py (needs the project venv).
#
# Usage: scripts/ansible_oldest_venv.sh [--floors]
#   (default)  that release's venv of scripts/ansible_core_venv.sh (newest boto3, CPython 3.12)
#   --floors   .venv-floor-ansible: with exactly the boto3 floor of pyproject.toml (botocore ==
#              the lowest that boto3 accepts), on this ansible-core's oldest controller Python:
#              the first CPython from pyproject's requires-python up that it installs on.
#              Used by scripts/floor_venvs.sh (tests/floors).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/python_finder.sh
. "$ROOT/scripts/python_finder.sh"
[ -x "$ROOT/.venv/bin/python" ] || { echo "ansible_oldest_venv: run scripts/bootstrap.sh first" >&2; exit 1; }
eval "$("$ROOT/.venv/bin/python" "$ROOT/scripts/floors.py" --shell)"

floors=false
case "${1:-}" in
    --floors) floors=true ;;
    "") ;;
    *) echo "ansible_oldest_venv: unknown argument $1" >&2; exit 2 ;;
esac

$floors || exec "$ROOT/scripts/ansible_core_venv.sh" "$FLOOR_ANSIBLE_CORE"
venv="$ROOT/.venv-floor-ansible"
boto3="boto3==$FLOOR_BOTO3"
stamp="$venv/.installed-ansible-core-$FLOOR_ANSIBLE_CORE-$boto3"

if [ ! -f "$stamp" ]; then
    rm -rf "$venv"
    py=
    for minor in $(pythons_from "$FLOOR_PYTHON"); do
        candidate=$(find_python "$minor") || continue
        # Resolving only: ansible-core declares its controller Pythons in Requires-Python.
        if "$candidate" -m pip install -q --disable-pip-version-check --dry-run --ignore-installed \
            "ansible-core==$FLOOR_ANSIBLE_CORE" >/dev/null 2>&1; then
            py=$candidate
            break
        fi
    done
    [ -n "$py" ] || { echo "ansible_oldest_venv: no suitable Python for ansible-core==$FLOOR_ANSIBLE_CORE here" >&2; exit 1; }
    echo "ansible_oldest_venv: creating $venv: ansible-core==$FLOOR_ANSIBLE_CORE $boto3 on $py" >&2
    "$py" -m venv "$venv"
    echo '*' > "$venv/.gitignore"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        "ansible-core==$FLOOR_ANSIBLE_CORE" "$boto3" 2>&1 | quiet_pip
    botocore=$(botocore_floor_of "$venv/bin/python")
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "botocore==$botocore" 2>&1 | quiet_pip
    [ -x "$venv/bin/ansible-playbook" ] && [ -x "$venv/bin/ansible-test" ] &&
        [ "$("$venv/bin/python" -c 'import ansible, boto3; print(ansible.__version__)')" = "$FLOOR_ANSIBLE_CORE" ] ||
        { echo "ansible_oldest_venv: installing ansible-core==$FLOOR_ANSIBLE_CORE in $venv failed" >&2; exit 1; }
    touch "$stamp"
fi
echo "$venv"
