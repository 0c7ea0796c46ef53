# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/validation.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""Validation of Invoke inputs, before any request is sent.

The authority for every pattern and length is the Lambda service model shipped in
botocore (shape InvocationRequest), which botocore itself does not enforce beyond
types and minimum lengths. AWS publishes its patterns unanchored, so every match
here is made against the whole string. In the model's character classes
``[a-zA-Z0-9-_]`` the hyphen is meant literally (not the range ``9-_``), which is how
AWS documents the names.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import ValidationError
from .model_support import member_rule

MAX_PAYLOAD_BYTES = 6_291_456
MAX_CLIENT_CONTEXT_CHARS = 3_583
MAX_FUNCTION_NAME_CHARS = 256
MAX_BARE_NAME_CHARS = 64
MAX_QUALIFIER_CHARS = 128
MAX_TENANT_ID_CHARS = 256
MAX_IDEMPOTENCY_KEY_CHARS = 256
DEFAULT_IDEMPOTENCY_KEY_FIELD = "idempotency_key"

_QUALIFIER_BODY = r"\$LATEST(?:\.PUBLISHED)?|[A-Za-z0-9$_-]+"
_FUNCTION_NAME_RE = re.compile(
    r"(?P<arn>arn:(?:aws[a-zA-Z-]*)?:lambda:)?"
    r"(?P<region>(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d:)?"
    r"(?P<account>\d{12}:)?"
    r"(?P<function>function:)?"
    r"(?P<name>[A-Za-z0-9_.-]+)"
    r"(?::(?P<qualifier>\$LATEST(?:\.PUBLISHED)?|[A-Za-z0-9_-]+))?"
)
_QUALIFIER_RE = re.compile(_QUALIFIER_BODY)
_TENANT_ID_RE = re.compile(r"[a-zA-Z0-9._:/=+\-@ ]+")
# A JMESPath identifier, so that Powertools' IdempotencyConfig(event_key_jmespath=<field>)
# names the field without quoting.
_IDEMPOTENCY_KEY_FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")
# A Lambda@Edge replica is named "<region>.<function name>"; the 64-character rule
# applies to the function name after that prefix.
_EDGE_REPLICA_PREFIX_RE = re.compile(r"(?:eusc-)?[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d\.")
_STRICT_BASE64_RE = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")

LOG_TYPES = ("None", "Tail")


@dataclass(frozen=True)
class InvocationRequest:
    """A validated Invoke request; build it with :func:`build_request`.

    ``payload`` and ``client_context`` are hidden from ``repr()`` because they may hold
    secrets. ``idempotency_key_field`` is set only when an idempotency key was given (the
    key is then in the payload, at that top-level field): only such a request is sent
    again after a "may have run" failure.
    """

    function_name: str
    payload: bytes = field(repr=False)
    qualifier: str | None = None
    client_context: str | None = field(default=None, repr=False)
    log_type: str = "None"
    tenant_id: str | None = None
    idempotency_key_field: str | None = None
    durable_execution_name: str | None = None

    @property
    def effective_qualifier(self) -> str:
        """The qualifier the call targets: the one in the name, the parameter, or $LATEST."""
        in_name = split_qualifier(self.function_name)[1]
        return in_name or self.qualifier or "$LATEST"

    def to_boto3_kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``lambda_client.invoke`` (without InvocationType)."""
        kwargs: dict[str, Any] = {"FunctionName": self.function_name, "Payload": self.payload}
        # "None" is the API's default; each extra header costs time on every call.
        if self.log_type != "None":
            kwargs["LogType"] = self.log_type
        if self.qualifier is not None:
            kwargs["Qualifier"] = self.qualifier
        if self.client_context is not None:
            kwargs["ClientContext"] = self.client_context
        if self.tenant_id is not None:
            kwargs["TenantId"] = self.tenant_id
        if self.durable_execution_name is not None:
            # botocore sends it as the X-Amz-Durable-Execution-Name header (from the model).
            kwargs["DurableExecutionName"] = self.durable_execution_name
        return kwargs


def split_qualifier(function_name: str) -> tuple[str, str | None]:
    """Split a valid function name into (name without qualifier, qualifier or None)."""
    match = _FUNCTION_NAME_RE.fullmatch(function_name)
    if not match or match.group("qualifier") is None:
        return function_name, None
    qualifier = match.group("qualifier")
    return function_name[: -len(qualifier) - 1], qualifier


def validate_function_name(function_name: object) -> str:
    if function_name is None or function_name == "":
        raise ValidationError("function_name", "is required")
    if not isinstance(function_name, str):
        raise ValidationError("function_name", f"must be a string, not {type(function_name).__name__}")
    if len(function_name) > MAX_FUNCTION_NAME_CHARS:
        raise ValidationError(
            "function_name",
            f"must be at most {MAX_FUNCTION_NAME_CHARS} characters (got {len(function_name)})",
        )
    match = _FUNCTION_NAME_RE.fullmatch(function_name)
    if not match:
        raise ValidationError(
            "function_name",
            "must be a function name, name:qualifier, partial ARN (123456789012:function:name) or "
            "full ARN (arn:<partition>:lambda:<region>:<account>:function:<name>[:qualifier]); "
            "names use only letters, digits, '-', '_' and '.'",
        )
    is_bare = not (match.group("arn") or match.group("region") or match.group("account"))
    if is_bare:
        name = match.group("name")
        replica_prefix = _EDGE_REPLICA_PREFIX_RE.match(name)
        if replica_prefix:
            name = name[replica_prefix.end() :]
        if len(name) > MAX_BARE_NAME_CHARS:
            raise ValidationError(
                "function_name",
                f"a function name without ARN must be at most {MAX_BARE_NAME_CHARS} characters "
                f"(got {len(name)})",
            )
    return function_name


def validate_qualifier(qualifier: object, function_name: str) -> str | None:
    """Return the Qualifier parameter to send (None when the name already carries it)."""
    in_name = split_qualifier(function_name)[1]
    if qualifier is None or qualifier == "":
        return None
    if not isinstance(qualifier, str):
        raise ValidationError("qualifier", f"must be a string, not {type(qualifier).__name__}")
    if len(qualifier) > MAX_QUALIFIER_CHARS:
        raise ValidationError(
            "qualifier", f"must be 1 to {MAX_QUALIFIER_CHARS} characters (got {len(qualifier)})"
        )
    if not _QUALIFIER_RE.fullmatch(qualifier):
        raise ValidationError(
            "qualifier", "must be $LATEST, $LATEST.PUBLISHED, a version number or an alias ([A-Za-z0-9$_-])"
        )
    if in_name is not None:
        if in_name != qualifier:
            raise ValidationError(
                "qualifier",
                f"conflicts with the qualifier '{in_name}' already in function_name; give only one",
            )
        return None
    return qualifier


def encode_payload(payload: object) -> bytes:
    """Return the payload as the UTF-8 JSON bytes to send.

    A str or bytes is taken as JSON text and sent unchanged once it parses; anything
    else is serialized once, compactly.
    """
    if payload is None:
        raise ValidationError("payload", "is required (use {} for an empty event)")
    if isinstance(payload, (bytes, bytearray)):
        try:
            text = bytes(payload).decode("utf-8")
        except UnicodeDecodeError:
            raise ValidationError("payload", "must be UTF-8 encoded") from None
        body = bytes(payload)
        _require_json_text(text)
    elif isinstance(payload, str):
        _require_json_text(payload)
        try:
            body = payload.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("payload", "must be encodable as UTF-8 (lone surrogates found)") from None
    else:
        try:
            text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValidationError("payload", f"must be JSON-serializable ({_type_problem(exc)})") from None
        try:
            body = text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("payload", "must be encodable as UTF-8 (lone surrogates found)") from None
    if len(body) > MAX_PAYLOAD_BYTES:
        raise ValidationError(
            "payload", f"is {len(body):,} bytes as sent; the limit is {MAX_PAYLOAD_BYTES:,} bytes"
        )
    return body


def _require_json_text(text: str) -> None:
    try:
        json.loads(text, parse_constant=_reject_constant)
    except ValueError as exc:
        # The decoder's message quotes no input, only a position.
        position = getattr(exc, "pos", None)
        where = f" (at character {position})" if isinstance(position, int) else ""
        raise ValidationError("payload", f"must be valid JSON text{where}") from None
    except RecursionError:
        raise ValidationError("payload", "must be valid JSON text (nested too deeply)") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _type_problem(exc: Exception) -> str:
    # json's messages name the offending type ("Object of type set is not JSON
    # serializable") or the float rule; never the value itself.
    if isinstance(exc, TypeError):
        match = re.search(r"type (\w+)", str(exc))
        if match:
            return f"values of type {match.group(1)} cannot be encoded"
        return "keys must be strings, numbers, booleans or null"
    return "NaN and Infinity are not valid JSON"


def encode_client_context(client_context: object) -> str | None:
    """Return the ClientContext header value: strict base64, at most 3,583 characters.

    A mapping is serialized as compact JSON and base64-encoded for the caller.
    """
    if client_context is None or client_context == "":
        return None
    if isinstance(client_context, Mapping):
        try:
            text = json.dumps(client_context, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise ValidationError(
                "client_context", f"a mapping must be JSON-serializable ({_type_problem(exc)})"
            ) from None
        encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
        if len(encoded) > MAX_CLIENT_CONTEXT_CHARS:
            raise ValidationError(
                "client_context",
                f"is {len(encoded):,} characters once base64-encoded; the limit is "
                f"{MAX_CLIENT_CONTEXT_CHARS:,}",
            )
        return encoded
    if not isinstance(client_context, str):
        raise ValidationError(
            "client_context",
            f"must be a base64 string or a mapping, not {type(client_context).__name__}",
        )
    if len(client_context) > MAX_CLIENT_CONTEXT_CHARS:
        raise ValidationError(
            "client_context",
            f"is {len(client_context):,} characters; the limit is {MAX_CLIENT_CONTEXT_CHARS:,}",
        )
    # Checked by hand rather than with b64decode(validate=True), whose handling of bad
    # padding differs between Python releases.
    if not _STRICT_BASE64_RE.fullmatch(client_context):
        raise ValidationError(
            "client_context",
            "must be standard base64 (A-Z, a-z, 0-9, '+', '/', length a multiple of 4, '=' padding)",
        )
    try:
        decoded = base64.b64decode(client_context)
    except (binascii.Error, ValueError):  # pragma: no cover - the pattern already excludes these
        raise ValidationError("client_context", "must be standard base64") from None
    if base64.b64encode(decoded).decode("ascii") != client_context:
        raise ValidationError("client_context", "must be canonical base64 (unused bits must be zero)")
    return client_context


def normalize_log_type(log_type: object) -> str:
    """Accept None/Tail in any casing (and Python None for no log) and return AWS's spelling."""
    if log_type is None or log_type == "":
        return "None"
    if not isinstance(log_type, str):
        raise ValidationError("log_type", f"must be 'None' or 'Tail', not {type(log_type).__name__}")
    for allowed in LOG_TYPES:
        if log_type.lower() == allowed.lower():
            return allowed
    raise ValidationError("log_type", "must be 'None' or 'Tail'")


def validate_tenant_id(tenant_id: object) -> str | None:
    if tenant_id is None or tenant_id == "":
        return None
    if not isinstance(tenant_id, str):
        raise ValidationError("tenant_id", f"must be a string, not {type(tenant_id).__name__}")
    if len(tenant_id) > MAX_TENANT_ID_CHARS:
        raise ValidationError(
            "tenant_id", f"must be 1 to {MAX_TENANT_ID_CHARS} characters (got {len(tenant_id)})"
        )
    if not _TENANT_ID_RE.fullmatch(tenant_id):
        raise ValidationError("tenant_id", "may contain only letters, digits, spaces and . _ : / = + - @")
    return tenant_id


def validate_durable_execution_name(name: object) -> str | None:
    """The durable execution name, checked against the installed botocore's Lambda model.

    The lengths and pattern are read from the model (shape InvocationRequest, member
    DurableExecutionName; 1-64 of [a-zA-Z0-9-_] in botocore 1.44), so a newer model's rule
    applies without a change here. BotocoreTooOldError when the model lacks the member. The
    name is never repeated in a message: callers may derive it from secret inputs.

    Unlike tenant_id, an empty string is refused (the model's minimum length), not taken as
    "no name": a name that came out empty would silently start a new execution every time.
    """
    if name is None:
        return None
    if not isinstance(name, str):
        raise ValidationError("durable_execution_name", f"must be a string, not {type(name).__name__}")
    rule = member_rule("DurableExecutionName")
    low = rule.min_length or 1
    high = rule.max_length
    if len(name) < low or (high is not None and len(name) > high):
        bounds = f"{low} to {high}" if high is not None else f"at least {low}"
        raise ValidationError("durable_execution_name", f"must be {bounds} characters (got {len(name)})")
    pattern = rule.compiled
    if pattern is not None and not pattern.fullmatch(name):
        raise ValidationError(
            "durable_execution_name",
            f"must match the Lambda model's pattern {rule.pattern} as a whole",
        )
    return name


def validate_idempotency_key(key: object) -> str | None:
    """The key, 1-256 printable characters; never repeated in a message."""
    if key is None:
        return None
    if not isinstance(key, str):
        raise ValidationError("idempotency_key", f"must be a string, not {type(key).__name__}")
    if not 1 <= len(key) <= MAX_IDEMPOTENCY_KEY_CHARS:
        raise ValidationError(
            "idempotency_key",
            f"must be 1 to {MAX_IDEMPOTENCY_KEY_CHARS} printable characters (got {len(key)})",
        )
    if not key.isprintable():
        raise ValidationError(
            "idempotency_key",
            "may contain only printable characters (no control characters, tabs or line breaks)",
        )
    return key


def validate_idempotency_key_field(key_field: object) -> str:
    """The payload's top-level field that carries the key (default ``idempotency_key``)."""
    if key_field is None or key_field == "":
        return DEFAULT_IDEMPOTENCY_KEY_FIELD
    if not isinstance(key_field, str):
        raise ValidationError("idempotency_key_field", f"must be a string, not {type(key_field).__name__}")
    if not _IDEMPOTENCY_KEY_FIELD_RE.fullmatch(key_field):
        raise ValidationError(
            "idempotency_key_field",
            "must be 1 to 128 of A-Za-z0-9_, not starting with a digit (a JMESPath identifier, so "
            "that event_key_jmespath names it unquoted)",
        )
    return key_field


def add_idempotency_key(body: bytes, key: str, key_field: str) -> bytes:
    """The payload (JSON object text) with ``"<key_field>": key`` added as its first member.

    The rest of the payload is kept byte for byte; the size limit is checked again.
    """
    document = json.loads(body.decode("utf-8"))  # encode_payload has checked that it parses
    if not isinstance(document, dict):
        raise ValidationError(
            "payload",
            f"must be a JSON object when idempotency_key is given (the key goes into its top-level "
            f"field '{key_field}'), not a JSON {_json_kind(document)}",
        )
    if key_field in document:
        raise ValidationError(
            "payload",
            f"already has a top-level field '{key_field}', where idempotency_key goes; remove it or "
            "name another field with idempotency_key_field",
        )
    member = json.dumps({key_field: key}, separators=(",", ":"), ensure_ascii=False)[1:-1].encode("utf-8")
    rest = body.lstrip()[1:]  # after the opening brace
    separator = b"" if rest.lstrip().startswith(b"}") else b","
    keyed = b"{" + member + separator + rest
    if len(keyed) > MAX_PAYLOAD_BYTES:
        raise ValidationError(
            "payload",
            f"is {len(keyed):,} bytes as sent with idempotency_key added; the limit is "
            f"{MAX_PAYLOAD_BYTES:,} bytes",
        )
    return keyed


def _json_kind(document: object) -> str:
    if isinstance(document, list):
        return "array"
    if isinstance(document, str):
        return "string"
    if isinstance(document, bool):
        return "boolean"
    return "null" if document is None else "number"


def build_request(
    function_name: object,
    payload: object,
    *,
    qualifier: object = None,
    client_context: object = None,
    log_type: object = None,
    tenant_id: object = None,
    idempotency_key: object = None,
    idempotency_key_field: object = None,
    durable_execution_name: object = None,
) -> InvocationRequest:
    """Validate every input and return the request to send; raises ValidationError.

    With ``idempotency_key``, the payload must be a JSON object and the key is added at its
    top-level field ``idempotency_key_field`` (default ``idempotency_key``).
    ``durable_execution_name`` is checked against the installed botocore's Lambda model
    (BotocoreTooOldError, a ValidationError, when that model lacks it).
    """
    name = validate_function_name(function_name)
    checked_qualifier = validate_qualifier(qualifier, name)
    body = encode_payload(payload)
    key = validate_idempotency_key(idempotency_key)
    key_field = validate_idempotency_key_field(idempotency_key_field)
    if key is not None:
        body = add_idempotency_key(body, key, key_field)
    return InvocationRequest(
        function_name=name,
        qualifier=checked_qualifier,
        payload=body,
        client_context=encode_client_context(client_context),
        log_type=normalize_log_type(log_type),
        tenant_id=validate_tenant_id(tenant_id),
        idempotency_key_field=None if key is None else key_field,
        durable_execution_name=validate_durable_execution_name(durable_execution_name),
    )


def function_account(function_name: str) -> str | None:
    """The 12-digit account of a valid full or partial ARN; None for a bare name."""
    match = _FUNCTION_NAME_RE.fullmatch(function_name)
    account = match.group("account") if match else None
    return account[:-1] if account else None
