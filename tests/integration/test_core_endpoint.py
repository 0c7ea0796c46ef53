"""The core against the local Lambda endpoint: real boto3, real sockets, real handler code."""

from __future__ import annotations

import base64
import functools
import json
import time

import pytest

import lambda_invocation_core as core
from local_lambda.launcher import RunningEndpoint
from tests.support.connection_settings import SettingsFactory
from tests.support.functions import count_executions

MARKER = "s3cr3t-CORE-5d2e"


@pytest.fixture(scope="module")
def connection(make_settings: SettingsFactory) -> SettingsFactory:
    """make_settings with a 30 s read timeout."""
    return functools.partial(make_settings, read_timeout=30.0)


def test_every_result_field(connection: SettingsFactory, lambda_endpoint: RunningEndpoint) -> None:
    outcome = core.invoke(
        "echo",
        {"marker": MARKER, "n": 1},
        qualifier="$LATEST",
        client_context={"custom": {"token": MARKER}},
        log_type="Tail",
        connection=connection(lambda_endpoint.url),
    )
    assert outcome.status_code == 200
    assert outcome.executed_version == "$LATEST"
    assert outcome.function_error is None
    body = outcome.result_json
    assert body["event"] == {"marker": MARKER, "n": 1}
    assert body["client_context"]["custom"] == {"token": MARKER}
    assert json.loads(outcome.result) == body
    assert outcome.log_result is not None
    assert base64.b64decode(outcome.log_result).decode() == outcome.log_text
    assert f"echo marker={MARKER}" in (outcome.log_text or "")
    assert "START RequestId" in (outcome.log_text or "")


@pytest.mark.parametrize(
    ("name", "qualifier", "version", "code"),
    [
        ("echo", "live", "1", "v1"),
        ("echo:next", None, "2", "v2"),
        ("echo", "3", "3", "latest"),
        ("123456789012:function:echo:live", None, "1", "v1"),
        ("arn:aws:lambda:us-east-1:123456789012:function:echo", "next", "2", "v2"),
        ("arn:aws:lambda:us-east-1:123456789012:function:echo:live", "live", "1", "v1"),
    ],
)
def test_name_forms_and_qualifiers(
    connection: SettingsFactory,
    lambda_endpoint: RunningEndpoint,
    name: str,
    qualifier: str | None,
    version: str,
    code: str,
) -> None:
    outcome = core.invoke(name, {}, qualifier=qualifier, connection=connection(lambda_endpoint.url))
    assert outcome.executed_version == version
    assert outcome.result_json["code"] == code


def test_function_error_reported_and_raised(
    connection: SettingsFactory, lambda_endpoint: RunningEndpoint
) -> None:
    reported = core.invoke(
        "fail", {"message": MARKER}, log_type="Tail", connection=connection(lambda_endpoint.url)
    )
    assert reported.function_error == "Unhandled"
    assert reported.error_type == "ValueError"
    assert reported.result_json["errorMessage"] == MARKER
    with pytest.raises(core.FunctionError) as caught:
        core.invoke(
            "fail",
            {"message": MARKER},
            fail_on_function_error=True,
            connection=connection(lambda_endpoint.url),
        )
    assert str(caught.value) == (
        "Lambda function fail (version $LATEST) failed: Unhandled function error of type ValueError; "
        "the error details are in the secret result"
    )
    assert MARKER not in repr(caught.value)


def test_unknown_function_is_mapped(connection: SettingsFactory, lambda_endpoint: RunningEndpoint) -> None:
    with pytest.raises(core.AwsError) as caught:
        core.invoke("no-such-function", {}, qualifier="live", connection=connection(lambda_endpoint.url))
    error = caught.value
    assert error.code == "ResourceNotFoundException" and error.http_status == 404
    assert error.request_id
    assert "no-such-function with qualifier live was not found" in str(error)


def test_tenant_id_reaches_the_handler(connection: SettingsFactory, lambda_endpoint: RunningEndpoint) -> None:
    outcome = core.invoke("echo", {}, tenant_id="tenant-a/1", connection=connection(lambda_endpoint.url))
    assert outcome.result_json["tenant_id"] == "tenant-a/1"


def test_dry_run_does_not_run_the_handler(
    connection: SettingsFactory, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    outcome = core.invoke(
        "count", {"count_file": count_file}, dry_run=True, connection=connection(lambda_endpoint.url)
    )
    assert outcome.status_code == 204
    time.sleep(0.5)
    assert count_executions(count_file) == 0


def test_read_timeout_runs_the_function_once(
    connection: SettingsFactory, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    """A function slower than the client's read timeout runs exactly once."""
    with pytest.raises(core.InvocationTimeoutError) as caught:
        core.invoke(
            "count",
            {"count_file": count_file, "seconds": 3},
            connection=connection(lambda_endpoint.url, read_timeout=1.0),
        )
    assert "may still be running" in str(caught.value)
    time.sleep(3.5)  # the function finishes; any re-sent request would have run it again
    assert count_executions(count_file) == 1


def test_large_payload_round_trip(connection: SettingsFactory, lambda_endpoint: RunningEndpoint) -> None:
    outcome = core.invoke("big", {"size": 1_000_000}, connection=connection(lambda_endpoint.url))
    assert len(outcome.result) == 1_000_002


def test_lambda_edge_replica_name(connection: SettingsFactory, lambda_endpoint: RunningEndpoint) -> None:
    """Invoke accepts '.' in the name part (Lambda@Edge replicas are '<region>.<name>')."""
    outcome = core.invoke("us-east-1.edge-echo", {"x": 1}, connection=connection(lambda_endpoint.url))
    assert outcome.result_json["function_name"] == "us-east-1.edge-echo"


def test_latest_published_qualifier(connection: SettingsFactory, lambda_endpoint: RunningEndpoint) -> None:
    """$LATEST.PUBLISHED runs the newest published version (echo's versions are 1, 2, 3)."""
    outcome = core.invoke(
        "echo", {}, qualifier="$LATEST.PUBLISHED", connection=connection(lambda_endpoint.url)
    )
    assert outcome.executed_version == "3"
    in_name = core.invoke("echo:$LATEST.PUBLISHED", {}, connection=connection(lambda_endpoint.url))
    assert in_name.executed_version == "3"
    with pytest.raises(core.AwsError) as caught:
        core.invoke("fail", {}, qualifier="$LATEST.PUBLISHED", connection=connection(lambda_endpoint.url))
    assert caught.value.code == "NoPublishedVersionException" and caught.value.http_status == 400


def test_get_function_configuration_for_waiters(lambda_endpoint: RunningEndpoint) -> None:
    """The endpoint answers GetFunctionConfiguration, which amazon.aws waits on before invoking."""
    client = lambda_endpoint.client()
    client.get_waiter("function_active").wait(FunctionName="echo")
    configuration = client.get_function_configuration(FunctionName="echo", Qualifier="live")
    assert (configuration["State"], configuration["LastUpdateStatus"], configuration["Version"]) == (
        "Active",
        "Successful",
        "1",
    )
    assert "Environment" not in configuration
