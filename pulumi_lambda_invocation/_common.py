"""What the resource's provider and the ephemeral ``invoke()`` share.

Only the mapping from input names to the core's arguments lives here; every rule about
the values themselves is the core's (``lambda_invocation_core``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import lambda_invocation_core as core
from lambda_invocation_core.validation import encode_client_context, encode_payload

CREATE_ONLY = "CREATE_ONLY"
"""Invoke on create and replace only (the default, as in Terraform)."""
CRUD = "CRUD"
"""Also invoke on update and delete, telling the function which action it is."""
LIFECYCLE_SCOPES = (CREATE_ONLY, CRUD)
DEFAULT_TERRAFORM_KEY = "tf"

# The Invoke request, as named by build_request(); connection settings, as named by
# ConnectionSettings. A new core setting is one more name here plus an Args field.
REQUEST_FIELDS = ("function_name", "payload", "qualifier", "client_context", "log_type", "tenant_id")
CONNECTION_FIELDS = (
    "region",
    "profile",
    "endpoint_url",
    "read_timeout",
    "role_arn",
    "role_session_name",
    "external_id",
    "role_duration",
)
# Inputs that only the resource has.
LIFECYCLE_FIELDS = ("triggers", "lifecycle_scope", "terraform_key", "fail_on_function_error")
INPUT_FIELDS = REQUEST_FIELDS + CONNECTION_FIELDS + LIFECYCLE_FIELDS

INPUT_DEFAULTS: Mapping[str, Any] = {
    "lifecycle_scope": CREATE_ONLY,
    "terraform_key": DEFAULT_TERRAFORM_KEY,
    "fail_on_function_error": True,
}

RESULT_FIELDS = ("result", "executed_version", "function_error", "log_result", "status_code")
SECRET_OUTPUTS = ("result", "log_result", "result_json")
OUTPUT_FIELDS = (*RESULT_FIELDS, "result_json")


def connection_settings(
    values: Mapping[str, Any],
    default_region: str | None = None,
    default_profile: str | None = None,
) -> core.ConnectionSettings:
    """ConnectionSettings from the inputs; the stack's aws:region/aws:profile fill the gaps.

    Credentials are never inputs: boto3 finds them at run time (environment, profile,
    instance role), so nothing secret is ever stored with the resource.
    """
    kwargs: dict[str, Any] = {name: values.get(name) for name in CONNECTION_FIELDS}
    kwargs["region"] = kwargs["region"] or default_region
    kwargs["profile"] = kwargs["profile"] or default_profile
    kwargs["endpoint_url"] = kwargs["endpoint_url"] or None
    if kwargs["read_timeout"] is None:
        del kwargs["read_timeout"]
    duration = kwargs["role_duration"]
    if isinstance(duration, float) and duration.is_integer():
        # Pulumi's wire format has no integers: 3600 reaches the provider as 3600.0.
        kwargs["role_duration"] = int(duration)
    return core.ConnectionSettings(**kwargs)


def request_kwargs(values: Mapping[str, Any]) -> dict[str, Any]:
    """build_request()'s optional keyword arguments from the inputs."""
    return {name: values.get(name) for name in REQUEST_FIELDS[2:]}


def payload_text(value: Any) -> Any:
    """The JSON text to send for a payload given as a Python value.

    Structured payloads are serialized in the program, before they travel to the provider:
    Pulumi's wire format turns every number into a float (``1`` would reach the function as
    ``1.0``). Text is left alone for the provider's check to validate. The core serializes.
    """
    if value is None or isinstance(value, str):
        return value
    return encode_payload(value).decode("utf-8")


def client_context_text(value: Any) -> Any:
    """The base64 ClientContext for a mapping (see :func:`payload_text` for why here)."""
    if isinstance(value, Mapping):
        return encode_client_context(value)
    return value
