"""Concurrency: parallel calls run in parallel runtimes; reserved concurrency throttles with 429."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

import pytest

from local_lambda.launcher import RunningEndpoint
from tests.support.raw_invoke import invoke

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


def _parallel(endpoint: RunningEndpoint, calls: list[tuple[str, dict[str, Any]]]) -> list[Future[Any]]:
    # One client per thread: boto3 clients are thread-safe, but separate ones make sure
    # every call has its own connection and nothing is serialised on our side.
    barrier = threading.Barrier(len(calls))

    def call(name: str, event: dict[str, Any]) -> Any:
        client = endpoint.client()
        barrier.wait()
        return invoke(client, name, event)

    pool = ThreadPoolExecutor(len(calls))
    futures = [pool.submit(call, name, event) for name, event in calls]
    pool.shutdown(wait=False)
    return futures


def test_concurrent_calls_overlap_in_separate_runtimes(lambda_endpoint: RunningEndpoint) -> None:
    started = time.monotonic()
    futures = _parallel(lambda_endpoint, [("sleep", {"seconds": 1})] * 4)
    bodies = [future.result(timeout=30).payload for future in futures]
    elapsed = time.monotonic() - started
    assert elapsed < 3.0, f"4 x 1 s calls took {elapsed:.2f} s: serialised?"
    assert len({body["pid"] for body in bodies}) == 4
    latest_start = max(body["started"] for body in bodies)
    earliest_end = min(body["ended"] for body in bodies)
    assert latest_start < earliest_end  # all four were running at the same moment


def test_runtimes_are_reused_after_a_burst(lambda_endpoint: RunningEndpoint) -> None:
    first = {
        f.result(timeout=30).payload["pid"]
        for f in _parallel(lambda_endpoint, [("sleep", {"seconds": 0.3})] * 3)
    }
    second = {
        f.result(timeout=30).payload["pid"]
        for f in _parallel(lambda_endpoint, [("sleep", {"seconds": 0.3})] * 3)
    }
    assert second <= lambda_endpoint.runtime_pids("sleep")
    assert first & second  # warm processes served the second burst


def test_reserved_concurrency_throttles_with_429(
    lambda_endpoint: RunningEndpoint, lambda_client: LambdaClient
) -> None:
    busy = _parallel(lambda_endpoint, [("throttled", {"seconds": 2})] * 2)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        states = [rt["state"] for rt in lambda_endpoint.runtimes() if rt["function"] == "throttled"]
        if states.count("busy") == 2:
            break
        time.sleep(0.02)
    with pytest.raises(lambda_client.exceptions.TooManyRequestsException) as caught:
        lambda_client.invoke(FunctionName="throttled", Payload=b'{"seconds": 0}')
    response = caught.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 429
    assert response["Reason"] == "ReservedFunctionConcurrentInvocationLimitExceeded"  # type: ignore[typeddict-item]
    assert response["ResponseMetadata"]["HTTPHeaders"]["x-amzn-errortype"] == "TooManyRequestsException"
    # Other functions are not affected, and the slots come back once the calls finish.
    assert invoke(lambda_client, "echo", {}).function_error is None
    for future in busy:
        assert future.result(timeout=30).function_error is None
    assert invoke(lambda_client, "throttled", {"seconds": 0}).function_error is None


def test_zero_reserved_concurrency_always_throttles(lambda_client: LambdaClient) -> None:
    with pytest.raises(lambda_client.exceptions.TooManyRequestsException):
        lambda_client.invoke(FunctionName="always-throttled", Payload=b"{}")


def test_throttled_call_is_retried_by_botocore_when_retries_are_on(lambda_endpoint: RunningEndpoint) -> None:
    # Clients' own throttling paths see real 429s: botocore's standard mode retries them.
    client = lambda_endpoint.client(retries={"mode": "standard", "total_max_attempts": 2})
    with pytest.raises(client.exceptions.TooManyRequestsException) as caught:
        client.invoke(FunctionName="always-throttled", Payload=b"{}")
    assert caught.value.response["ResponseMetadata"]["RetryAttempts"] == 1


def test_tail_logs_of_concurrent_calls_do_not_mix(lambda_endpoint: RunningEndpoint) -> None:
    barrier = threading.Barrier(6)

    def call(marker: str) -> str:
        client = lambda_endpoint.client()
        barrier.wait()
        log = invoke(client, "echo", {"marker": marker}, LogType="Tail").log
        assert log is not None
        return log

    with ThreadPoolExecutor(6) as pool:
        markers = [f"concurrent-{i}" for i in range(6)]
        logs = list(pool.map(call, markers))
    for marker, log in zip(markers, logs):
        assert f"echo marker={marker}\n" in log
        assert sum(other in log for other in markers) == 1
