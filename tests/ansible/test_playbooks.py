"""ephemeral.aws.lambda_invocation in real ansible-playbook runs against the local endpoint.

Every run is also a leak test: -vvvvvv, ANSIBLE_LOG_PATH, the tree and junit callbacks and
the target's (fake) syslog must hold none of the secret markers (payload, client context,
function error message, the function's own secret, the registered result and log tail),
while files written by a later task from the registered values hold all of them.

The module's playbooks run on both paths of the action plugin (fixture ``runner``): in the
controller's process and as a module; ``Run.assert_ran`` checks which one was taken.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
from packaging.version import Version

from tests.support.playbook_support import (
    ACCESS_KEY,
    CORE_DEPTHS,
    EXECUTIONS,
    FUNCTION_OWN_SECRET,
    ROOT,
    SECRET_KEY,
    PlaybookRunner,
)
from tests.support.recording_lambda import RecordingLambda

CENSORED = "the output has been hidden due to the fact that 'no_log: true' was specified for this result"


@pytest.fixture(params=EXECUTIONS)
def runner(playbook_runner: PlaybookRunner, request: pytest.FixtureRequest) -> PlaybookRunner:
    """The playbook runner, once for each path of the action plugin."""
    playbook_runner.execution = request.param
    return playbook_runner


def test_module_every_option_and_output(runner: PlaybookRunner) -> None:
    run = runner.run("module.yml")
    assert run.rc == 0, run.describe()
    run.assert_ran(runner.execution)
    assert "failed=0" in run.proc.stdout and "ignored=6" in run.proc.stdout, run.describe()

    full = run.registered("full.json")
    failing = run.registered("failing.json")
    # register kept every value, exactly.
    assert full["result_json"]["event"]["marker"] == run.markers["payload_marker"]
    assert full["result_json"]["client_context"]["custom"]["secret"] == run.markers["cc_marker"]
    assert run.markers["payload_marker"] in base64.b64decode(full["log_result"]).decode()
    assert json.loads(full["result"]) == full["result_json"]
    assert failing["result_json"]["errorMessage"] == run.markers["err_marker"]
    assert run.registered("own_secret.txt") == FUNCTION_OWN_SECRET

    run.assert_no_leak(full["result"], full["log_result"], failing["result"], failing["log_result"])
    outputs = run.outputs()
    assert CENSORED in outputs["stdout"] and CENSORED in outputs["ansible.log"]
    # The fake syslog works (the control task's invocation is there) and holds nothing of ours.
    syslog = outputs["syslog.txt"]
    control = json.loads((run.tmp / "vars.json").read_text())["control_marker"]
    assert control in syslog, syslog[:2000]
    assert "lambda_invocation" not in syslog
    # The failure message names function, version and errorType only.
    assert "Lambda function fail (version $LATEST) failed" in run.proc.stdout or "ignoring" in run.proc.stdout


def test_lookup_formats_loop_and_errors(playbook_runner: PlaybookRunner) -> None:
    run = playbook_runner.run("lookup.yml")
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout, run.describe()
    results = run.registered("lookup.json")
    as_text = results[
        "as_text"
    ]  # data, not text, on ansible-core < 2.19 (set_fact turns JSON text into data)
    as_data = json.loads(as_text) if isinstance(as_text, str) else as_text
    assert as_data["event"]["marker"] == run.markers["payload_marker"]
    assert [item["version"] for item in results["looped"]] == ["$LATEST", "1", "2", "3"]
    assert run.registered("lookup_own_secret.txt") == FUNCTION_OWN_SECRET
    run.assert_no_leak(as_text if isinstance(as_text, str) else "")


MATRIX = [("default", "json", v) for v in range(7)] + [
    ("default", "yaml", 3),
    ("minimal", "json", 0),
    ("minimal", "json", 6),
    ("oneline", "json", 0),
    ("oneline", "json", 6),
]
# The whole matrix in the controller's process (the default path for such a play); the module
# path at the verbosities and callbacks that print the most.
HIDDEN_CASES = [("in_process", *case) for case in MATRIX] + [
    ("module", "default", "json", 0),
    ("module", "default", "json", 6),
    ("module", "default", "yaml", 3),
    ("module", "minimal", "json", 6),
    ("module", "oneline", "json", 6),
]


# Those that print the most, for the releases of scripts/ansible_cores.txt marked "cut".
HIDDEN_CASES_CUT = [
    ("in_process", "default", "json", 6),
    ("in_process", "default", "yaml", 3),
    ("module", "default", "json", 6),
    ("module", "minimal", "json", 6),
    ("module", "oneline", "json", 6),
]
assert set(HIDDEN_CASES_CUT) <= set(HIDDEN_CASES)


@pytest.mark.parametrize(
    ("ansible_core", "execution", "callback", "result_format", "verbosity"),
    [
        (core, *case)
        for core, depth in CORE_DEPTHS.items()
        for case in (HIDDEN_CASES if depth == "full" else HIDDEN_CASES_CUT)
    ],
    indirect=["ansible_core"],
)
def test_hidden_for_every_callback_and_verbosity(
    playbook_runner: PlaybookRunner, execution: str, callback: str, result_format: str, verbosity: int
) -> None:
    playbook_runner.execution = execution
    run = playbook_runner.run(
        "hidden.yml",
        verbosity=verbosity,
        env={"ANSIBLE_STDOUT_CALLBACK": callback, "ANSIBLE_CALLBACK_RESULT_FORMAT": result_format},
    )
    assert run.rc == 0, run.describe()
    if verbosity >= 3:
        run.assert_ran(execution)
    kept = run.registered("hidden.json")
    assert kept["echoed"]["result_json"]["event"]["marker"] == run.markers["payload_marker"]
    assert kept["echoed"]["result_json"]["client_context"]["custom"]["secret"] == run.markers["cc_marker"]
    assert [r["result_json"]["value"] for r in kept["own"]["results"]] == [FUNCTION_OWN_SECRET] * 2
    assert kept["failing"]["result_json"]["errorMessage"] == run.markers["err_marker"]
    looked_up = kept["looked_up"]
    looked_up = json.loads(looked_up) if isinstance(looked_up, str) else looked_up
    assert looked_up["event"]["marker"] == run.markers["payload_marker"]
    run.assert_no_leak(
        kept["echoed"]["result"],
        kept["echoed"]["log_result"],
        kept["failing"]["result"],
        kept["failing"]["log_result"],
    )


def test_module_without_boto3_on_the_target(playbook_runner: PlaybookRunner) -> None:
    """missing_required_lib on an old target Python without boto3 (also proves the module and
    its module_utils run on Python 3.9, and that a task whose interpreter is not the
    controller's takes the module path: in the controller's process, boto3 would be found).

    Skipped only outside CI when no such interpreter exists; under CI=true it fails instead.
    """
    candidates = sorted(Path.home().glob(".pyenv/versions/3.9*/bin/python3.9"))
    python = next((str(p) for p in candidates if not _has_boto3(p)), None)
    if python is None:
        reason = f"no Python 3.9 without boto3 here (~/.pyenv/versions/3.9*/bin/python3.9: {candidates})"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; under CI=true this case must run")
        pytest.skip(reason)
    run = playbook_runner.run("no_boto3.yml", target_python=python)
    assert run.rc == 0, run.describe()
    run.assert_ran("module")
    run.assert_no_leak()


def _has_boto3(python: Path) -> bool:
    return subprocess.run([str(python), "-c", "import boto3"], capture_output=True).returncode == 0


def test_async_is_refused_before_invoking(runner: PlaybookRunner) -> None:
    run = runner.run("async.yml", verbosity=0)
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout and "ignored=3" in run.proc.stdout, run.describe()
    # The message is visible (nothing secret in it) for both poll values.
    for poll in (0, 2):
        assert f"does not support async (the task has async: 10, poll: {poll})" in run.proc.stdout, (
            run.describe()
        )
    # Only the synchronous task ran the function.
    assert [line.split()[1] for line in (run.tmp / "count.txt").read_text().splitlines()] == ["sync"]
    run.assert_no_leak()


def test_aliases_of_one_option_with_different_values_fail_before_invoking(runner: PlaybookRunner) -> None:
    run = runner.run("alias_conflict.yml", verbosity=0)
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout and "ignored=2" in run.proc.stdout, run.describe()
    # The message is visible (no value in it) and names both options.
    assert "options name and function_arn are both set" in run.proc.stdout, run.describe()
    assert "options function_name and name are both set" in run.proc.stdout, run.describe()
    # The same value under two names: ansible-core's warning, on both paths; ansible-core before
    # 2.19 censors a hidden module result's warnings with it (seen on 2.17.0 and 2.18.0), so
    # there only the in-process path shows it.
    warning = "Both option function_name and its alias name are set."
    shown = warning in " ".join((run.proc.stdout + run.proc.stderr).split())
    module_shows = Version(runner.core.version) >= Version("2.19")
    assert shown == (runner.execution == "in_process" or module_shows), run.describe()
    # Only the task whose two names agree ran the function.
    assert [line.split()[1] for line in (run.tmp / "count.txt").read_text().splitlines()] == ["agree"]
    run.assert_no_leak()


@pytest.mark.parametrize(
    ("access_key", "secret_key"),
    [("test", "test"), ("AKIDONECHARSECRET", "y")],
    ids=["test-test", "secret-y"],
)
def test_register_holds_the_outputs_unmasked_whatever_the_credentials(
    runner: PlaybookRunner, access_key: str, secret_key: str
) -> None:
    """Ansible masks no_log values (secret_key) in module results; the outputs must not be."""
    run = runner.run(
        "unmasked.yml", env={"AWS_ACCESS_KEY_ID": access_key, "AWS_SECRET_ACCESS_KEY": secret_key}
    )
    assert run.rc == 0, run.describe()
    run.assert_ran(runner.execution)
    registered = run.registered("unmasked.json")
    for name in ("from_env", "from_options"):
        kept = registered[name]
        event = {"msg": "testing the test", "y": "yyyy", "n": 1234, "marker": run.markers["payload_marker"]}
        assert kept["result_json"]["event"] == event
        assert json.loads(kept["result"]) == kept["result_json"]
        assert base64.b64decode(kept["log_result"]).decode() == kept["log_text"]
        assert "********" not in json.dumps(kept)
    run.assert_no_leak(registered["from_env"]["result"], registered["from_env"]["log_result"])
    assert CENSORED in run.proc.stdout


def test_task_environment_reaches_fallbacks_and_boto3(runner: PlaybookRunner) -> None:
    run = runner.run("environment.yml")
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout and "ignored=2" in run.proc.stdout, run.describe()
    run.assert_ran(runner.execution)
    run.assert_no_leak()


ROLE_ACCOUNT = "210987654321"  # another account than the base credentials' (moto: 123456789012)


def test_role_assumption_signs_with_the_assumed_credentials_and_leaks_nothing(
    runner: PlaybookRunner, sts_url: str, recording_endpoint: RecordingLambda
) -> None:
    session_name = f"ansible-{uuid.uuid4().hex[:12]}"
    external_id = f"ext-{uuid.uuid4().hex}"
    started = time.time()
    run = runner.run(
        "role.yml",
        env={"AWS_ENDPOINT_URL_STS": sts_url},
        extra_vars={
            "recording_url": recording_endpoint.url,
            "role_arn": f"arn:aws:iam::{ROLE_ACCOUNT}:role/invoker",
            "session_name": session_name,
            "external_id": external_id,
        },
    )
    finished = time.time()
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout, run.describe()
    run.assert_ran(runner.execution)

    # What moto's STS issued, by session name (the server is shared by the whole session).
    issued = {
        role.session_name: role
        for role in _assumed_roles(ROLE_ACCOUNT)
        if role.session_name.startswith(session_name)
    }
    module_role, lookup_role = issued[f"{session_name}-m"], issued[f"{session_name}-l"]
    assert module_role.external_id == lookup_role.external_id == external_id
    assert module_role.role_arn == f"arn:aws:iam::{ROLE_ACCOUNT}:role/invoker"
    # role_duration reached STS: the credentials expire 900 s (module) / 1800 s (lookup) after
    # issue, which happened while the playbook ran (bounds that hold however slow the machine).
    for role, duration in ((module_role, 900), (lookup_role, 1800)):
        expiration = role.expiration.timestamp()
        in_time = started + duration - 2 <= expiration <= finished + duration + 2
        assert in_time, (duration, expiration - started)

    # The Lambda endpoint saw requests signed with the assumed credentials, not the base key.
    (signed_by_module,) = recording_endpoint.invokes("module-role")
    (signed_by_lookup,) = recording_endpoint.invokes("lookup-role")
    for seen, role in ((signed_by_module, module_role), (signed_by_lookup, lookup_role)):
        assert seen.access_key_id is not None and seen.access_key_id.startswith("ASIA")
        assert seen.access_key_id != ACCESS_KEY
        assert seen.access_key_id == role.access_key_id
        assert seen.security_token == role.session_token
    # The module sent the tenant it was given, and no tenant when it was given none.
    assert signed_by_module.tenant_id == "customer-42"
    assert all(r.tenant_id is None for r in recording_endpoint.seen() if r.function_name != "module-role")
    # Each module run assumes the role for itself (a new process each time) and signs with it.
    looped = recording_endpoint.invokes("module-role-loop")
    assert len(looped) == 2 and all(r.access_key_id and r.access_key_id.startswith("ASIA") for r in looped)
    # Without role_arn, the base key signs; with STS refusing, nothing is invoked.
    (unsigned,) = recording_endpoint.invokes("module-base")
    assert unsigned.access_key_id == ACCESS_KEY and unsigned.security_token is None
    assert recording_endpoint.invokes("module-refused") == []
    assert len(recording_endpoint.sts_calls()) == 1
    assert recording_endpoint.invokes("module-bad") == []

    # Nothing from STS, nor the external id, in any output or in the registered values.
    secrets = [external_id, SECRET_KEY]
    for role in issued.values():
        secrets += [role.access_key_id, role.secret_access_key, role.session_token]
    for seen in recording_endpoint.seen():
        if seen.access_key_id != ACCESS_KEY:
            secrets += [seen.access_key_id or "", seen.security_token or ""]
    run.assert_no_leak(*secrets)
    registered = (run.out_dir / "role.json").read_text()
    assert json.loads(registered)["with_role"]["status_code"] == 200
    leaked = [i for i, secret in enumerate(secrets) if secret and secret in registered]
    assert not leaked, leaked


def _assumed_roles(account_id: str) -> list[Any]:
    from moto.sts.models import sts_backends

    return list(sts_backends[account_id]["aws"].assumed_roles)


FAILURE_KEYS = {"boto3_version", "botocore_version", "changed", "error", "failed", "msg"}


def test_failures_carry_amazon_aws_fields(runner: PlaybookRunner) -> None:
    """failed_when on error.code works on both paths (404, validation, timeout, argument spec)."""
    run = runner.run("failure_fields.yml", verbosity=3)
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout and "ignored=1" in run.proc.stdout, run.describe()
    run.assert_ran(runner.execution)
    failures = run.registered("failures.json")
    for name in ("not_found", "invalid", "timed_out", "unsupported"):
        assert set(failures[name]["error"]) == {"code", "message"}, name
        assert set(failures[name]) >= FAILURE_KEYS, (name, sorted(failures[name]))
    assert set(failures["not_found"]["response_metadata"]) == {"http_status_code", "request_id"}
    # error.message is the collection's own hint, not AWS's message (which the endpoint sends).
    assert "Function not found" not in json.dumps(failures)
    run.assert_no_leak()


def test_option_habits_of_amazon_aws_users(
    runner: PlaybookRunner, recording_endpoint: RecordingLambda
) -> None:
    """module_defaults groups, debug_botocore_endpoint_logs, aws_config and log_type.

    amazon.aws is not installed here: ansible-core needs its meta/runtime.yml to resolve
    group/amazon.aws.aws, so a stand-in declares that group as amazon.aws does (its modules only).
    """
    stand_in = ROOT / "tests/ansible/stand_in_collections"
    assert (stand_in / "ansible_collections/amazon/aws/meta/runtime.yml").is_file()
    run = runner.run(
        "option_habits.yml",
        verbosity=3,
        extra_vars={"recording_url": recording_endpoint.url},
        env={"ANSIBLE_COLLECTIONS_PATH": f"{ROOT}:{stand_in}"},
    )
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout, run.describe()
    run.assert_ran(runner.execution)
    (seen,) = recording_endpoint.invokes("habits-user-agent")
    assert seen.user_agent is not None
    assert "ephemeral-lambda-invocation/" in seen.user_agent
    assert f"habits/{run.markers['payload_marker'][-8:]}" in seen.user_agent
    run.assert_no_leak()


def test_no_interpreter_set_means_the_controllers_python_on_both_paths(runner: PlaybookRunner) -> None:
    """localhost ansible_connection=local without ansible_python_interpreter: interpreter
    discovery would pick another Python (here a pyenv shim, which fails); the in-process path and
    the forced module both use the controller's."""
    run = runner.run("interpreter.yml", verbosity=3, interpreter_set=False)
    assert run.rc == 0, run.describe()
    assert "failed=0" in run.proc.stdout, run.describe()
    run.assert_ran(runner.execution)
    if runner.execution == "module":
        controller_python = runner.core.venv / "bin" / "python"
        # The EXEC lines that run the module (not those that chmod or remove it).
        executed = [
            line
            for line in run.proc.stdout.splitlines()
            if "EXEC /bin/sh -c '" in line and "AnsiballZ_lambda_invocation" in line and "chmod" not in line
        ]
        assert len(executed) == 2, run.describe()
        assert all(f"EXEC /bin/sh -c '{controller_python} " in line for line in executed), run.describe()
    run.assert_no_leak()
