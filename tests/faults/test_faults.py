"""Faults and load against the real local endpoint: never twice, always a clear error."""

from __future__ import annotations

import functools
import ssl
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

import lambda_invocation_core as core
from local_lambda.launcher import RunningEndpoint
from tests.support.connection_settings import SettingsFactory
from tests.support.fault_proxy import Relay
from tests.support.functions import count_executions


@pytest.fixture(scope="module")
def connection(make_settings: SettingsFactory) -> SettingsFactory:
    """make_settings with a 30 s read timeout (the fault endpoint is slow on purpose)."""
    return functools.partial(make_settings, read_timeout=30.0)


def executions_by_tag(path: Path) -> dict[str, int]:
    tags: dict[str, int] = {}
    if path.exists():
        for line in path.read_text().splitlines():
            tag = line.split(" ", 1)[1]
            tags[tag] = tags.get(tag, 0) + 1
    return tags


def test_throttling_storm(
    connection: SettingsFactory, fault_endpoint: RunningEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    """Reserved concurrency 2, 16 concurrent callers: each call succeeds once or is refused clearly."""
    count_file = tmp_path / "storm.txt"
    settings = connection(fault_endpoint.url)

    def call(index: int) -> str:
        try:
            core.invoke(
                "storm-count",
                {"count_file": str(count_file), "seconds": 0.2, "tag": f"call-{index}"},
                fail_on_function_error=True,
                connection=settings,
            )
        except core.ThrottledError as error:
            assert error.code == "TooManyRequestsException" and error.http_status == 429
            assert "Gave up after 5 attempts" in str(error)
            return "throttled"
        return "ok"

    with ThreadPoolExecutor(16) as pool:
        outcomes = list(pool.map(call, range(16)))
    time.sleep(0.5)
    executed = executions_by_tag(count_file)
    succeeded = {f"call-{index}" for index, outcome in enumerate(outcomes) if outcome == "ok"}
    tally["calls made"] += 16
    tally["executions counted"] += sum(executed.values())
    tally["storm: calls that succeeded"] += len(succeeded)
    tally["storm: calls refused after bounded retries"] += outcomes.count("throttled")
    # Every success ran exactly once; a refused call never ran.
    assert set(executed) == succeeded
    assert all(times == 1 for times in executed.values())
    assert len(succeeded) >= 2  # the storm is survivable: retries got calls through


def test_read_timeout_runs_once(
    connection: SettingsFactory, fault_endpoint: RunningEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    count_file = tmp_path / "slow.txt"
    with pytest.raises(core.InvocationTimeoutError) as caught:
        core.invoke(
            "count",
            {"count_file": str(count_file), "seconds": 2, "tag": "slow"},
            connection=connection(fault_endpoint.url, read_timeout=0.5),
        )
    assert "may still be running" in str(caught.value)
    time.sleep(2.5)
    tally["calls made"] += 1
    tally["faults injected: read timeout"] += 1
    tally["executions counted"] += count_executions(count_file)
    assert count_executions(count_file) == 1


def test_connection_dropped_after_send_runs_once(
    connection: SettingsFactory, fault_endpoint: RunningEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    relay = Relay(urlparse(fault_endpoint.url).port or 0, tally, "drop")
    count_file = tmp_path / "dropped.txt"
    try:
        with pytest.raises(core.ConnectionLostError) as caught:
            core.invoke(
                "count",
                {"count_file": str(count_file), "tag": "dropped"},
                connection=connection(f"http://127.0.0.1:{relay.port}"),
            )
    finally:
        relay.close()
    assert "may have run" in str(caught.value)
    time.sleep(0.5)
    tally["calls made"] += 1
    tally["executions counted"] += count_executions(count_file)
    assert relay.faults == 1
    assert count_executions(count_file) == 1


def test_endpoint_down_is_clear(connection: SettingsFactory, tally: Counter[str]) -> None:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(core.EndpointUnreachableError, match="connection refused or name not resolved"):
        core.invoke("echo", {}, connection=connection(f"http://127.0.0.1:{port}"))
    tally["faults injected: endpoint down"] += 1


def test_dns_failure_is_clear(connection: SettingsFactory, tally: Counter[str]) -> None:
    with pytest.raises(core.EndpointUnreachableError, match="was not sent"):
        core.invoke("echo", {}, connection=connection("https://lambda.does-not-exist.invalid"))
    tally["faults injected: DNS failure"] += 1


@pytest.fixture(scope="module")
def tls_relay(
    fault_endpoint: RunningEndpoint, tmp_path_factory: pytest.TempPathFactory, tally: Counter[str]
) -> Any:
    import trustme  # a dev dependency: missing, the run fails rather than skips

    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_path = tmp_path_factory.mktemp("tls") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_path))
    relay = Relay(urlparse(fault_endpoint.url).port or 0, tally, tls=server_context)
    yield f"https://127.0.0.1:{relay.port}", str(ca_path)
    relay.close()


def test_untrusted_certificate_is_clear(
    connection: SettingsFactory, tls_relay: tuple[str, str], tally: Counter[str]
) -> None:
    url, _ = tls_relay
    with pytest.raises(core.EndpointUnreachableError, match="TLS handshake"):
        core.invoke("echo", {}, connection=connection(url))
    tally["faults injected: untrusted TLS certificate"] += 1


def test_ca_bundle_makes_the_same_endpoint_work(
    connection: SettingsFactory, tls_relay: tuple[str, str], tally: Counter[str]
) -> None:
    url, ca_path = tls_relay
    outcome = core.invoke("echo", {"via": "tls"}, connection=connection(url, verify=ca_path))
    tally["calls made"] += 1
    assert outcome.result_json["event"] == {"via": "tls"}


def test_plain_http_to_a_tls_port_is_clear(
    connection: SettingsFactory, tls_relay: tuple[str, str], tally: Counter[str]
) -> None:
    url, _ = tls_relay
    with pytest.raises(core.LambdaInvocationError):
        core.invoke("echo", {}, connection=connection(url.replace("https://", "http://"), read_timeout=3.0))
    tally["faults injected: wrong protocol"] += 1


@pytest.mark.slow
def test_invocation_longer_than_botocore_default_read_timeout(
    connection: SettingsFactory, fault_endpoint: RunningEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    """65 s: past botocore's 60 s default that makes plain boto3 send the invoke again."""
    count_file = tmp_path / "long.txt"
    outcome = core.invoke(
        "count",
        {"count_file": str(count_file), "seconds": 65, "tag": "long"},
        fail_on_function_error=True,
        connection=connection(fault_endpoint.url, read_timeout=core.DEFAULT_READ_TIMEOUT),
    )
    assert outcome.result_json["count"] == 1
    time.sleep(0.5)
    tally["calls made"] += 1
    tally["executions counted"] += count_executions(count_file)
    assert count_executions(count_file) == 1


def test_plain_boto3_trap_and_the_core_running_once(
    connection: SettingsFactory, fault_endpoint: RunningEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    """The trap, scaled down: a function slower than the client's read timeout.

    Plain boto3 with botocore's default retry policy re-sends after the read timeout and the
    function runs several times (here with a 1 s read timeout standing in for the default
    60 s). The core, with a read timeout above the function's duration, runs it once and
    returns its result.
    """
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ReadTimeoutError

    plain = boto3.session.Session().client(
        "lambda",
        region_name="us-east-1",
        endpoint_url=fault_endpoint.url,
        aws_access_key_id="AKIDLOCAL",
        aws_secret_access_key="local",
        config=Config(read_timeout=1, retries={"mode": "legacy"}),
    )
    trap_file = tmp_path / "trap.txt"
    with pytest.raises(ReadTimeoutError):
        plain.invoke(
            FunctionName="count", Payload=f'{{"count_file": "{trap_file}", "seconds": 1.5, "tag": "t"}}'
        )
    time.sleep(2)
    tally["plain boto3 with default retries: executions of one call"] += count_executions(trap_file)
    assert count_executions(trap_file) >= 2, "botocore's default policy should have re-sent the invoke"

    once_file = tmp_path / "once.txt"
    outcome = core.invoke(
        "count",
        {"count_file": str(once_file), "seconds": 1.5, "tag": "once"},
        connection=connection(fault_endpoint.url, read_timeout=5.0),
    )
    tally["calls made"] += 1
    tally["executions counted"] += count_executions(once_file)
    assert outcome.result_json["count"] == 1
    assert count_executions(once_file) == 1
