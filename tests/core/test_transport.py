"""The core's call against a scripted endpoint: real boto3 over real loopback sockets."""

from __future__ import annotations

import base64
import json
import logging
import socket
import time
from typing import Any

import pytest

import lambda_invocation_core as core
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error

SECRET = "s3cr3t-MARKER-7f1c"


def success_reply(result: object, log: str | None = None, version: str = "$LATEST") -> Reply:
    headers = {"X-Amz-Executed-Version": version}
    if log is not None:
        headers["X-Amz-Log-Result"] = base64.b64encode(log.encode()).decode()
    return Reply(body=json.dumps(result).encode(), headers=headers)


def test_result_fields_and_request_shape(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(
        success_reply({"password": SECRET}, log=f"START\nlogged {SECRET}\nEND", version="3")
    )
    result = core.invoke(
        "my-function",
        {"key": "value"},
        qualifier="live",
        client_context={"custom": {"k": "v"}},
        log_type="Tail",
        connection=make_settings(scripted_lambda.url),
    )
    assert result.status_code == 200
    assert json.loads(result.result) == {"password": SECRET}
    assert result.result_json == {"password": SECRET}
    assert result.result_is_json
    assert result.executed_version == "3"
    assert result.function_error is None
    assert result.log_text == f"START\nlogged {SECRET}\nEND"
    assert base64.b64decode(result.log_result or "").decode() == result.log_text
    assert SECRET not in repr(result)

    (seen,) = scripted_lambda.requests
    assert seen.path == "/2015-03-31/functions/my-function/invocations?Qualifier=live"
    assert seen.body == b'{"key":"value"}'
    assert seen.headers["x-amz-invocation-type"] == "RequestResponse"
    assert seen.headers["x-amz-log-type"] == "Tail"
    assert json.loads(base64.b64decode(seen.headers["x-amz-client-context"])) == {"custom": {"k": "v"}}


def test_non_json_result_is_not_an_error(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(Reply(body=b"plain text", headers={"X-Amz-Executed-Version": "$LATEST"}))
    result = core.invoke("f", "{}", connection=make_settings(scripted_lambda.url))
    assert result.result == "plain text"
    assert not result.result_is_json
    assert result.result_json is None
    assert result.log_result is None and result.log_text is None
    assert "x-amz-log-type" not in scripted_lambda.requests[0].headers  # None is the API default


def function_error_reply() -> Reply:
    document = {
        "errorMessage": f"db password {SECRET} rejected",
        "errorType": "ValueError",
        "stackTrace": [SECRET],
    }
    return Reply(
        body=json.dumps(document).encode(),
        headers={"X-Amz-Function-Error": "Unhandled", "X-Amz-Executed-Version": "7"},
    )


def test_function_error_reported(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    scripted_lambda.queue(function_error_reply())
    result = core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    assert result.function_error == "Unhandled"
    assert result.error_type == "ValueError"
    assert result.result_json["errorMessage"] == f"db password {SECRET} rejected"


def test_function_error_raised_without_secrets(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(function_error_reply())
    with pytest.raises(core.FunctionError) as caught:
        core.invoke("f", {}, fail_on_function_error=True, connection=make_settings(scripted_lambda.url))
    message = str(caught.value)
    assert message == (
        "Lambda function f (version 7) failed: Unhandled function error of type ValueError; "
        "the error details are in the secret result"
    )
    assert SECRET not in message and SECRET not in repr(caught.value)
    assert isinstance(caught.value.result, core.InvocationResult)
    assert SECRET in caught.value.result.result  # still reachable by the caller
    assert len(scripted_lambda.requests) == 1


def test_error_type_that_is_not_an_identifier_is_not_repeated(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    document = {"errorMessage": "x", "errorType": f"not a type {SECRET}"}
    scripted_lambda.queue(
        Reply(body=json.dumps(document).encode(), headers={"X-Amz-Function-Error": "Unhandled"})
    )
    with pytest.raises(core.FunctionError) as caught:
        core.invoke("f", {}, fail_on_function_error=True, connection=make_settings(scripted_lambda.url))
    assert SECRET not in str(caught.value)
    assert "function error of type unknown;" in str(caught.value)


def test_throttle_retried_then_succeeds(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(
        aws_error("TooManyRequestsException", 429),
        aws_error("TooManyRequestsException", 429),
        success_reply({"ok": 1}),
    )
    result = core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    assert result.result_json == {"ok": 1}
    assert len(scripted_lambda.requests) == 3


def test_not_ready_retried(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    scripted_lambda.queue(aws_error("ResourceConflictException", 409), success_reply(1))
    assert core.invoke("f", {}, connection=make_settings(scripted_lambda.url)).result == "1"
    assert len(scripted_lambda.requests) == 2


def test_throttle_gives_up_with_clear_error(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(*[aws_error("TooManyRequestsException", 429)] * 5)
    with pytest.raises(core.ThrottledError) as caught:
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, max_attempts=3))
    assert len(scripted_lambda.requests) == 3
    error = caught.value
    assert error.code == "TooManyRequestsException" and error.http_status == 429
    assert error.request_id == "req-42" and error.attempts == 3
    assert "throttled" in str(error) and "Gave up after 3 attempts" in str(error)


def test_not_ready_until_the_last_attempt_is_not_called_a_throttle(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(*[aws_error("ResourceConflictException", 409)] * 3)
    with pytest.raises(core.RetriesExhaustedError) as caught:
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, max_attempts=3))
    error = caught.value
    assert not isinstance(error, core.ThrottledError)
    assert error.code == "ResourceConflictException" and error.attempts == 3
    assert "not ready" in str(error) and "throttl" not in str(error).lower()
    assert len(scripted_lambda.requests) == 3


def test_read_timeout_sends_exactly_one_request(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(Reply(delay=2.5, body=b"{}"))
    with pytest.raises(core.InvocationTimeoutError) as caught:
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, read_timeout=1.0))
    assert "may still be running" in str(caught.value)
    time.sleep(1.6)  # long enough for any retry to have arrived
    assert len(scripted_lambda.requests) == 1


def test_connection_dropped_after_send_is_not_retried(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(Reply(drop=True), success_reply("second"))
    with pytest.raises(core.ConnectionLostError) as caught:
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    assert "may have run" in str(caught.value)
    time.sleep(0.5)
    assert len(scripted_lambda.requests) == 1


def test_server_error_is_not_retried(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    scripted_lambda.queue(aws_error("ServiceException", 500), success_reply("second"))
    with pytest.raises(core.AwsError) as caught:
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    assert caught.value.code == "ServiceException" and caught.value.http_status == 500
    assert len(scripted_lambda.requests) == 1


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_endpoint_down_is_unreachable_and_not_sent(make_settings: SettingsFactory) -> None:
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=make_settings(f"http://127.0.0.1:{_unused_port()}"))
    assert "was not sent" in str(caught.value)


def test_unresolvable_endpoint_is_unreachable_and_not_sent(make_settings: SettingsFactory) -> None:
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=make_settings("http://no-such-host.invalid:9"))
    assert str(caught.value) == (
        "could not connect to http://no-such-host.invalid:9 (connection refused or name not resolved); "
        "the request was not sent"
    )


@pytest.mark.parametrize(
    ("code", "status", "expected"),
    [
        ("ResourceNotFoundException", 404, "with qualifier live was not found"),
        ("AccessDeniedException", 403, "lambda:InvokeFunction"),
        ("KMSAccessDeniedException", 502, "switch the function to another role and back, or recreate"),
        ("RequestTooLargeException", 413, "6 MB"),
        ("InvalidRequestContentException", 400, "could not parse"),
        ("UnsupportedMediaTypeException", 415, "content type of the request body"),
        # A code newer than the core's table still comes out as an AwsError.
        ("SomeFutureException", 400, "API reference"),
    ],
)
def test_aws_errors_are_mapped(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, code: str, status: int, expected: str
) -> None:
    scripted_lambda.queue(aws_error(code, status, message=f"echo of request {SECRET}"))
    with pytest.raises(core.AwsError) as caught:
        core.invoke("my-fn", {"p": SECRET}, qualifier="live", connection=make_settings(scripted_lambda.url))
    error = caught.value
    assert (error.code, error.http_status, error.request_id) == (code, status, "req-42")
    assert expected in str(error)
    assert SECRET not in str(error)
    assert len(scripted_lambda.requests) == 1


def test_no_secret_in_exceptions_or_logs(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, caplog: pytest.LogCaptureFixture
) -> None:
    """Secrets in payload, client context and result never reach exception text or logs."""
    caplog.set_level(logging.DEBUG)
    # botocore's debug logs print request bodies; the core must not switch them on, and
    # its own messages must stay clean. Those loggers are silenced here to see ours.
    for name in ("botocore", "urllib3", "boto3"):
        logging.getLogger(name).setLevel(logging.WARNING)
    context = base64.b64encode(json.dumps({"custom": {"token": SECRET}}).encode()).decode()
    texts: list[str] = []
    scenarios: list[Reply] = [
        function_error_reply(),
        aws_error("InvalidRequestContentException", 400, message=SECRET),
        Reply(drop=True),
        Reply(delay=1.5),
    ]
    for reply in scenarios:
        scripted_lambda.queue(reply)
        with pytest.raises(core.LambdaInvocationError) as caught:
            core.invoke(
                "f",
                {"secret": SECRET},
                client_context=context,
                fail_on_function_error=True,
                connection=make_settings(scripted_lambda.url, read_timeout=1.0),
            )
        texts += [str(caught.value), repr(caught.value), repr(caught.value.args)]
    for bad in ({"secret": SECRET, "x": {1, 2}}, SECRET, SECRET.encode()):
        with pytest.raises(core.ValidationError) as invalid:
            core.invoke("f", bad, client_context=context, connection=make_settings(scripted_lambda.url))
        texts.append(str(invalid.value))
    with pytest.raises(core.ValidationError) as invalid:
        core.invoke("f", {}, client_context=SECRET, connection=make_settings(scripted_lambda.url))
    texts.append(str(invalid.value))
    texts += [record.getMessage() for record in caplog.records]
    assert texts
    assert not [text for text in texts if SECRET in text or "wJalrXUtnFEMI" in text]


def test_dry_run(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    scripted_lambda.queue(Reply(status=204, body=b""))
    result = core.invoke("f", {}, dry_run=True, connection=make_settings(scripted_lambda.url))
    assert result.status_code == 204 and result.result == ""
    assert scripted_lambda.requests[0].headers["x-amz-invocation-type"] == "DryRun"


def test_validation_error_sends_nothing(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    with pytest.raises(core.ValidationError):
        core.invoke("bad name!", {}, connection=make_settings(scripted_lambda.url))
    assert scripted_lambda.requests == []


def test_client_is_reused_for_the_same_settings(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    first = core.get_client(make_settings(scripted_lambda.url))
    assert core.get_client(make_settings(scripted_lambda.url)) is first
    assert core.get_client(make_settings(scripted_lambda.url, read_timeout=9.0)) is not first


def test_client_cache_is_thread_safe(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(16) as pool:
        clients = list(pool.map(lambda _: core.get_client(make_settings(scripted_lambda.url)), range(64)))
    assert len({id(client) for client in clients}) == 1


def test_botocore_retries_are_off(make_settings: SettingsFactory, scripted_lambda: ScriptedLambda) -> None:
    config: Any = core.get_client(
        make_settings(scripted_lambda.url)
    ).meta.config  # attributes set by Config(**kw)
    assert config.retries == {"mode": "standard", "total_max_attempts": 1}
    assert config.read_timeout == 5.0


def test_default_read_timeout_covers_lambda_maximum() -> None:
    assert core.ConnectionSettings().read_timeout >= 900


def test_missing_region_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    for name in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    with pytest.raises(core.ValidationError, match="region"):
        core.get_client(core.ConnectionSettings(access_key="a", secret_key="b"))


def test_aws_region_environment_variable_is_honoured(
    monkeypatch: pytest.MonkeyPatch, scripted_lambda: ScriptedLambda
) -> None:
    monkeypatch.delenv("AWS_DEFAULT_REGION", raising=False)
    monkeypatch.setenv("AWS_REGION", "eu-west-3")
    client = core.get_client(
        core.ConnectionSettings(access_key="a", secret_key="b", endpoint_url=scripted_lambda.url)
    )
    assert client.meta.region_name == "eu-west-3"


def test_unknown_profile_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    with pytest.raises(core.CredentialsError, match="nope"):
        core.get_client(core.ConnectionSettings(profile="nope", region="us-east-1"))
