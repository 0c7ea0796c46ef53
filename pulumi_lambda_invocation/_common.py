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
# ConnectionSettings. Role assumption settings will join CONNECTION_FIELDS.
REQUEST_FIELDS = ("function_name", "payload", "qualifier", "client_context", "log_type", "tenant_id")
CONNECTION_FIELDS = ("region", "profile", "endpoint_url", "read_timeout")
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
    kwargs: dict[str, Any] = {
        "region": values.get("region") or default_region,
        "profile": values.get("profile") or default_profile,
        "endpoint_url": values.get("endpoint_url") or None,
    }
    if values.get("read_timeout") is not None:
        kwargs["read_timeout"] = values["read_timeout"]
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
