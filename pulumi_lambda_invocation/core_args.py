"""The core's arguments from the inputs (and the stack's ``aws:*`` settings).

Translation only: every rule about the values is the core's (``lambda_invocation_core``).
The names come from :mod:`.schema`; the stack's settings from :mod:`.aws_config`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

import lambda_invocation_core as core

from .aws_config import CREDENTIAL_SETTINGS, ROLE_SETTINGS
from .schema import Group, names

_REQUEST = names(Group.REQUEST)
_CONNECTION = names(Group.CONNECTION)
# The role inputs that refine the stack chain's last role -> core.AssumeRole fields.
_ROLE_REFINEMENTS = {
    "role_session_name": "session_name",
    "external_id": "external_id",
    "role_duration": "duration",
}


def request_kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """``build_request()``'s keyword arguments (all of them) from the inputs."""
    return {name: values.get(name) for name in _REQUEST}


def connection_settings(values: Mapping[str, Any], stack: Mapping[str, Any]) -> core.ConnectionSettings:
    """ConnectionSettings from the inputs; ``stack`` (from :func:`.aws_config.stack_settings`)
    fills what the inputs leave unset.

    An input given explicitly wins over the stack's value of the same setting. Two settings
    come as a unit: an explicit ``role_arn`` replaces the stack's whole role chain (its
    session names, external ids and durations belong to other roles), and an explicit
    ``profile`` replaces the stack's static credentials and web identity. Without
    ``role_arn``, the ``role_session_name`` / ``external_id`` / ``role_duration`` inputs
    refine the last role of the stack's chain. Credentials are never inputs.
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
    duration = given.get("role_duration")
    if isinstance(duration, float) and duration.is_integer():
        # Pulumi's wire format has no integers: 3600 reaches the provider as 3600.0.
        given["role_duration"] = int(duration)
    chain = kwargs.get("assume_roles")
    if chain and "role_arn" not in given:
        refined = {field: given.pop(name) for name, field in _ROLE_REFINEMENTS.items() if name in given}
        if refined:
            kwargs["assume_roles"] = (*chain[:-1], dataclasses.replace(chain[-1], **refined))
    kwargs.update(given)
    return core.ConnectionSettings(**kwargs)


def payload_text(value: Any) -> Any:
    """The JSON text to send for a payload given as a Python value.

    Structured payloads are serialized in the program, before they travel to the provider:
    Pulumi's wire format turns every number into a float (``1`` would reach the function as
    ``1.0``). Text is left alone for the provider's check to validate. The core serializes.
    """
    if value is None or isinstance(value, str):
        return value
    return core.encode_payload(_as_json_data(value)).decode("utf-8")


def client_context_text(value: Any) -> Any:
    """The base64 ClientContext for a mapping (see :func:`payload_text` for why here)."""
    if isinstance(value, Mapping):
        return core.encode_client_context(_as_json_data(value))
    return value


def _as_json_data(value: Any) -> Any:
    """``value`` with every mapping a dict: ``json`` serializes dicts only, and a mapping that
    is not one (an ``invoke()`` result, which must not be a dict: see ``InvokeResult``) may
    sit in a payload. Lists, tuples and the rest are left to the core's checks."""
    if isinstance(value, Mapping):
        return {key: _as_json_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_as_json_data(item) for item in value]
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
