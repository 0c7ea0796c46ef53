#!/usr/bin/env bash
# Set up .venv from a fresh clone: find a Python >= 3.12 (ansible-core 2.21 needs it on
# the controller) and install the project in editable mode with its dev extra, so that an
# edit under core/, pulumi_lambda_invocation/ or ansible_collections/ is what runs.
# Usage: scripts/bootstrap.sh   (PYTHON=/path/to/python3.12 to choose the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."

python_ok() {
    "$1" -c 'import sys, venv, ensurepip; sys.exit(not (3, 12) <= sys.version_info[:2] <= (3, 13))' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in "${PYTHON:-}" python3.12 python3.13 \
        "$HOME"/.pyenv/versions/3.12*/bin/python3 "$HOME"/.pyenv/versions/3.13*/bin/python3 \
        /usr/local/bin/python3.12 /usr/bin/python3.12 /usr/bin/python3.13 python3; do
        [ -n "$candidate" ] || continue
        if python_ok "$candidate"; then
            command -v "$candidate" || echo "$candidate"
            return 0
        fi
    done
    return 1
}

quiet_pip() {
    grep -v "^WARNING: Location '.*' is ignored" >&2 || true
}

if [ -n "${PYTHON:-}" ] && ! python_ok "$PYTHON"; then
    # A named interpreter is never silently replaced by another one.
    echo "bootstrap: PYTHON=$PYTHON cannot be used: .venv needs CPython 3.12 or 3.13 with venv and" >&2
    echo "  ensurepip (ansible-core 2.21 needs >= 3.12 on the controller; awslambdaric has wheels up" >&2
    echo "  to 3.13). Unset PYTHON to let bootstrap find one, or name a 3.12/3.13 interpreter." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ] || ! python_ok .venv/bin/python; then
    if ! py=$(find_python); then
        echo "bootstrap: need CPython 3.12 or 3.13 with venv and ensurepip (ansible-core 2.21 needs" >&2
        echo "  >= 3.12; awslambdaric has wheels up to 3.13). Install one, or set PYTHON=/path/to/it." >&2
        exit 1
    fi
    echo "bootstrap: creating .venv with $py" >&2
    rm -rf .venv
    "$py" -m venv .venv
fi

stamp=.venv/.deps-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
    echo "bootstrap: installing dependencies" >&2
    # This machine's pip config names local mirrors that may be absent: drop that noise.
    .venv/bin/python -m pip install -q --disable-pip-version-check -U pip 2>&1 | quiet_pip
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]' 2>&1 | quiet_pip
    rm -f .venv/.deps-*
    touch "$stamp"
fi
