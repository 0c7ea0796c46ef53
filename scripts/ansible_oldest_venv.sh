#!/usr/bin/env bash
# Create (or reuse) .venv-ansible-oldest: the oldest ansible-core that the ephemeral.aws
# collection claims in meta/runtime.yml (requires_ansible: '>=X.Y.Z' -> ansible-core==X.Y.Z),
# with boto3, on CPython 3.12 (a controller Python of every core from 2.17 to 2.21).
# Prints the venv's path on stdout. Used by ansible_sanity.sh --core oldest and tests/ansible.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
venv="$ROOT/.venv-ansible-oldest"
version=$(sed -n "s/^requires_ansible: *['\"]*>=\([0-9.]*\).*/\1/p" "$ROOT/ansible_collections/ephemeral/aws/meta/runtime.yml")
[ -n "$version" ] || { echo "ansible_oldest_venv: cannot read requires_ansible from meta/runtime.yml" >&2; exit 1; }

installed() {
    [ -x "$venv/bin/ansible-playbook" ] && [ -x "$venv/bin/ansible-test" ] &&
        [ "$("$venv/bin/python" -c 'import ansible, boto3; print(ansible.__version__)' 2>/dev/null)" = "$version" ]
}

if ! installed; then
    py=
    for candidate in "${PYTHON312:-}" python3.12 "$HOME"/.pyenv/versions/3.12*/bin/python3 /usr/bin/python3.12 /usr/local/bin/python3.12; do
        [ -n "$candidate" ] || continue
        if "$candidate" -c 'import sys, venv, ensurepip; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; then
            py=$candidate
            break
        fi
    done
    [ -n "$py" ] || { echo "ansible_oldest_venv: need CPython 3.12 with venv/ensurepip (set PYTHON312=...)" >&2; exit 1; }
    echo "ansible_oldest_venv: creating $venv with ansible-core==$version ($py)" >&2
    rm -rf "$venv"
    "$py" -m venv "$venv"
    echo '*' > "$venv/.gitignore"
    "$venv/bin/python" -m pip install -q --disable-pip-version-check "ansible-core==$version" 'boto3>=1.34' 2>&1 \
        | grep -v "^WARNING: Location" >&2 || true
    installed || { echo "ansible_oldest_venv: installing ansible-core==$version failed" >&2; exit 1; }
fi
echo "$venv"
