"""The core's arguments from the inputs (and the stack's ``aws:*`` settings).

Translation only: every rule about the values is the core's (``lambda_invocation_core``).
The names come from :mod:`.schema`; the stack's settings from :mod:`.aws_config`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lambda_invocation_core as core

from .aws_config import CREDENTIAL_SETTINGS, ROLE_SETTINGS
from .schema import Group, names

_REQUEST = names(Group.REQUEST)
_CONNECTION = names(Group.CONNECTION)


def request_kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """``build_request()``'s keyword arguments (all of them) from the inputs."""
    return {name: values.get(name) for name in _REQUEST}


def connection_settings(values: Mapping[str, Any], stack: Mapping[str, Any]) -> core.ConnectionSettings:
    """ConnectionSettings from the inputs; ``stack`` (from :func:`.aws_config.stack_settings`)
    fills what the inputs leave unset.

    An input given explicitly wins over the stack's value of the same setting. Two settings
    come as a unit: an explicit ``role_arn`` replaces the stack's whole assumed role (its
    session name, external id and duration belong to that other role), and an explicit
    ``profile`` replaces the stack's static credentials. Credentials are never inputs.
    """
    explicit = {name: values.get(name) for name in _CONNECTION}
    given = {name: value for name, value in explicit.items() if value is not None and value != ""}
    kwargs = dict(stack)
    if "role_arn" in given:
        for name in ROLE_SETTINGS:
            kwargs.pop(name, None)
    if "profile" in given:
        for name in CREDENTIAL_SETTINGS:
            kwargs.pop(name, None)
    kwargs.update(given)
    duration = kwargs.get("role_duration")
    if isinstance(duration, float) and duration.is_integer():
        # Pulumi's wire format has no integers: 3600 reaches the provider as 3600.0.
        kwargs["role_duration"] = int(duration)
    return core.ConnectionSettings(**kwargs)


def payload_text(value: Any) -> Any:
    """The JSON text to send for a payload given as a Python value.

    Structured payloads are serialized in the program, before they travel to the provider:
    Pulumi's wire format turns every number into a float (``1`` would reach the function as
    ``1.0``). Text is left alone for the provider's check to validate. The core serializes.
    """
    if value is None or isinstance(value, str):
        return value
    return core.encode_payload(value).decode("utf-8")


def client_context_text(value: Any) -> Any:
    """The base64 ClientContext for a mapping (see :func:`payload_text` for why here)."""
    if isinstance(value, Mapping):
        return core.encode_client_context(value)
    return value


# The core names the generic sources of a region; a Pulumi user sets it in the stack.
REGION_HINT = "in a Pulumi stack: pulumi config set aws:region <region>, or the region input"


def send(
    request: core.InvocationRequest, connection: core.ConnectionSettings, *, fail_on_function_error: bool
) -> core.InvocationResult:
    """``core.send``, with the stack's ``aws:region`` named when no region was found."""
    try:
        return core.send(request, connection, fail_on_function_error=fail_on_function_error)
    except core.ValidationError as exc:
        if exc.field != "region":
            raise
        raise core.ValidationError("region", f"{exc.rule}; {REGION_HINT}") from None
