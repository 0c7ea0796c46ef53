#!/usr/bin/env bash
# Run the example playbook against a Lambda endpoint and show that the result stays hidden
# while later tasks use it.
#
# Usage: LAMBDA_ENDPOINT_URL=http://127.0.0.1:PORT examples/ansible/run.sh [ansible-playbook args, e.g. -vvv]
#   LAMBDA_ENDPOINT_URL  the endpoint serving sample-secret (the local endpoint:
#                        python -m local_lambda --config examples/local_lambda.json --background)
#   EXAMPLE_OUT_DIR      where the playbook writes the password; a folder you give keeps it (it is
#                        yours to delete). Default: a new temporary folder, removed with the
#                        password when this script ends, on success, failure, Ctrl-C or SIGTERM
#   ANSIBLE_PLAYBOOK     ansible-playbook to use (default: .venv/bin/ansible-playbook; run
#                        scripts/nox -s dev first)
# For a loopback endpoint, placeholder AWS credentials are set when none are (it does not
# check signatures); for AWS itself, configure credentials and AWS_REGION as usual.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
: "${LAMBDA_ENDPOINT_URL:?set LAMBDA_ENDPOINT_URL to the Lambda endpoint, e.g. http://127.0.0.1:9000}"
export LAMBDA_ENDPOINT_URL
ANSIBLE_PLAYBOOK=${ANSIBLE_PLAYBOOK:-$ROOT/.venv/bin/ansible-playbook}
[ -x "$ANSIBLE_PLAYBOOK" ] || { echo "run.sh: $ANSIBLE_PLAYBOOK not found; run scripts/nox -s dev first" >&2; exit 1; }
ANSIBLE_PLAYBOOK="$(cd "$(dirname "$ANSIBLE_PLAYBOOK")" && pwd)/$(basename "$ANSIBLE_PLAYBOOK")"

case "$LAMBDA_ENDPOINT_URL" in
    http://127.0.0.1:*|http://localhost:*|http://\[::1\]:*)
        export AWS_ACCESS_KEY_ID=${AWS_ACCESS_KEY_ID:-AKIDLOCALEXAMPLE}
        export AWS_SECRET_ACCESS_KEY=${AWS_SECRET_ACCESS_KEY:-local-endpoint-placeholder-key}
        export AWS_REGION=${AWS_REGION:-us-east-1}
        ;;
esac
if [ -z "${EXAMPLE_OUT_DIR:-}" ]; then
    # Ours: nothing holding the password outlives this script.
    EXAMPLE_OUT_DIR=$(mktemp -d "${TMPDIR:-/tmp}/ephemeral-aws-example.XXXXXX")
    trap 'rm -rf "$EXAMPLE_OUT_DIR"' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    kept=false
else
    kept=true
fi
export EXAMPLE_OUT_DIR
mkdir -p "$EXAMPLE_OUT_DIR"

# This working tree's collection, not one installed elsewhere.
export ANSIBLE_CONFIG="$HERE/ansible.cfg"
export ANSIBLE_COLLECTIONS_PATH="$ROOT"
export ANSIBLE_COLLECTIONS_SCAN_SYS_PATH=false

cd "$HERE"
"$ANSIBLE_PLAYBOOK" playbook.yml "$@"
if $kept; then
    echo "run.sh: the password is in $EXAMPLE_OUT_DIR/db_password (never printed above)"
else
    echo "run.sh: the password was used from $EXAMPLE_OUT_DIR/db_password (never printed above) and is now removed"
fi
