"""Role assumption per call, against moto's STS on loopback and the scripted Lambda endpoint."""

from __future__ import annotations

import socket
from typing import Any

import pytest

import lambda_invocation_core as core
from tests.support.assume_role import BASE_KEY, assume_role_reply, signing_key
from tests.support.scripted_lambda import Reply, ScriptedLambda
from tests.support.tls_sts import TlsSts

ROLE = "arn:aws:iam::123456789012:role/invoker"


def role_settings(url: str, **overrides: Any) -> core.ConnectionSettings:
    values: dict[str, Any] = {
        "region": "us-east-1",
        "access_key": BASE_KEY,
        "secret_key": "base-secret",
        "endpoint_url": url,
        "read_timeout": 5.0,
        "role_arn": ROLE,
        "role_session_name": "test-session",
        "external_id": "ext-123",
        "role_duration": 900,
    }
    values.update(overrides)
    return core.ConnectionSettings(**values)


def test_invoke_uses_assumed_role_credentials(
    scripted_lambda: ScriptedLambda, sts_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_url)
    settings = role_settings(scripted_lambda.url)
    core.invoke("f", {}, connection=settings)
    core.invoke("f", {}, connection=settings)
    first, second = scripted_lambda.requests
    key = signing_key(first.headers)
    assert key != BASE_KEY and key.startswith("ASIA")
    assert "x-amz-security-token" in first.headers
    # Cached: moto hands out a new key per AssumeRole call, so one key means one call.
    assert signing_key(second.headers) == key
    assert "base-secret" not in repr(settings) and "ext-123" not in repr(settings)


def test_without_role_the_base_key_signs(scripted_lambda: ScriptedLambda) -> None:
    core.invoke(
        "f",
        {},
        connection=role_settings(
            scripted_lambda.url, role_arn=None, role_session_name=None, external_id=None, role_duration=None
        ),
    )
    assert signing_key(scripted_lambda.requests[0].headers) == BASE_KEY


def test_sts_refusal_is_a_clear_secret_free_error(
    scripted_lambda: ScriptedLambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A scripted STS that refuses: the same scripted server answers the AssumeRole POST.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", scripted_lambda.url)
    scripted_lambda.queue(
        Reply(
            status=403,
            body=(
                b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                b"<Message>not authorized base-secret</Message></Error>"
                b"<RequestId>sts-1</RequestId></ErrorResponse>"
            ),
            headers={"Content-Type": "text/xml"},
        )
    )
    with pytest.raises(core.AwsError) as caught:
        core.invoke("f", {}, connection=role_settings(scripted_lambda.url))
    error = caught.value
    assert error.operation == "AssumeRole" and error.code == "AccessDenied" and error.http_status == 403
    assert "trust policy" in str(error)
    assert "base-secret" not in str(error) and "ext-123" not in str(error)
    # Only the STS call reached the server: no Invoke was sent.
    assert len(scripted_lambda.requests) == 1
    assert "/invocations" not in scripted_lambda.requests[0].path


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"role_arn": "arn:aws:iam::12:role/x"}, "role_arn"),
        ({"role_arn": "arn:aws:lambda:us-east-1:123456789012:function:f"}, "role_arn"),
        ({"role_session_name": "x"}, "role_session_name"),
        ({"role_session_name": "has space"}, "role_session_name"),
        ({"external_id": "x"}, "external_id"),
        ({"role_duration": 899}, "role_duration"),
        ({"role_duration": 43201}, "role_duration"),
        ({"role_arn": None}, "role_session_name"),
    ],
)
def test_invalid_role_settings(overrides: dict[str, Any], field: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        role_settings("http://127.0.0.1:1", **overrides)
    assert caught.value.field == field


def test_unreachable_sts_is_named(scripted_lambda: ScriptedLambda, monkeypatch: pytest.MonkeyPatch) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", f"http://127.0.0.1:{port}")
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=role_settings(scripted_lambda.url))
    assert str(caught.value) == (
        f"STS AssumeRole: could not connect to http://127.0.0.1:{port} (connection refused or name not "
        "resolved); Lambda was not called"
    )
    assert scripted_lambda.requests == []


def test_role_assumed_over_tls_with_the_ca_bundle(
    scripted_lambda: ScriptedLambda, tls_sts: TlsSts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    core.invoke(
        "f",
        {},
        connection=role_settings(scripted_lambda.url, sts_endpoint_url=tls_sts.url, verify=tls_sts.ca_bundle),
    )
    assert signing_key(scripted_lambda.requests[0].headers).startswith("ASIA")


def test_sts_endpoint_from_the_environment_uses_the_ca_bundle(
    scripted_lambda: ScriptedLambda, tls_sts: TlsSts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", tls_sts.url)
    core.invoke("f", {}, connection=role_settings(scripted_lambda.url, verify=tls_sts.ca_bundle))
    assert signing_key(scripted_lambda.requests[0].headers).startswith("ASIA")


def test_sts_tls_failure_names_sts_and_assume_role(
    scripted_lambda: ScriptedLambda, tls_sts: TlsSts, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AWS_CA_BUNDLE", raising=False)
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=role_settings(scripted_lambda.url, sts_endpoint_url=tls_sts.url))
    message = str(caught.value)
    assert message.startswith(f"STS AssumeRole: TLS handshake with {tls_sts.url} failed")
    assert message.endswith("Lambda was not called")
    assert scripted_lambda.url not in message
    assert scripted_lambda.requests == []


def test_sts_gets_the_read_timeout_and_three_attempts(scripted_lambda: ScriptedLambda) -> None:
    # A valid answer, later than the read timeout: without the setting it would be accepted.
    # STS cannot run a function, so it gets botocore's standard retries: 3 attempts in all.
    for _ in range(3):
        scripted_lambda.queue(assume_role_reply(delay=2.0))
    given = role_settings(scripted_lambda.url, sts_endpoint_url=scripted_lambda.url, read_timeout=1.0)
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=given)
    assert str(caught.value) == (
        f"STS AssumeRole: no answer from {scripted_lambda.url} (ReadTimeoutError); Lambda was not called"
    )
    assert [request.path for request in scripted_lambda.requests] == ["/"] * 3


def test_sts_goes_through_the_proxy_with_the_user_agent(scripted_lambda: ScriptedLambda) -> None:
    # The scripted server plays an HTTP proxy: it sees the absolute URL of each target.
    scripted_lambda.queue(assume_role_reply("ASIAVIAPROXY0001"))
    given = role_settings(
        "http://lambda.proxied.invalid",
        sts_endpoint_url="http://sts.proxied.invalid",
        http_proxy=scripted_lambda.url,
    )
    core.invoke("f", {}, connection=given)
    sts_request, invoke_request = scripted_lambda.requests
    assert sts_request.path.startswith("http://sts.proxied.invalid/")
    assert b"Action=AssumeRole" in sts_request.body
    assert "ephemeral-lambda-invocation/" in sts_request.headers["user-agent"]
    assert invoke_request.path.startswith("http://lambda.proxied.invalid/2015-03-31/functions/f/invocations")
    assert signing_key(invoke_request.headers) == "ASIAVIAPROXY0001"


def test_an_unparseable_sts_answer_names_sts(scripted_lambda: ScriptedLambda) -> None:
    scripted_lambda.queue(Reply(status=200, body=b"", headers={"Content-Type": "text/xml"}))
    with pytest.raises(core.SdkError) as caught:
        core.invoke(
            "f", {}, connection=role_settings(scripted_lambda.url, sts_endpoint_url=scripted_lambda.url)
        )
    assert str(caught.value) == (
        f"STS AssumeRole: the answer from {scripted_lambda.url} could not be parsed (ResponseParserError); "
        "Lambda was not called"
    )
    assert [request.path for request in scripted_lambda.requests] == ["/"]
