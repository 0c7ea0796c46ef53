#!/usr/bin/env bash
# Create (or reuse) a venv with one ansible-core release of scripts/ansible_cores.txt, and
# print its path on stdout.
#
# Usage: scripts/ansible_core_venv.sh RELEASE     e.g. 2.19.0
#        scripts/ansible_core_venv.sh --list [full|cut]
#                                                 the releases of the list (of one matrix depth)
#   The project venv .venv is used when its ansible-core is RELEASE; otherwise
#   .venv-ansible-RELEASE: ansible-core==RELEASE with the newest boto3 that the floor of
#   pyproject.toml allows, on CPython 3.12 (a controller Python of every core from 2.17 to
#   2.21). Used by scripts/ansible_sanity.sh --core RELEASE and tests/ansible.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LIST="$ROOT/scripts/ansible_cores.txt"
# shellcheck source=scripts/python_finder.sh
. "$ROOT/scripts/python_finder.sh"

if [ "${1:-}" = --list ]; then
    grep -v '^\s*#' "$LIST" | awk -v kind="${2:-}" 'NF && (kind == "" || $2 == kind) { print $1 }'
    exit 0
fi
release=${1:?usage: ansible_core_venv.sh RELEASE}
grep -v '^\s*#' "$LIST" | awk '{ print $1 }' | grep -qxF "$release" ||
    { echo "ansible_core_venv: $release is not listed in scripts/ansible_cores.txt" >&2; exit 2; }
[ -x "$ROOT/.venv/bin/python" ] || { echo "ansible_core_venv: run scripts/bootstrap.sh first" >&2; exit 1; }
if [ "$("$ROOT/.venv/bin/python" -c 'import ansible; print(ansible.__version__)')" = "$release" ]; then
    echo "$ROOT/.venv"
    exit 0
fi
eval "$("$ROOT/.venv/bin/python" "$ROOT/scripts/floors.py" --shell)"

venv="$ROOT/.venv-ansible-$release"
boto3="boto3>=$FLOOR_BOTO3"
stamp="$venv/.installed-ansible-core-$release-$boto3"
if [ ! -f "$stamp" ]; then
    rm -rf "$venv"
    py=$(find_python 3.12) || { echo "ansible_core_venv: no CPython 3.12 here" >&2; exit 1; }
    echo "ansible_core_venv: creating $venv: ansible-core==$release $boto3 on $py" >&2
    "$py" -m venv "$venv"
    echo '*' > "$venv/.gitignore"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check \
        "ansible-core==$release" "$boto3" 2>&1 | quiet_pip
    [ -x "$venv/bin/ansible-playbook" ] && [ -x "$venv/bin/ansible-test" ] &&
        [ "$("$venv/bin/python" -c 'import ansible, boto3; print(ansible.__version__)')" = "$release" ] ||
        { echo "ansible_core_venv: installing ansible-core==$release in $venv failed" >&2; exit 1; }
    touch "$stamp"
fi
echo "$venv"
