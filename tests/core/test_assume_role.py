"""Role assumption per call, against moto's STS on loopback and the scripted Lambda endpoint."""

from __future__ import annotations

import re
import socket
from typing import Any

import pytest
from scripted_lambda import ScriptedLambda

import lambda_invocation_core as core

BASE_KEY = "AKIDBASEEXAMPLE01"
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


def signing_key(headers: dict[str, str]) -> str:
    match = re.search(r"Credential=([A-Z0-9]+)/", headers["authorization"])
    assert match, "request was not signed"
    return match.group(1)


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
    from scripted_lambda import Reply

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
    assert f"127.0.0.1:{port}" in str(caught.value)
    assert scripted_lambda.url not in str(caught.value)
    assert scripted_lambda.requests == []
