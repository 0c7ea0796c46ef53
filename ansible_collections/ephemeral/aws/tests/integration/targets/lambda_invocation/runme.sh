#!/usr/bin/env bash
# ansible-test integration target: start the local Lambda endpoint (local_lambda, from the
# project's venv: the Python ansible-test runs us with), invoke it through
# ephemeral.aws.lambda_invocation on both execution paths, check that the result came back to
# register and that no output of the run (-vvvv on screen, the log file) carries it.
set -euo pipefail
cd "$(dirname "$0")"
work=$(mktemp -d)
pid_file="$work/endpoint.pid"
cleanup() {
    [ -f "$pid_file" ] && kill "$(cat "$pid_file")" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

python=$(command -v python)
# The endpoint ends with this script, even one that is SIGKILLed.
url=$("$python" -m local_lambda --function "reply=files:reply.handler" --background --exit-with-pid $$ \
    --pid-file "$pid_file" --log-file "$work/endpoint.log")
marker="imark-$("$python" -c 'import uuid; print(uuid.uuid4().hex)')"
reply=$("$python" -c 'import sys; print(sys.argv[1][::-1])' "$marker")

for in_process in true false; do
    log="$work/ansible-$in_process.log"
    ANSIBLE_LOG_PATH="$log" ANSIBLE_NOCOLOR=1 \
    AWS_ACCESS_KEY_ID=AKIDINTEGRATION AWS_SECRET_ACCESS_KEY=integrationSecretKey0123456789 \
    AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
        ansible-playbook -vvvv -i "localhost ansible_connection=local ansible_python_interpreter=$python," \
        -e "endpoint_url=$url marker=$marker ephemeral_aws_in_process=$in_process" \
        invoke.yml > "$work/stdout-$in_process.txt" 2>&1 || { cat "$work/stdout-$in_process.txt"; exit 1; }
    out="$work/stdout-$in_process.txt"
    # The playbook ran its checks (register holds the reply) and hid the result.
    grep -q "All assertions passed" "$out"
    grep -q "censored" "$out"
    if [ "$in_process" = true ]; then
        grep -q "running in the controller's process" "$out"
    else
        grep -q "AnsiballZ_lambda_invocation.py" "$out"
    fi
    for file in "$out" "$log"; do
        if grep -qF "$reply" "$file"; then
            echo "lambda_invocation: the function's result leaked into $file (ephemeral_aws_in_process=$in_process)" >&2
            exit 1
        fi
    done
    echo "lambda_invocation: ephemeral_aws_in_process=$in_process: result registered, hidden from the output and the log"
done
