"""Every botocore exception comes out of the core as a typed error, without its text.

Each BotoCoreError subclass is built with a secret marker in every field its message
formats, raised by the HTTP transport (botocore's URLLib3Session.send) during a real
core.invoke, and must come out as a LambdaInvocationError that quotes none of it, after
exactly one send.
"""

from __future__ import annotations

import socket
from collections import Counter
from typing import Any

import botocore.exceptions
import botocore.httpsession
import pytest

import lambda_invocation_core as core
from tests.support.botocore_errors import (
    CLASSES,
    MARKER,
    OTHER_CLASSES,
    raise_from_transport,
)
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import Reply, ScriptedLambda

MAY_HAVE_RUN = {
    "ReadTimeoutError",
    "ConnectionClosedError",
    "ResponseStreamingError",
    "IncompleteReadError",
    "HTTPClientError",
}
NOT_DELIVERED = {
    "EndpointConnectionError",
    "SSLError",
    "ConnectTimeoutError",
    "ProxyConnectionError",
    "ConnectionError",
}


def test_the_walk_finds_the_known_classes() -> None:
    names = {cls.__name__ for cls in CLASSES}
    assert len(CLASSES) >= 90
    assert {
        "ParamValidationError",
        "ProxyConnectionError",
        "ResponseStreamingError",
        "HTTPClientError",
    } <= names


@pytest.mark.parametrize("cls", CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_every_botocore_error_is_typed_and_quotes_nothing(
    make_settings: SettingsFactory, cls: type[Exception], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    sends = raise_from_transport(monkeypatch, cls)
    with pytest.raises(Exception) as caught:
        core.invoke("f", {"p": 1}, connection=make_settings("http://127.0.0.1:9"))
    error = caught.value
    assert isinstance(error, core.LambdaInvocationError), f"{cls.__name__} escaped as {type(error).__name__}"
    assert not isinstance(error, botocore.exceptions.BotoCoreError)
    for text in (str(error), repr(error), repr(error.args)):
        assert MARKER not in text
    assert error.__cause__ is None and error.__suppress_context__
    assert len(sends) == 1, f"{cls.__name__} was sent {len(sends)} times"
    botocore_names = {base.__name__ for base in cls.__mro__}
    if botocore_names & MAY_HAVE_RUN:
        assert isinstance(error, core.InvocationUncertainError) and "may" in str(error)
    elif botocore_names & NOT_DELIVERED:
        assert isinstance(error, core.EndpointUnreachableError) and "not sent" in str(error)
    elif cls.__name__ == "ParamValidationError":
        assert isinstance(error, core.ValidationError) and "ParamValidationError" in str(error)
    else:
        assert cls.__name__ in str(error)
    tally["botocore exception classes checked"] += 1


def test_the_walk_finds_botocore_exceptions_outside_its_tree() -> None:
    names = {cls.__name__ for cls in OTHER_CLASSES}
    assert {"ResponseParserError", "InvalidArnException"} <= names


@pytest.mark.parametrize("cls", OTHER_CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}")
def test_botocore_exceptions_outside_its_tree_are_typed_may_have_run(
    make_settings: SettingsFactory, cls: type[Exception], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    sends = raise_from_transport(monkeypatch, cls)
    with pytest.raises(core.InvocationUncertainError) as caught:
        core.invoke("f", {"p": 1}, connection=make_settings("http://127.0.0.1:9"))
    error = caught.value
    for text in (str(error), repr(error), repr(error.args)):
        assert MARKER not in text
    assert cls.__name__ in str(error) and "may" in str(error)
    assert len(sends) == 1
    tally["botocore exception classes checked"] += 1


def test_proxy_failure_names_the_proxy_without_its_password(scripted_lambda: ScriptedLambda) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    given = core.ConnectionSettings(
        region="us-east-1",
        access_key="AKIDEXAMPLE",
        secret_key="x",
        endpoint_url="https://lambda.proxied.invalid",
        https_proxy=f"http://proxyuser:proxy-password@127.0.0.1:{port}",
        connect_timeout=2.0,
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=given)
    message = str(caught.value)
    assert (
        f"could not connect to the proxy http://127.0.0.1:{port} on the way to https://lambda.proxied.invalid"
        in (message)
    )
    assert "proxy-password" not in message and "proxyuser" not in message


@pytest.mark.parametrize("where", ["botocore_config", "environment"])
def test_proxy_failure_names_the_proxy_the_client_used(
    scripted_lambda: ScriptedLambda, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    """The proxy named is the one the request went through: botocore_config's proxies, or the
    environment's; not a setting that did not apply."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proxy = f"http://127.0.0.1:{port}"
    for name in ("HTTPS_PROXY", "https_proxy", "NO_PROXY", "no_proxy"):
        monkeypatch.delenv(name, raising=False)
    extra: dict[str, Any] = {}
    if where == "botocore_config":
        extra["botocore_config"] = {"proxies": {"https": proxy}}
    else:
        monkeypatch.setenv("HTTPS_PROXY", proxy)
    given = core.ConnectionSettings(
        region="us-east-1",
        access_key="AKIDEXAMPLE",
        secret_key="x",
        endpoint_url="https://lambda.proxied.invalid",
        connect_timeout=2.0,
        **extra,
    )
    with pytest.raises(core.EndpointUnreachableError) as caught:
        core.invoke("f", {}, connection=given)
    assert f"could not connect to the proxy {proxy} on the way to https://lambda.proxied.invalid" in str(
        caught.value
    )


def test_a_body_that_breaks_off_is_may_have_run_and_not_retried(scripted_lambda: ScriptedLambda) -> None:
    scripted_lambda.queue(Reply(body=b'{"partial":', claimed_length=100), Reply(body=b'"second"'))
    given = core.ConnectionSettings(
        region="us-east-1", access_key="AKIDEXAMPLE", secret_key="x", endpoint_url=scripted_lambda.url
    )
    with pytest.raises(core.ConnectionLostError) as caught:
        core.invoke("f", {}, connection=given)
    assert "broke off while being read" in str(caught.value) and "may have run" in str(caught.value)
    assert len(scripted_lambda.requests) == 1
