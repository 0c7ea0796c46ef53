"""Valid and invalid values for every input, boundaries included."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

import lambda_invocation_core as core
from lambda_invocation_core.validation import (
    MAX_PAYLOAD_BYTES,
    encode_client_context,
    encode_payload,
    normalize_log_type,
    validate_function_name,
    validate_qualifier,
    validate_tenant_id,
)

SECRET = "s3cr3t-MARKER-91ab"

VALID_NAMES = [
    "f",
    "a" * 64,
    "my-function_1",
    "my-function:live",
    "my-function:7",
    "my-function:$LATEST",
    "my-function:$LATEST.PUBLISHED",
    "123456789012:function:my-function",
    "123456789012:function:my-function:live",
    "arn:aws:lambda:us-east-1:123456789012:function:my-function",
    "arn:aws:lambda:us-east-1:123456789012:function:my-function:$LATEST",
    "arn:aws-cn:lambda:cn-north-1:123456789012:function:my-function",
    "arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:my-function:3",
    "arn:aws-iso:lambda:us-iso-east-1:123456789012:function:f",
    "arn:aws-iso-b:lambda:us-isob-east-1:123456789012:function:f",
    "arn:aws-eusc:lambda:eusc-de-east-1:123456789012:function:f",
    # A Lambda@Edge replica: the model allows '.' in Invoke's function name.
    "us-east-1.my-edge-function",
    "us-east-1." + "e" * 64,
    "arn:aws:lambda:us-east-1:123456789012:function:" + "n" * 140,
]

INVALID_NAMES: list[tuple[Any, str]] = [
    ("", "is required"),
    (None, "is required"),
    (42, "must be a string"),
    ("a" * 65, "at most 64 characters (got 65)"),
    ("my function", "must be a function name"),
    ("my/function", "must be a function name"),
    ("my-function:", "must be a function name"),
    ("my-function:a:b", "must be a function name"),
    ("my-function:bad.qualifier", "must be a function name"),
    ("arn:aws:s3:::bucket", "must be a function name"),
    ("arn:aws:lambda:us-east-1:12345:function:f", "must be a function name"),
    ("arn:aws:lambda:us-east-1:123456789012:function:" + "n" * 210, "at most 256 characters (got 257)"),
    (" f", "must be a function name"),
    ("f\n", "must be a function name"),
]


@pytest.mark.parametrize("name", VALID_NAMES)
def test_valid_function_names(name: str) -> None:
    assert validate_function_name(name) == name


@pytest.mark.parametrize(("name", "rule"), INVALID_NAMES)
def test_invalid_function_names(name: Any, rule: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        validate_function_name(name)
    assert caught.value.field == "function_name"
    assert rule in str(caught.value)


@pytest.mark.parametrize(
    ("qualifier", "name", "sent"),
    [
        (None, "f", None),
        ("", "f", None),
        ("live", "f", "live"),
        ("1", "f", "1"),
        ("$LATEST", "f", "$LATEST"),
        ("$LATEST.PUBLISHED", "f", "$LATEST.PUBLISHED"),
        ("q" * 128, "f", "q" * 128),
        ("live", "f:live", None),  # same qualifier in both places: sent once, in the name
        (None, "f:live", None),
    ],
)
def test_valid_qualifiers(qualifier: Any, name: str, sent: Any) -> None:
    assert validate_qualifier(qualifier, name) == sent


@pytest.mark.parametrize(
    ("qualifier", "name", "rule"),
    [
        ("q" * 129, "f", "1 to 128 characters (got 129)"),
        ("bad.qualifier", "f", "must be $LATEST"),
        ("$LATEST.OTHER", "f", "must be $LATEST"),
        ("with space", "f", "must be $LATEST"),
        (7, "f", "must be a string"),
        ("2", "f:1", "conflicts with the qualifier '1'"),
        ("live", "arn:aws:lambda:us-east-1:123456789012:function:f:3", "conflicts"),
    ],
)
def test_invalid_qualifiers(qualifier: Any, name: str, rule: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        validate_qualifier(qualifier, name)
    assert caught.value.field == "qualifier"
    assert rule in str(caught.value)


def test_payload_forms() -> None:
    assert encode_payload({"a": [1, 2], "b": None}) == b'{"a":[1,2],"b":null}'
    assert encode_payload('{ "kept": "as sent" }') == b'{ "kept": "as sent" }'
    assert encode_payload(b'{"bytes":true}') == b'{"bytes":true}'
    assert encode_payload([1, "x"]) == b'[1,"x"]'
    assert encode_payload("42") == b"42"
    assert encode_payload({"é": "ü"}) == '{"é":"ü"}'.encode()
    assert encode_payload(0) == b"0"


def _payload_of_size(size: int) -> str:
    # {"k":"xxx..."} is 8 bytes of punctuation and key around the value.
    return json.dumps({"k": "x" * (size - 8)}, separators=(",", ":"))


def test_payload_size_boundary() -> None:
    at_limit = _payload_of_size(MAX_PAYLOAD_BYTES)
    assert len(at_limit.encode()) == MAX_PAYLOAD_BYTES
    assert len(encode_payload(at_limit)) == MAX_PAYLOAD_BYTES
    assert len(encode_payload(json.loads(at_limit))) == MAX_PAYLOAD_BYTES
    with pytest.raises(core.ValidationError) as caught:
        encode_payload(_payload_of_size(MAX_PAYLOAD_BYTES + 1))
    assert str(caught.value) == "payload: is 6,291,457 bytes as sent; the limit is 6,291,456 bytes"


def test_payload_size_counts_utf8_bytes() -> None:
    # 3 bytes per character: fits in characters, not in bytes.
    text = json.dumps({"k": "€" * (MAX_PAYLOAD_BYTES // 3)}, ensure_ascii=False)
    with pytest.raises(core.ValidationError, match="bytes as sent"):
        encode_payload(text)


@pytest.mark.parametrize(
    ("payload", "rule"),
    [
        (None, "is required"),
        (f"not json {SECRET}", "must be valid JSON text"),
        (f'{{"a": "{SECRET}"', "must be valid JSON text"),
        (f"{SECRET}".encode(), "must be valid JSON text"),
        (b'{"a": "\xff"}', "must be UTF-8"),
        ({"a": {SECRET}}, "values of type set cannot be encoded"),
        ({"a": float("nan")}, "NaN and Infinity"),
        ('{"a": NaN}', "must be valid JSON text"),
        (object(), "values of type object cannot be encoded"),
        ('"\ud800"', "lone surrogates"),
        ({"a": "\ud800"}, "lone surrogates"),
    ],
)
def test_invalid_payloads_never_echo_the_value(payload: Any, rule: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        encode_payload(payload)
    assert caught.value.field == "payload"
    assert rule in str(caught.value)
    assert SECRET not in str(caught.value)


def _b64_of_length(length: int) -> str:
    raw = base64.b64encode(b"x" * (length // 4 * 3)).decode()
    assert len(raw) == length
    return raw


def test_client_context_boundaries() -> None:
    # 3,583 is not a multiple of 4, so the longest strict base64 is 3,580 characters;
    # the length rule itself is checked at 3,583/3,584 with a string of that length.
    longest_valid = _b64_of_length(3580)
    assert encode_client_context(longest_valid) == longest_valid
    with pytest.raises(core.ValidationError, match="must be standard base64"):
        encode_client_context("A" * 3583)
    with pytest.raises(core.ValidationError, match="is 3,584 characters; the limit is 3,583"):
        encode_client_context(_b64_of_length(3584))


@pytest.mark.parametrize(
    ("value", "rule"),
    [
        ("QUJD=", "must be standard base64"),  # accepted by b64decode(validate=True) on 3.12
        ("QUJ", "must be standard base64"),
        ("QU JD", "must be standard base64"),
        ("QUJD\n", "must be standard base64"),
        ("QU-_", "must be standard base64"),
        ("QR==", "canonical base64"),
        (f"{SECRET}", "must be standard base64"),
        (12, "must be a base64 string or a mapping"),
        ({"custom": {SECRET}}, "must be JSON-serializable"),
        ({"custom": "x" * 2700}, "characters once base64-encoded; the limit is 3,583"),
    ],
)
def test_invalid_client_contexts(value: Any, rule: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        encode_client_context(value)
    assert caught.value.field == "client_context"
    assert rule in str(caught.value)
    assert SECRET not in str(caught.value)


def test_client_context_mapping_is_encoded() -> None:
    encoded = encode_client_context({"custom": {"user": "u1"}, "env": {"locale": "en"}})
    assert encoded is not None
    assert json.loads(base64.b64decode(encoded)) == {"custom": {"user": "u1"}, "env": {"locale": "en"}}
    assert encode_client_context(None) is None
    assert encode_client_context("") is None
    assert encode_client_context("QUJD") == "QUJD"


@pytest.mark.parametrize(
    ("value", "normalized"),
    [(None, "None"), ("", "None"), ("None", "None"), ("none", "None"), ("Tail", "Tail"), ("TAIL", "Tail")],
)
def test_log_types(value: Any, normalized: str) -> None:
    assert normalize_log_type(value) == normalized


@pytest.mark.parametrize("value", ["Full", "tail ", True, 1])
def test_invalid_log_types(value: Any) -> None:
    with pytest.raises(core.ValidationError) as caught:
        normalize_log_type(value)
    assert caught.value.field == "log_type"
    assert "'None' or 'Tail'" in str(caught.value)


def test_tenant_id() -> None:
    assert validate_tenant_id(None) is None
    assert validate_tenant_id("tenant-1") == "tenant-1"
    assert validate_tenant_id("a" * 256) == "a" * 256
    assert validate_tenant_id("org/team=a+b@x:y z.1") == "org/team=a+b@x:y z.1"
    with pytest.raises(core.ValidationError, match="tenant_id: must be 1 to 256 characters"):
        validate_tenant_id("a" * 257)
    with pytest.raises(core.ValidationError, match="tenant_id: may contain only"):
        validate_tenant_id("bad#tenant")


def test_build_request() -> None:
    request = core.build_request(
        "arn:aws:lambda:us-east-1:123456789012:function:f",
        {"secret": SECRET},
        qualifier="live",
        client_context={"custom": {"token": SECRET}},
        log_type="tail",
        tenant_id="t-1",
    )
    assert SECRET not in repr(request)
    assert request.effective_qualifier == "live"
    kwargs = request.to_boto3_kwargs()
    assert kwargs["Qualifier"] == "live" and kwargs["LogType"] == "Tail" and kwargs["TenantId"] == "t-1"
    assert core.build_request("f:3", {}).effective_qualifier == "3"
    assert core.build_request("f", {}).effective_qualifier == "$LATEST"
    assert "Qualifier" not in core.build_request("f", {}).to_boto3_kwargs()


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"profile": "p", "access_key": "a", "secret_key": "b"}, "profile"),
        ({"access_key": "a"}, "access_key"),
        ({"session_token": "t"}, "session_token"),
        ({"read_timeout": 0}, "read_timeout"),
        ({"read_timeout": "60"}, "read_timeout"),
        ({"connect_timeout": -1}, "connect_timeout"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"endpoint_url": "localhost:9000"}, "endpoint_url"),
    ],
)
def test_invalid_connection_settings(kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.ConnectionSettings(**kwargs)
    assert caught.value.field == field


def test_connection_settings_repr_hides_credentials() -> None:
    text = repr(core.ConnectionSettings(access_key="AKIDHIDDEN", secret_key=SECRET, session_token=SECRET))
    assert SECRET not in text and "AKIDHIDDEN" not in text
