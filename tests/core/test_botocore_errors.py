"""Every botocore exception comes out of the core as a typed error, without its text.

Each BotoCoreError subclass is built with a secret marker in every field its message
formats, raised by the HTTP transport (botocore's URLLib3Session.send) during a real
core.invoke, and must come out as a LambdaInvocationError that quotes none of it, after
exactly one send.
"""

from __future__ import annotations

import inspect
import socket
import string
from collections import Counter
from typing import Any

import botocore.exceptions
import botocore.httpsession
import pytest
from scripted_lambda import Reply, ScriptedLambda

import lambda_invocation_core as core

MARKER = "BOTOCORE-FIELD-MARKER-4e2a"


def _all_subclasses(cls: type) -> list[type]:
    found: list[type] = []
    sub: type
    for sub in cls.__subclasses__():
        found += [sub, *_all_subclasses(sub)]
    return found


def botocore_error_classes() -> list[type[Exception]]:
    # Creating clients imports the modules that define further subclasses (boto3's, discovery's).
    import boto3

    session = boto3.session.Session(region_name="us-east-1", aws_access_key_id="a", aws_secret_access_key="b")
    session.client("lambda")
    session.client("sts")
    classes = set(_all_subclasses(botocore.exceptions.BotoCoreError))
    return sorted(classes, key=lambda cls: (cls.__module__, cls.__qualname__))


def build_with_marker(cls: type[Exception]) -> Exception:
    """An instance whose every formatted field and constructor argument holds MARKER."""
    fmt = getattr(cls, "fmt", "")
    fields = {name for _, name, _, _ in string.Formatter().parse(fmt) if name}
    if cls.__init__ is Exception.__init__:
        return cls(f"{MARKER} in the message")  # Exception's own __init__: the message
    parameters = list(inspect.signature(cls.__init__).parameters.values())[1:]
    named = [p for p in parameters if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    takes_kwargs = any(p.kind is p.VAR_KEYWORD for p in parameters)
    values = {name: f"{MARKER}:{name}" for name in fields} if takes_kwargs else {}
    values.update({p.name: f"{MARKER}:{p.name}" for p in named})
    if not values:
        return cls()  # takes nothing: its message is fixed
    try:
        error = cls(**values)
    except (TypeError, ValueError):
        # Formats its arguments as numbers (eventstream's ChecksumMismatch): no text to carry.
        return cls(**{p.name: 0x4E2A for p in named})
    carried = str(error) + repr(error.args) + repr(vars(error))
    assert MARKER in carried, f"{cls.__name__}: the marker did not reach the exception"
    return error


def other_botocore_exception_classes() -> list[type[Exception]]:
    """Exceptions botocore defines outside BotoCoreError and ClientError (its parser's, its model's, ...)."""
    import importlib
    import pkgutil

    found: set[type[Exception]] = set()
    for module_info in pkgutil.walk_packages(botocore.__path__, "botocore."):
        if ".vendored" in module_info.name or ".crt" in module_info.name:
            continue
        try:
            module = importlib.import_module(module_info.name)
        except ImportError:  # optional extras (awscrt)
            continue
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and issubclass(value, Exception)
                and not issubclass(
                    value, (Warning, botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError)
                )
                and value.__module__.startswith("botocore")
            ):
                found.add(value)
    return sorted(found, key=lambda cls: (cls.__module__, cls.__qualname__))


def raise_from_transport(monkeypatch: pytest.MonkeyPatch, cls: type[Exception]) -> list[Any]:
    """botocore's HTTP transport raises ``cls`` (MARKER in every field) on every send; the
    returned list collects the requests it was given."""
    raised = build_with_marker(cls)
    sends: list[Any] = []

    def failing_send(self: Any, request: Any) -> Any:
        sends.append(request)
        raise raised

    monkeypatch.setattr(botocore.httpsession.URLLib3Session, "send", failing_send)
    return sends


CLASSES = botocore_error_classes()
OTHER_CLASSES = other_botocore_exception_classes()
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


def settings() -> core.ConnectionSettings:
    return core.ConnectionSettings(
        region="us-east-1",
        access_key="AKIDEXAMPLE",
        secret_key="botocore-test-secret",
        endpoint_url="http://127.0.0.1:9",
        read_timeout=5.0,
    )


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
    cls: type[Exception], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    sends = raise_from_transport(monkeypatch, cls)
    with pytest.raises(Exception) as caught:
        core.invoke("f", {"p": 1}, connection=settings())
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
    cls: type[Exception], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    sends = raise_from_transport(monkeypatch, cls)
    with pytest.raises(core.InvocationUncertainError) as caught:
        core.invoke("f", {"p": 1}, connection=settings())
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
