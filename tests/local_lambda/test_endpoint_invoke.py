"""Invoke API behaviour through boto3 against the session endpoint (real processes)."""

from __future__ import annotations

import base64
import json
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from botocore.exceptions import ClientError

from local_lambda.launcher import RunningEndpoint
from local_lambda.procfs import process_alive, process_start
from tests.support.functions import count_executions
from tests.support.raw_invoke import invoke

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

ARN = "arn:aws:lambda:us-east-1:123456789012:function"


def test_result_and_headers(lambda_client: LambdaClient) -> None:
    result = invoke(lambda_client, "echo", {"hello": "world"})
    assert result.status == 200
    assert result.function_error is None
    assert result.executed_version == "$LATEST"
    assert result.log is None
    body = result.payload
    assert body["event"] == {"hello": "world"}
    assert body["function_name"] == "echo"
    assert body["version"] == "$LATEST"
    assert body["invoked_function_arn"] == f"{ARN}:echo"
    assert body["request_id"] == result.response["ResponseMetadata"]["RequestId"]
    assert 0 < body["remaining_ms"] <= 10_000
    assert body["client_context"] is None
    assert body["tenant_id"] is None
    headers = result.response["ResponseMetadata"]["HTTPHeaders"]
    assert headers["content-type"] == "application/json"


def test_warm_runtime_is_reused(lambda_client: LambdaClient) -> None:
    first = invoke(lambda_client, "echo", {}).payload["pid"]
    second = invoke(lambda_client, "echo", {}).payload["pid"]
    assert first == second


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(b"", {}), (b"[1, 2]", [1, 2]), (b'"text"', "text"), (b"42", 42), (b"null", None)],
)
def test_any_json_payload_reaches_handler(lambda_client: LambdaClient, raw: bytes, expected: Any) -> None:
    result = invoke(lambda_client, "echo", Payload=raw)
    assert result.function_error is None
    assert result.payload["event"] == expected


def test_raising_handler_gives_error_document_and_tail_log(lambda_client: LambdaClient) -> None:
    result = invoke(lambda_client, "fail", {"message": "kaboom 42"}, LogType="Tail")
    assert result.status == 200
    assert result.function_error == "Unhandled"
    error = result.payload
    assert error["errorType"] == "ValueError"
    assert error["errorMessage"] == "kaboom 42"
    request_id = result.response["ResponseMetadata"]["RequestId"]
    assert error["requestId"] == request_id
    assert any("lambda_handlers.py" in frame and "in fail" in frame for frame in error["stackTrace"])
    assert result.log is not None
    lines = result.log.splitlines()
    assert lines[0] == f"START RequestId: {request_id} Version: $LATEST"
    assert "fail about to raise: kaboom 42" in result.log
    assert "[ERROR] ValueError: kaboom 42" in result.log  # awslambdaric's own error log line
    assert f"END RequestId: {request_id}" in lines
    assert lines[-1].startswith(f"REPORT RequestId: {request_id}\tDuration: ")
    assert "Memory Size: 128 MB" in lines[-1]


def test_tail_log_holds_only_that_invocation(lambda_client: LambdaClient) -> None:
    first = invoke(lambda_client, "echo", {"marker": "first-marker"}, LogType="Tail")
    second = invoke(lambda_client, "echo", {"marker": "second-marker"}, LogType="Tail")
    assert first.log is not None and second.log is not None
    assert "echo marker=first-marker" in first.log
    assert "second-marker" not in first.log
    assert "echo marker=second-marker" in second.log
    assert "first-marker" not in second.log
    assert first.log.count("START RequestId") == second.log.count("START RequestId") == 1


def test_tail_log_is_the_last_4_kb(lambda_client: LambdaClient) -> None:
    marker = "m" * 10_000
    result = invoke(lambda_client, "echo", {"marker": marker}, LogType="Tail")
    raw = base64.b64decode(result.response["LogResult"])
    assert len(raw) == 4096
    assert raw.decode().splitlines()[-1].startswith("REPORT RequestId: ")
    assert b"START RequestId" not in raw  # cut off: only the tail is returned


def test_client_context_reaches_handler(lambda_client: LambdaClient) -> None:
    context = {
        "custom": {"trace": "abc", "n": 1},
        "env": {"locale": "en_GB"},
        "client": {"installation_id": "inst-1", "app_title": "tests"},
    }
    encoded = base64.b64encode(json.dumps(context).encode()).decode()
    seen = invoke(lambda_client, "echo", {}, ClientContext=encoded).payload["client_context"]
    assert seen["custom"] == context["custom"]
    assert seen["env"] == context["env"]
    assert seen["client"]["installation_id"] == "inst-1"
    assert seen["client"]["app_title"] == "tests"


@pytest.mark.parametrize("bad", ["not base64!", "QUJD=", base64.b64encode(b"[1]").decode(), "x" * 3584])
def test_invalid_client_context_is_rejected(lambda_client: LambdaClient, bad: str) -> None:
    with pytest.raises(lambda_client.exceptions.InvalidRequestContentException):
        lambda_client.invoke(FunctionName="echo", Payload=b"{}", ClientContext=bad)


def test_tenant_id_reaches_handler(lambda_client: LambdaClient) -> None:
    assert invoke(lambda_client, "echo", {}, TenantId="tenant-42").payload["tenant_id"] == "tenant-42"
    assert invoke(lambda_client, "echo", {}).payload["tenant_id"] is None


def test_invalid_tenant_id_is_rejected(lambda_client: LambdaClient) -> None:
    with pytest.raises(ClientError) as caught:
        lambda_client.invoke(FunctionName="echo", Payload=b"{}", TenantId="bad#tenant")
    assert caught.value.response["Error"]["Code"] == "ValidationException"


def test_environment_and_fake_credentials(lambda_client: LambdaClient) -> None:
    def env(name: str) -> Any:
        return invoke(lambda_client, "env", {"name": name}).payload["value"]

    assert env("GREETING") == "hello from env"
    assert env("AWS_LAMBDA_FUNCTION_NAME") == "env"
    assert env("AWS_LAMBDA_FUNCTION_VERSION") == "$LATEST"
    assert env("AWS_REGION") == "us-east-1"
    assert env("AWS_ACCESS_KEY_ID") == "AKIALOCALLAMBDA00000"  # never the developer's own
    assert Path(env("LAMBDA_TASK_ROOT")).name == "common"
    assert env("AWS_LAMBDA_RUNTIME_API").startswith("127.0.0.1:")


def test_event_runs_in_background(lambda_client: LambdaClient, count_file: str) -> None:
    result = invoke(
        lambda_client, "count", {"count_file": count_file, "seconds": 0.3}, InvocationType="Event"
    )
    assert result.status == 202
    assert result.raw == b""
    assert count_executions(count_file) == 0  # 202 came back before the handler finished
    deadline = time.monotonic() + 10
    while count_executions(count_file) == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert count_executions(count_file) == 1


def test_dry_run_does_not_run_the_handler(lambda_client: LambdaClient, count_file: str) -> None:
    result = invoke(lambda_client, "count", {"count_file": count_file}, InvocationType="DryRun")
    assert result.status == 204
    time.sleep(0.5)
    assert not os.path.exists(count_file)
    # ...while a real invocation of the same request does write it.
    assert invoke(lambda_client, "count", {"count_file": count_file}).payload["count"] == 1


def test_dry_run_still_validates(lambda_client: LambdaClient) -> None:
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException):
        lambda_client.invoke(FunctionName="nope", InvocationType="DryRun")


@pytest.mark.parametrize(
    ("qualifier", "executed", "code"),
    [
        (None, "$LATEST", "latest"),
        ("$LATEST", "$LATEST", "latest"),
        ("1", "1", "v1"),
        ("2", "2", "v2"),
        ("3", "3", "latest"),
        ("live", "1", "v1"),
        ("next", "2", "v2"),
        ("current", "$LATEST", "latest"),
        ("$LATEST.PUBLISHED", "3", "latest"),
    ],
)
def test_versions_and_aliases_run_the_right_code(
    lambda_client: LambdaClient, qualifier: str | None, executed: str, code: str
) -> None:
    extra = {"Qualifier": qualifier} if qualifier else {}
    result = invoke(lambda_client, "echo", {"q": qualifier}, **extra)
    assert result.function_error is None
    assert result.executed_version == executed
    assert result.payload["code"] == code
    assert result.payload["version"] == executed  # context.function_version
    assert result.payload["event"] == {"q": qualifier}


@pytest.mark.parametrize(
    ("name", "qualifier", "executed"),
    [
        ("echo:live", None, "1"),
        ("echo:live", "live", "1"),
        ("123456789012:function:echo", None, "$LATEST"),
        ("123456789012:function:echo:2", None, "2"),
        (f"{ARN}:echo", None, "$LATEST"),
        (f"{ARN}:echo:next", None, "2"),
        (f"{ARN}:echo", "1", "1"),
    ],
)
def test_function_name_forms(
    lambda_client: LambdaClient, name: str, qualifier: str | None, executed: str
) -> None:
    extra = {"Qualifier": qualifier} if qualifier else {}
    assert invoke(lambda_client, name, {}, **extra).executed_version == executed


def test_invoked_function_arn_keeps_the_alias(lambda_client: LambdaClient) -> None:
    body = invoke(lambda_client, "echo", {}, Qualifier="current").payload
    assert body["invoked_function_arn"] == f"{ARN}:echo:current"


@pytest.mark.parametrize(
    ("name", "qualifier"),
    [
        ("nope", None),
        ("echo", "9"),
        ("echo", "no-such-alias"),
        ("echo:9", None),
        ("999999999999:function:echo", None),  # another account
        ("fail", "live"),
    ],
)
def test_unknown_function_or_qualifier_is_404(
    lambda_client: LambdaClient, name: str, qualifier: str | None
) -> None:
    extra: dict[str, Any] = {"Qualifier": qualifier} if qualifier else {}
    with pytest.raises(lambda_client.exceptions.ResourceNotFoundException) as caught:
        lambda_client.invoke(FunctionName=name, Payload=b"{}", **extra)
    error = caught.value.response
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 404
    assert error["Error"]["Message"].startswith("Function not found: arn:aws:lambda:us-east-1:")
    assert error["ResponseMetadata"]["RequestId"]


def test_qualifier_conflict_is_rejected(lambda_client: LambdaClient) -> None:
    with pytest.raises(lambda_client.exceptions.InvalidParameterValueException):
        lambda_client.invoke(FunctionName="echo:live", Qualifier="2", Payload=b"{}")


@pytest.mark.parametrize("name", ["bad name", "a" * 65, "echo:bad.qualifier", "arn:aws:s3:::bucket"])
def test_malformed_function_name_is_rejected(lambda_client: LambdaClient, name: str) -> None:
    with pytest.raises(ClientError) as caught:
        lambda_client.invoke(FunctionName=name, Payload=b"{}")
    assert caught.value.response["Error"]["Code"] == "ValidationException"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_body_not_json_is_400(lambda_client: LambdaClient) -> None:
    for bad in (b"not json", b"{", b'{"a": NaN}', b"\xff\xfe"):
        with pytest.raises(lambda_client.exceptions.InvalidRequestContentException) as caught:
            lambda_client.invoke(FunctionName="echo", Payload=bad)
        assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_request_over_6_mb_is_413(lambda_client: LambdaClient) -> None:
    payload = json.dumps({"pad": "x" * 6_291_456}).encode()
    with pytest.raises(lambda_client.exceptions.RequestTooLargeException) as caught:
        lambda_client.invoke(FunctionName="echo", Payload=payload)
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 413
    assert "6291456" in caught.value.response["Error"]["Message"]
    # The connection and the endpoint stay usable.
    assert invoke(lambda_client, "echo", {"after": 1}).payload["event"] == {"after": 1}


def test_request_of_exactly_6_mb_is_accepted(lambda_client: LambdaClient) -> None:
    prefix = b'{"size": 1, "pad": "'
    payload = prefix + b"x" * (6_291_456 - len(prefix) - 2) + b'"}'
    assert len(payload) == 6_291_456
    result = invoke(lambda_client, "big", Payload=payload)
    assert result.function_error is None
    assert result.payload == "x"


def test_response_over_limit_is_a_function_error(lambda_client: LambdaClient) -> None:
    result = invoke(lambda_client, "big", {"size": 6_291_556})  # JSON string: +2 quotes
    assert result.status == 200
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Function.ResponseSizeTooLarge"
    fits = invoke(lambda_client, "big", {"size": 6_291_554})
    assert fits.function_error is None
    assert len(fits.raw) == 6_291_556


def test_init_error_is_reported_like_aws(lambda_client: LambdaClient) -> None:
    result = invoke(lambda_client, "init-error", {})
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Runtime.ImportModuleError"
    assert "no_such_module" in result.payload["errorMessage"]


def test_timeout_kills_and_replaces_the_runtime(
    lambda_endpoint: RunningEndpoint, lambda_client: LambdaClient
) -> None:
    warm_pid = invoke(lambda_client, "short-timeout", {"seconds": 0}).payload["pid"]
    warm_start = process_start(warm_pid)
    started = time.monotonic()
    result = invoke(lambda_client, "short-timeout", {"seconds": 30}, LogType="Tail")
    elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < 5.0
    assert result.function_error == "Unhandled"
    assert result.payload["errorType"] == "Sandbox.Timedout"
    assert "Task timed out after 2.00 seconds" in result.payload["errorMessage"]
    assert result.log is not None and "Task timed out after 2.00 seconds" in result.log
    deadline = time.monotonic() + 5
    while process_alive(warm_pid, warm_start) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not process_alive(warm_pid, warm_start)
    after = invoke(lambda_client, "short-timeout", {"seconds": 0})
    assert after.function_error is None
    assert after.payload["pid"] != warm_pid
    assert warm_pid not in lambda_endpoint.runtime_pids("short-timeout")


def test_crashed_runtime_is_replaced(lambda_client: LambdaClient) -> None:
    before = invoke(lambda_client, "crash", {"crash": False}).payload["pid"]
    before_start = process_start(before)
    crashed = invoke(lambda_client, "crash", {"code": 7}, LogType="Tail")
    assert crashed.function_error == "Unhandled"
    assert crashed.payload["errorType"] == "Runtime.ExitError"
    assert "Runtime exited with error: exit status 7" in crashed.payload["errorMessage"]
    assert crashed.log is not None and "crash about to exit" in crashed.log
    assert not process_alive(before, before_start)
    after = invoke(lambda_client, "crash", {"crash": False})
    assert after.function_error is None
    assert after.payload["pid"] != before


def test_unknown_path_is_aws_shaped(lambda_endpoint: RunningEndpoint) -> None:
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(lambda_endpoint.url + "/2015-03-31/functions/echo", timeout=5)
    assert caught.value.code == 404
    assert caught.value.headers["x-amzn-ErrorType"] == "UnknownOperationException"


def test_idle_runtime_killed_from_outside_is_replaced(
    lambda_endpoint: RunningEndpoint, lambda_client: LambdaClient
) -> None:
    pid = invoke(lambda_client, "crash", {"crash": False}).payload["pid"]
    os.kill(pid, signal.SIGKILL)
    # Wait until the endpoint has seen the exit: a process still being torn down can take
    # the next event, and that invocation then fails with Runtime.ExitError (as on AWS).
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        states = {rt["pid"]: rt["state"] for rt in lambda_endpoint.runtimes()}
        if states.get(pid, "dead") == "dead":
            break
        time.sleep(0.005)
    after = invoke(lambda_client, "crash", {"crash": False})
    assert after.function_error is None
    assert after.payload["pid"] != pid


def test_keep_alive_serves_many_calls_on_one_connection(lambda_endpoint: RunningEndpoint) -> None:
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(lambda_endpoint.url)
    connection = http.client.HTTPConnection(address.hostname or "", address.port, timeout=10)
    try:
        connection.connect()
        sock = connection.sock
        for i in range(3):
            connection.request("POST", "/2015-03-31/functions/echo/invocations", body=json.dumps({"i": i}))
            response = connection.getresponse()
            assert response.status == 200
            assert json.loads(response.read())["event"] == {"i": i}
            assert response.getheader("Connection") != "close"
        assert connection.sock is sock  # never reconnected
        # An error answer keeps the connection too.
        connection.request("POST", "/2015-03-31/functions/nope/invocations", body=b"{}")
        response = connection.getresponse()
        response.read()
        assert response.status == 404
        assert connection.sock is sock
    finally:
        connection.close()
