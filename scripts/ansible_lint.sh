#!/usr/bin/env bash
# Run ansible-lint (production profile, offline) on the ephemeral.aws collection, on the example
# playbooks in examples/ansible/ and on the integration test playbooks in tests/ansible/playbooks/
# and tests/floors/playbooks/ (both with tests/ansible/.ansible-lint).
#
# Usage: scripts/ansible_lint.sh [extra ansible-lint arguments, e.g. -v or --fix=none]
# Environment: ANSIBLE_LINT=/path/to/ansible-lint (default: .venv/bin/ansible-lint, from the
#              project's dev extra; run scripts/bootstrap.sh first).
#
# Each part has its own configuration file: ansible_collections/ephemeral/aws/.ansible-lint,
# examples/ansible/.ansible-lint and tests/ansible/.ansible-lint. The playbooks are checked
# against this working tree's collection (ANSIBLE_COLLECTIONS_PATH is the repository root), so
# an unknown module or option name in them fails the syntax check. Exits 1 when any part fails.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
LINT=${ANSIBLE_LINT:-$ROOT/.venv/bin/ansible-lint}
[ -x "$LINT" ] || { echo "ansible_lint: $LINT not found (pip install the dev extra: scripts/bootstrap.sh)" >&2; exit 1; }

# ansible-lint runs ansible-playbook --syntax-check: the venv's, not another one on PATH.
export PATH="$(dirname "$LINT"):$PATH"
# Configured collection paths come before sys.path, so an installed copy cannot shadow this one.
export ANSIBLE_COLLECTIONS_PATH="$ROOT"
export ANSIBLE_NOCOLOR=1 NO_COLOR=1
# ansible-lint's own resource warnings at exit are noise here.
export PYTHONWARNINGS="ignore::ResourceWarning"

status=0
run() {  # run <label> <directory> <config> [paths...]
    local label=$1 dir=$2 config=$3
    shift 3
    echo "== ansible-lint: $label" >&2
    (cd "$dir" && "$LINT" --offline --profile production -c "$config" "${extra[@]}" "$@") || status=1
}
extra=("$@")
run "collection ephemeral.aws" "$ROOT/ansible_collections/ephemeral/aws" .ansible-lint
run "examples/ansible" "$ROOT/examples/ansible" .ansible-lint
# option_habits.yml names group/amazon.aws.aws: a stand-in amazon.aws declares that group.
ANSIBLE_COLLECTIONS_PATH="$ROOT:$ROOT/tests/ansible/stand_in_collections" \
    run "tests/ansible/playbooks" "$ROOT/tests/ansible" .ansible-lint "$ROOT"/tests/ansible/playbooks/*.yml
run "tests/floors/playbooks" "$ROOT/tests/floors" "$ROOT/tests/ansible/.ansible-lint" "$ROOT"/tests/floors/playbooks/*.yml
exit $status
