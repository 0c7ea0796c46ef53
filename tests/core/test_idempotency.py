"""idempotency_key: validated before sending, placed in the payload, and the one case where
something that may have run is sent again. Real boto3 over loopback to a scripted endpoint.

Without a key every test here shows today's behaviour: one request, "Not retried".
The end-to-end proof with Powertools' real idempotency utility is
tests/integration/test_idempotency_powertools.py.
"""

from __future__ import annotations

import functools
import json
import sys
from collections import Counter

import botocore.exceptions
import pytest

import lambda_invocation_core as core
from tests.support.botocore_errors import CLASSES, MARKER, OTHER_CLASSES, raise_from_transport
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error

KEY = "order-KEY-MARKER-9b3d"
NOT_RETRIED = "Not retried, to avoid a second invocation"


@pytest.fixture(scope="module")
def settings(make_settings: SettingsFactory) -> SettingsFactory:
    """make_settings with a 1 s read timeout: a call that waits on an in-progress execution gives up fast."""
    return functools.partial(make_settings, read_timeout=1.0)


def in_progress_reply() -> Reply:
    # What Powertools' @idempotent makes the Python runtime answer while the first run goes on.
    document = {
        "errorMessage": f"Execution already in progress with idempotency key: fn#{KEY}",
        "errorType": "IdempotencyAlreadyInProgressError",
        "requestId": "r-1",
        "stackTrace": [],
    }
    return Reply(body=json.dumps(document).encode(), headers={"X-Amz-Function-Error": "Unhandled"})


def ok_reply(value: object = "first run's result") -> Reply:
    return Reply(body=json.dumps({"value": value}).encode(), headers={"X-Amz-Executed-Version": "$LATEST"})


# Faults after which the function may have run, as the scripted endpoint produces them.
UNCERTAIN = {
    "read timeout": (Reply(delay=1.6, body=b"{}"), core.InvocationTimeoutError),
    "connection dropped after send": (Reply(drop=True), core.ConnectionLostError),
    "body broken mid-read": (Reply(body=b'{"partial":', claimed_length=100), core.ConnectionLostError),
}


# --- validation, before any request ---------------------------------------------------


@pytest.mark.parametrize(
    ("key", "rule"),
    [
        (42, "must be a string, not int"),
        ("", "must be 1 to 256 printable characters (got 0)"),
        ("k" * 257, "must be 1 to 256 printable characters (got 257)"),
        (f"{KEY}\n", "may contain only printable characters"),
        (f"{KEY}\t", "may contain only printable characters"),
        (f"{KEY}\x00", "may contain only printable characters"),
    ],
)
def test_a_bad_key_is_refused_before_sending_without_quoting_it(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, key: object, rule: str
) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.invoke("f", {"a": 1}, idempotency_key=key, connection=settings(scripted_lambda.url))
    assert caught.value.field == "idempotency_key"
    assert caught.value.rule.startswith(rule)
    assert KEY not in str(caught.value) and "kkkk" not in str(caught.value)
    assert scripted_lambda.requests == []


def test_the_key_limits_are_inclusive(scripted_lambda: ScriptedLambda) -> None:
    for key in ("k", "k" * 256, "clé ünïcode 鍵 with spaces"):
        request = core.build_request("f", {}, idempotency_key=key)
        assert json.loads(request.payload) == {"idempotency_key": key}


@pytest.mark.parametrize("key_field", ["1st", "with-dash", "a.b", "x" * 129, "sp ace", 7])
def test_a_bad_field_is_refused(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, key_field: object
) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.invoke(
            "f",
            {},
            idempotency_key=KEY,
            idempotency_key_field=key_field,
            connection=settings(scripted_lambda.url),
        )
    assert caught.value.field == "idempotency_key_field"
    assert KEY not in str(caught.value)
    assert scripted_lambda.requests == []


@pytest.mark.parametrize(
    ("payload", "kind"),
    [([1, 2], "array"), ('"text"', "string"), (3, "number"), ("null", "null"), (b"true", "boolean")],
)
def test_with_a_key_the_payload_must_be_an_object(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, payload: object, kind: str
) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.invoke("f", payload, idempotency_key=KEY, connection=settings(scripted_lambda.url))
    assert caught.value.field == "payload"
    assert caught.value.rule == (
        "must be a JSON object when idempotency_key is given (the key goes into its top-level field "
        f"'idempotency_key'), not a JSON {kind}"
    )
    assert scripted_lambda.requests == []


def test_a_payload_that_already_has_the_field_is_refused(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    with pytest.raises(core.ValidationError) as caught:
        core.invoke(
            "f",
            {"request_key": "mine"},
            idempotency_key=KEY,
            idempotency_key_field="request_key",
            connection=settings(scripted_lambda.url),
        )
    assert caught.value.field == "payload" and "'request_key'" in caught.value.rule
    assert KEY not in str(caught.value)
    assert scripted_lambda.requests == []


def test_the_size_limit_counts_the_added_key() -> None:
    filler = "x" * (core.MAX_PAYLOAD_BYTES - len('{"a":""}'))
    assert len(core.build_request("f", {"a": filler}).payload) == core.MAX_PAYLOAD_BYTES
    with pytest.raises(core.ValidationError) as caught:
        core.build_request("f", {"a": filler}, idempotency_key="k")
    assert caught.value.field == "payload" and "with idempotency_key added" in caught.value.rule


def test_a_field_given_without_a_key_changes_nothing() -> None:
    plain = core.build_request("f", "[1, 2]")
    named = core.build_request("f", "[1, 2]", idempotency_key_field="request_key")
    assert named == plain and plain.idempotency_key_field is None
    with pytest.raises(core.ValidationError):
        core.build_request("f", {}, idempotency_key_field="bad-field")


@pytest.mark.parametrize(
    ("payload", "sent"),
    [
        ({"a": 1}, b'{"idempotency_key":"K","a":1}'),
        ({}, b'{"idempotency_key":"K"}'),
        (' { "a" : 1.50 } ', b'{"idempotency_key":"K", "a" : 1.50 } '),  # the rest byte for byte
        (b"{ \n }", b'{"idempotency_key":"K" \n }'),
    ],
)
def test_the_key_is_the_first_member_and_the_rest_is_unchanged(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, payload: object, sent: bytes
) -> None:
    scripted_lambda.queue(ok_reply())
    core.invoke("f", payload, idempotency_key="K", connection=settings(scripted_lambda.url))
    assert [seen.body for seen in scripted_lambda.requests] == [sent]


def test_the_field_can_be_renamed_and_the_key_is_not_in_the_request_repr() -> None:
    request = core.build_request("f", {"a": 1}, idempotency_key=KEY, idempotency_key_field="request_key")
    assert json.loads(request.payload) == {"request_key": KEY, "a": 1}
    assert request.idempotency_key_field == "request_key"
    assert KEY not in repr(request)


# --- with a key: "may have run" is sent again ------------------------------------------


@pytest.mark.parametrize("fault", sorted(UNCERTAIN))
def test_with_a_key_an_uncertain_failure_is_sent_again(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, fault: str
) -> None:
    reply, _ = UNCERTAIN[fault]
    scripted_lambda.queue(reply, ok_reply())
    result = core.invoke("f", {"order": 7}, idempotency_key=KEY, connection=settings(scripted_lambda.url))
    assert result.result_json == {"value": "first run's result"}
    first, second = scripted_lambda.requests
    assert (
        first.body
        == second.body
        == json.dumps({"idempotency_key": KEY, "order": 7}, separators=(",", ":")).encode()
    )
    assert first.path == second.path


@pytest.mark.parametrize("fault", sorted(UNCERTAIN))
def test_without_a_key_an_uncertain_failure_is_sent_once(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, fault: str
) -> None:
    reply, error_class = UNCERTAIN[fault]
    scripted_lambda.queue(reply, ok_reply("a second run"))
    with pytest.raises(error_class) as caught:
        core.invoke("f", {"order": 7}, connection=settings(scripted_lambda.url))
    assert NOT_RETRIED in str(caught.value)
    assert len(scripted_lambda.requests) == 1


@pytest.mark.parametrize("fault", sorted(UNCERTAIN))
def test_with_a_key_retries_stop_at_max_attempts_naming_the_field(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, fault: str
) -> None:
    reply, error_class = UNCERTAIN[fault]
    scripted_lambda.queue(*[reply] * 3, ok_reply("never reached"))
    with pytest.raises(error_class) as caught:
        core.invoke(
            "f",
            {"order": 7},
            idempotency_key=KEY,
            idempotency_key_field="order_key",
            connection=settings(scripted_lambda.url, max_attempts=3),
        )
    message = str(caught.value)
    assert type(caught.value) is error_class
    assert "Sent 3 times with the same idempotency key (payload field 'order_key')" in message
    assert NOT_RETRIED not in message and KEY not in message
    assert len(scripted_lambda.requests) == 3


def test_throttles_and_uncertain_failures_share_the_attempt_limit(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(
        aws_error("TooManyRequestsException", 429),
        Reply(drop=True),
        aws_error("TooManyRequestsException", 429),
    )
    with pytest.raises(core.ThrottledError) as caught:
        core.invoke("f", {}, idempotency_key=KEY, connection=settings(scripted_lambda.url, max_attempts=3))
    assert caught.value.attempts == 3 and len(scripted_lambda.requests) == 3


def test_with_a_key_a_service_exception_is_still_not_retried(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(aws_error("ServiceException", 500), ok_reply())
    with pytest.raises(core.AwsError) as caught:
        core.invoke("f", {}, idempotency_key=KEY, connection=settings(scripted_lambda.url))
    assert caught.value.code == "ServiceException"
    assert len(scripted_lambda.requests) == 1


def test_with_max_attempts_1_a_key_sends_once_and_says_so(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(Reply(drop=True), ok_reply())
    with pytest.raises(core.ConnectionLostError) as caught:
        core.invoke("f", {}, idempotency_key=KEY, connection=settings(scripted_lambda.url, max_attempts=1))
    assert "Sent once with the same idempotency key (payload field 'idempotency_key')" in str(caught.value)
    assert len(scripted_lambda.requests) == 1


# --- with a key: "an earlier attempt is still running" -------------------------------------


@pytest.mark.parametrize("fail_on_function_error", [False, True])
def test_in_progress_waits_and_returns_the_first_runs_result(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda, fail_on_function_error: bool
) -> None:
    scripted_lambda.queue(in_progress_reply(), in_progress_reply(), ok_reply())
    result = core.invoke(
        "f",
        {},
        idempotency_key=KEY,
        fail_on_function_error=fail_on_function_error,
        connection=settings(scripted_lambda.url),
    )
    assert result.function_error is None and result.result_json == {"value": "first run's result"}
    assert len(scripted_lambda.requests) == 3


def test_in_progress_until_the_last_attempt_is_a_typed_error_naming_the_field(
    settings: SettingsFactory,
    scripted_lambda: ScriptedLambda,
) -> None:
    scripted_lambda.queue(*[in_progress_reply()] * 4)
    with pytest.raises(core.IdempotencyInProgressError) as caught:
        core.invoke(
            "orders",
            {},
            idempotency_key=KEY,
            idempotency_key_field="order_key",
            connection=settings(scripted_lambda.url, max_attempts=4),
        )
    error = caught.value
    assert isinstance(error, core.InvocationUncertainError)
    assert (error.function_name, error.field, error.attempts) == ("orders", "order_key", 4)
    assert str(error) == (
        "Lambda function orders: an earlier attempt with the same idempotency key (payload field "
        "'order_key') may still be running; the function answered IdempotencyAlreadyInProgressError "
        "to all 4 attempts. Run again with the same key once it has finished (at most the function's "
        "timeout) to get its result, or raise max_attempts to wait longer"
    )
    assert KEY not in str(error) + repr(error)
    assert len(scripted_lambda.requests) == 4


def test_a_timeout_then_in_progress_then_the_result(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(UNCERTAIN["read timeout"][0], in_progress_reply(), ok_reply())
    result = core.invoke("f", {}, idempotency_key=KEY, connection=settings(scripted_lambda.url))
    assert result.result_json == {"value": "first run's result"}
    assert len(scripted_lambda.requests) == 3


def test_without_a_key_in_progress_is_an_ordinary_function_error(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(in_progress_reply(), in_progress_reply(), ok_reply())
    result = core.invoke("f", {}, connection=settings(scripted_lambda.url))
    assert result.function_error == "Unhandled" and result.error_type == "IdempotencyAlreadyInProgressError"
    with pytest.raises(core.FunctionError):
        core.invoke("f", {}, fail_on_function_error=True, connection=settings(scripted_lambda.url))
    assert len(scripted_lambda.requests) == 2


def test_with_a_key_other_function_errors_are_not_retried(
    settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    failure = Reply(
        body=json.dumps({"errorType": "ValueError", "errorMessage": "no"}).encode(),
        headers={"X-Amz-Function-Error": "Unhandled"},
    )
    scripted_lambda.queue(failure, ok_reply())
    result = core.invoke("f", {}, idempotency_key=KEY, connection=settings(scripted_lambda.url))
    assert result.error_type == "ValueError" and len(scripted_lambda.requests) == 1


# --- every botocore exception, with a key --------------------------------------------------


@pytest.mark.parametrize(
    "cls", CLASSES + OTHER_CLASSES, ids=lambda cls: f"{cls.__module__}.{cls.__qualname__}"
)
def test_with_a_key_exactly_the_may_have_run_exceptions_are_sent_again(
    settings: SettingsFactory, cls: type[Exception], monkeypatch: pytest.MonkeyPatch, tally: Counter[str]
) -> None:
    sends = raise_from_transport(monkeypatch, cls)
    monkeypatch.setattr(sys.modules["lambda_invocation_core.invoke"], "backoff", lambda attempt: 0.0)
    with pytest.raises(core.LambdaInvocationError) as unkeyed:
        core.invoke("f", {"p": 1}, connection=settings("http://127.0.0.1:9"))
    unkeyed_sends, sends[:] = len(sends), []
    with pytest.raises(core.LambdaInvocationError) as keyed:
        core.invoke(
            "f", {"p": 1}, idempotency_key=KEY, connection=settings("http://127.0.0.1:9", max_attempts=3)
        )
    assert unkeyed_sends == 1
    assert type(keyed.value) is type(unkeyed.value)
    for text in (str(keyed.value), repr(keyed.value)):
        assert MARKER not in text and KEY not in text
    if isinstance(unkeyed.value, core.InvocationUncertainError):
        assert len(sends) == 3, f"{cls.__name__}: may have run, sent {len(sends)} times with a key"
        assert "Sent 3 times with the same idempotency key" in str(keyed.value)
        assert NOT_RETRIED in str(unkeyed.value)
        tally["idempotency: may-have-run exceptions sent again with a key"] += 1
    else:
        assert len(sends) == 1, f"{cls.__name__}: not a may-have-run, sent {len(sends)} times with a key"
        assert str(keyed.value) == str(unkeyed.value)
    assert not isinstance(keyed.value, botocore.exceptions.BotoCoreError)
