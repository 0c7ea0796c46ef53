#!/usr/bin/env bash
# The main job on the embedded default: start the local Lambda endpoint with the sample
# function from examples/, then invoke it through the core, the Ansible collection and the
# Pulumi package. Results are secret: each path shows that it got them without printing them.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x .venv/bin/python ] || { echo "demo.sh: no .venv: run it as scripts/nox -s demo" >&2; exit 1; }

workdir=$(mktemp -d)
cleanup() {
    if [ -f "$workdir/endpoint.pid" ]; then
        kill "$(cat "$workdir/endpoint.pid")" 2>/dev/null || true
    fi
    rm -rf "$workdir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The EXIT trap stops the endpoint; --exit-with-pid stops it too when no trap runs (this
# script killed with SIGKILL). $$ is this script even inside the $(...) subshell.
url=$(.venv/bin/python -m local_lambda --config examples/local_lambda.json --background \
    --pid-file "$workdir/endpoint.pid" --log-file "$workdir/endpoint.log" --exit-with-pid $$)
export LAMBDA_ENDPOINT_URL=$url
echo "== local Lambda endpoint at $url (sample function: examples/sample_function)"

echo "== 1. shared core"
.venv/bin/python examples/core/invoke_sample.py --endpoint-url "$url"

echo "== 2. Pulumi program examples/pulumi (the Pulumi CLI built from source by tools/pulumi_cli, file backend in a temp folder)"
.venv/bin/python examples/pulumi/run_with_pulumi_cli.py

echo "== 3. Ansible playbook examples/ansible/playbook.yml (result hidden, a later task uses it)"
examples/ansible/run.sh  # removes the password file it writes on success, failure, Ctrl-C or SIGTERM
