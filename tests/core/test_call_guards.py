"""Guards that must hold whatever botocore or the caller brings along (issue 31, item 5).

* ``AWS_NEW_RETRIES_2026=true`` is botocore's opt-in to new retry defaults (standard mode,
  ``x-amz-retry-after``). The core switches botocore's own re-sends off; with the variable
  set, an Invoke is still sent once after a read timeout, a dropped connection or a 5xx,
  and a 429 is re-sent only by the core, within ``max_attempts``. Counted at the scripted
  endpoint, over real sockets.
* The payload object the caller passes is never changed by the call (the Terraform AWS
  provider once wrote into it, fixed there in #43676): deep-compared before and after, on
  success, on failure, and on the idempotency-key path, which adds the key to what is sent.
"""

from __future__ import annotations

import copy
import json
import time
from typing import Any

import pytest

import lambda_invocation_core as core
from tests.support.connection_settings import SettingsFactory
from tests.support.scripted_lambda import Reply, ScriptedLambda, aws_error

# --- AWS_NEW_RETRIES_2026 -----------------------------------------------------------------


@pytest.fixture(params=["true", "TRUE"])
def new_retries(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("AWS_NEW_RETRIES_2026", request.param)
    return str(request.param)


@pytest.mark.parametrize("retry_mode", [None, "standard", "adaptive"])
def test_botocore_retries_stay_off(
    new_retries: str, make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, retry_mode: str | None
) -> None:
    config: Any = core.get_client(make_settings(scripted_lambda.url, retry_mode=retry_mode)).meta.config
    assert config.retries["total_max_attempts"] == 1  # attributes set by Config(**kw)


def test_read_timeout_is_sent_once(
    new_retries: str, make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(Reply(delay=2.0, body=b"{}"), Reply())
    with pytest.raises(core.InvocationTimeoutError):
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, read_timeout=0.8))
    time.sleep(1.5)  # long enough for any re-send to have arrived
    assert len(scripted_lambda.requests) == 1


def test_dropped_connection_is_sent_once(
    new_retries: str, make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    scripted_lambda.queue(Reply(drop=True), Reply())
    with pytest.raises(core.ConnectionLostError):
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url))
    time.sleep(0.5)
    assert len(scripted_lambda.requests) == 1


@pytest.mark.parametrize(
    "reply",
    [
        aws_error("ServiceException", 500),
        aws_error("EC2UnexpectedException", 502),
        Reply(status=503, body=b"Service Unavailable"),
        Reply(status=504, body=b""),
    ],
    ids=["500 ServiceException", "502", "503 without a code", "504"],
)
def test_a_5xx_is_sent_once(
    new_retries: str, make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, reply: Reply
) -> None:
    scripted_lambda.queue(reply, Reply())
    with pytest.raises(core.AwsError):
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, max_attempts=3))
    assert len(scripted_lambda.requests) == 1


def test_a_throttle_is_re_sent_by_the_core_only(
    new_retries: str, make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    # x-amz-retry-after is what the new defaults honour; only the core's attempts count.
    throttle = aws_error("TooManyRequestsException", 429)
    throttle.headers["x-amz-retry-after"] = "0"
    scripted_lambda.queue(*[throttle] * 4, Reply())
    with pytest.raises(core.ThrottledError) as caught:
        core.invoke("f", {}, connection=make_settings(scripted_lambda.url, max_attempts=1))
    assert caught.value.attempts == 1
    assert len(scripted_lambda.requests) == 1


# --- the caller's payload is never changed --------------------------------------------------


def nested_payload() -> dict[str, Any]:
    return {
        "order": {"items": [{"sku": "a", "qty": 1}, {"sku": "b", "tags": ["x", "y"]}]},
        "n": 1.5,
        "ok": None,
    }


PAYLOADS: dict[str, Any] = {
    "nested object": nested_payload(),
    "array": [1, {"a": [2, 3]}, "x"],
    "empty object": {},
}


def _unchanged(before: Any, after: Any) -> None:
    assert after == before
    assert json.dumps(after, sort_keys=True) == json.dumps(before, sort_keys=True)  # types too


@pytest.mark.parametrize("name", PAYLOADS)
def test_payload_is_not_changed_by_a_call(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda, name: str
) -> None:
    payload = copy.deepcopy(PAYLOADS[name])
    before = copy.deepcopy(payload)
    core.invoke("f", payload, connection=make_settings(scripted_lambda.url))
    _unchanged(before, payload)
    assert json.loads(scripted_lambda.requests[0].body) == before


def test_payload_is_not_changed_when_the_key_is_added(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    payload = nested_payload()
    before = copy.deepcopy(payload)
    # A lost answer, then the result: the key's path sends the same request twice.
    scripted_lambda.queue(Reply(drop=True), Reply(body=b'{"done":1}'))
    result = core.invoke(
        "f",
        payload,
        idempotency_key="order-7",
        idempotency_key_field="order_key",
        connection=make_settings(scripted_lambda.url),
    )
    assert result.result_json == {"done": 1}
    _unchanged(before, payload)
    assert "order_key" not in payload
    sent = [json.loads(seen.body) for seen in scripted_lambda.requests]
    assert sent == [{"order_key": "order-7", **before}] * 2


def test_payload_is_not_changed_by_a_refused_or_failed_call(
    make_settings: SettingsFactory, scripted_lambda: ScriptedLambda
) -> None:
    payload = {"idempotency_key": "already here", "inner": {"list": [1, 2]}}
    before = copy.deepcopy(payload)
    with pytest.raises(core.ValidationError):  # the key's field is taken: refused before sending
        core.invoke("f", payload, idempotency_key="k", connection=make_settings(scripted_lambda.url))
    _unchanged(before, payload)
    array = [{"a": 1}]
    with pytest.raises(core.ValidationError):  # a key needs an object
        core.invoke("f", array, idempotency_key="k", connection=make_settings(scripted_lambda.url))
    assert array == [{"a": 1}]
    scripted_lambda.queue(aws_error("InvalidParameterValueException", 400))
    nested = nested_payload()
    with pytest.raises(core.AwsError):
        core.invoke("f", nested, idempotency_key="k", connection=make_settings(scripted_lambda.url))
    _unchanged(nested_payload(), nested)


def test_build_request_does_not_change_the_payload() -> None:
    payload = nested_payload()
    request = core.build_request("f", payload, idempotency_key="k")
    _unchanged(nested_payload(), payload)
    assert json.loads(request.payload) == {"idempotency_key": "k", **nested_payload()}
