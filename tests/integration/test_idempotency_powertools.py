"""idempotency_key end to end through the core: the real Powertools idempotency utility in
the handler (tests/functions/idempotent), DynamoDB on moto's server, the local endpoint, and
a relay that breaks the answer after the function has finished (tests/support/fault_proxy.py).

The body writes one line per run to a file; every test counts the lines.
"""

from __future__ import annotations

import functools
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import pytest

import lambda_invocation_core as core
from tests.support.connection_settings import SettingsFactory
from tests.support.fault_proxy import Fault, Relay
from tests.support.functions import count_executions
from tests.support.powertools_endpoint import FUNCTION, PowertoolsEndpoint

SECRET = "s3cr3t-IDEMPOTENT-41c7"
FAULTS: list[Fault] = ["drop", "hold", "truncate"]
UNCERTAIN_ERROR = {
    "drop": core.ConnectionLostError,
    "hold": core.InvocationTimeoutError,
    "truncate": core.ConnectionLostError,
}


HOLD_SECONDS = 8.0


@pytest.fixture(scope="module")
def connection(make_settings: SettingsFactory) -> SettingsFactory:
    """make_settings with a 20 s read timeout."""
    return functools.partial(make_settings, read_timeout=20.0)


def relay(powertools_endpoint: PowertoolsEndpoint, tally: Counter[str], fault: Fault) -> Relay:
    """The first connection's answer is broken; "hold" keeps it past read_timeout_for("hold")."""
    port = urlparse(powertools_endpoint.url).port or 0
    return Relay(port, tally, fault, faulty_connections=1, hold_seconds=HOLD_SECONDS)


def read_timeout_for(fault: Fault) -> float:
    # Long enough for any answer on a busy machine; shorter than the hold.
    return 5.0 if fault == "hold" else 20.0


def new_key() -> str:
    return f"order-{uuid.uuid4()}"


@pytest.mark.parametrize("fault", FAULTS)
def test_with_a_key_a_lost_answer_is_recovered_and_the_body_ran_once(
    connection: SettingsFactory,
    powertools_endpoint: PowertoolsEndpoint,
    tmp_path: Path,
    tally: Counter[str],
    fault: Fault,
) -> None:
    count_file = tmp_path / "runs.txt"
    key = new_key()
    proxy = relay(powertools_endpoint, tally, fault)
    try:
        outcome = core.invoke(
            FUNCTION,
            {"count_file": str(count_file), "secret": SECRET},
            idempotency_key=key,
            fail_on_function_error=True,
            connection=connection(proxy.url, read_timeout=read_timeout_for(fault)),
        )
    finally:
        proxy.close()
    assert outcome.function_error is None
    assert outcome.result_json["secret"] == SECRET and outcome.result_json["body_runs"] == 1
    assert proxy.faults == 1 and proxy.connections == 2  # the answer was lost once, then sent again
    assert powertools_endpoint.record_status(key) == "COMPLETED"
    time.sleep(0.5)
    assert count_executions(count_file) == 1
    tally[f"idempotency (core, {fault}, with key): body runs"] += count_executions(count_file)


@pytest.mark.parametrize("fault", FAULTS)
def test_without_a_key_a_lost_answer_is_uncertain_and_not_sent_again(
    connection: SettingsFactory,
    powertools_endpoint: PowertoolsEndpoint,
    tmp_path: Path,
    tally: Counter[str],
    fault: Fault,
) -> None:
    count_file = tmp_path / "runs.txt"
    proxy = relay(powertools_endpoint, tally, fault)
    try:
        with pytest.raises(UNCERTAIN_ERROR[fault]) as caught:
            core.invoke(
                FUNCTION,
                {"count_file": str(count_file), "secret": SECRET},
                connection=connection(proxy.url, read_timeout=read_timeout_for(fault)),
            )
        time.sleep(HOLD_SECONDS - 4.5 if fault == "hold" else 0.5)  # a retry would have arrived by now
    finally:
        proxy.close()
    assert "Not retried, to avoid a second invocation" in str(caught.value)
    assert SECRET not in str(caught.value)
    assert proxy.connections == 1
    assert count_executions(count_file) == 1
    tally[f"idempotency (core, {fault}, no key): body runs"] += count_executions(count_file)


def test_a_timeout_while_the_body_still_runs_waits_for_its_result(
    connection: SettingsFactory, powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    """Read timeout 1 s, body 4 s: the repeats get IdempotencyAlreadyInProgressError until it ends."""
    count_file = tmp_path / "runs.txt"
    key = new_key()
    started = time.monotonic()
    outcome = core.invoke(
        FUNCTION,
        {"count_file": str(count_file), "seconds": 4, "secret": SECRET},
        idempotency_key=key,
        connection=connection(powertools_endpoint.url, read_timeout=1.0, max_attempts=12),
    )
    assert time.monotonic() - started >= 4
    assert powertools_endpoint.record_status(key) == "COMPLETED"
    assert outcome.function_error is None
    assert outcome.result_json["secret"] == SECRET and outcome.result_json["body_runs"] == 1
    assert count_executions(count_file) == 1
    tally["idempotency (core, read timeout while running, with key): body runs"] += 1


def test_a_repeat_while_the_first_runs_waits_and_returns_the_first_runs_result(
    connection: SettingsFactory, powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    count_file = tmp_path / "runs.txt"
    key = new_key()
    payload = {"count_file": str(count_file), "seconds": 3, "secret": SECRET}
    settings = connection(powertools_endpoint.url, max_attempts=12)
    outcomes: dict[str, core.InvocationResult] = {}

    def call(name: str) -> None:
        outcomes[name] = core.invoke(FUNCTION, payload, idempotency_key=key, connection=settings)

    first = threading.Thread(target=call, args=("first",))
    first.start()
    time.sleep(1.0)  # the first run is under way (its record is INPROGRESS)
    assert powertools_endpoint.record_status(key) == "INPROGRESS"
    repeat_started = time.monotonic()
    call("repeat")
    waited = time.monotonic() - repeat_started
    first.join()
    assert waited >= 1.5  # it waited for the first run (3 s, 1 s under way) instead of running again
    assert outcomes["repeat"].result_json == outcomes["first"].result_json
    assert outcomes["repeat"].result_json["body_runs"] == 1
    assert count_executions(count_file) == 1
    tally["idempotency (core, concurrent repeat, with key): body runs"] += 1


def test_still_running_at_the_last_attempt_is_a_typed_error_then_the_same_key_gets_the_result(
    connection: SettingsFactory, powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    count_file = tmp_path / "runs.txt"
    key = new_key()
    payload = {"count_file": str(count_file), "seconds": 4, "secret": SECRET}
    with pytest.raises(core.IdempotencyInProgressError) as caught:
        core.invoke(
            FUNCTION,
            payload,
            idempotency_key=key,
            connection=connection(powertools_endpoint.url, read_timeout=0.5, max_attempts=2),
        )
    assert caught.value.field == "idempotency_key" and caught.value.attempts == 2
    assert key not in str(caught.value) and SECRET not in str(caught.value)
    time.sleep(4.5)
    outcome = core.invoke(
        FUNCTION, payload, idempotency_key=key, connection=connection(powertools_endpoint.url)
    )
    assert outcome.result_json["body_runs"] == 1 and outcome.result_json["secret"] == SECRET
    assert count_executions(count_file) == 1
    assert powertools_endpoint.record_status(key) == "COMPLETED"
    tally["idempotency (core, still running at the last attempt, with key): body runs"] += 1
