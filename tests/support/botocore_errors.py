"""Every botocore exception, built with a secret marker in every field its message formats,
and raised by botocore's HTTP transport during a real core.invoke
(tests/core/test_botocore_errors.py and test_idempotency.py)."""

from __future__ import annotations

import inspect
import string
from typing import Any

import botocore.exceptions
import botocore.httpsession
import pytest

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
