"""Pulumi's real Python provider host (``python -u -m pulumi.dynamic``), driven over gRPC.

The host runs in its own process from a neutral directory, so it imports the provider
class from the *installed* package, exactly as it does under the Pulumi CLI. The requests
are the ones the engine sends (Configure with the stack's ``aws:region``, Check, Diff,
Create, Read, Update, Delete) with secrets already stripped, carrying the ``__provider``
that a real ``LambdaInvocation`` serialized.
"""

from __future__ import annotations

import base64
import json
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import dill  # type: ignore[import-untyped]
import grpc
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

import pulumi_lambda_invocation
from local_lambda.launcher import RunningEndpoint
from tests.support.functions import count_executions
from tests.support.pulumi_engine_double import PROVIDER_KEY
from tests.support.pulumi_provider_host import (
    URN,
    Host,
    _configure,
    _dict,
    _struct,
    host_inputs,
)
from tests.support.pulumi_test_settings import (
    PLANTED,
    REGION,
    STACK_ACCESS_KEY,
    STACK_SECRET_KEY,
    STACK_SESSION_TOKEN,
)
from tests.support.recording_lambda import RecordingLambda, recording_lambda

SECRET_MARKER = "host-payload-marker-77e1"


def test_lifecycle_through_the_provider_host(
    host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    _configure(host)
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "count",
        "payload": json.dumps({"count_file": count_file, "tag": "one", "marker": SECRET_MARKER}),
        "lifecycle_scope": "CRUD",
        "log_type": "Tail",
        "endpoint_url": lambda_endpoint.url,
    }
    checked = host.check({}, news)
    assert list(checked.failures) == []
    inputs = _dict(checked.inputs)
    assert inputs["terraform_key"] == "tf" and inputs["fail_on_function_error"] is True

    created = host.create(inputs)
    assert len(created.id) == 32 and SECRET_MARKER not in created.id
    outs = _dict(created.properties)
    assert json.loads(outs["result"])["count"] == 1
    assert outs["result_json"]["count"] == 1
    assert outs["executed_version"] == "$LATEST"
    assert outs["status_code"] == 200
    assert "count executions=1" in base64.b64decode(outs["log_result"]).decode()
    assert "function_error" not in outs
    assert outs[PROVIDER_KEY] == serialized_provider
    assert count_executions(count_file) == 1

    # An unchanged program: Diff says nothing changed; refresh (Read) never invokes.
    same = host.diff(created.id, outs, host_inputs(host, outs, news))
    assert same.changes == provider_pb2.DiffResponse.DIFF_NONE
    read = host.call("Read", provider_pb2.ReadRequest(id=created.id, urn=URN, properties=_struct(outs)))
    assert read.id == created.id and _dict(read.properties) == outs
    assert count_executions(count_file) == 1

    # A new payload in CRUD scope: an update that tells the function so.
    news2 = {**news, "payload": json.dumps({"count_file": count_file, "tag": "two"})}
    inputs2 = host_inputs(host, outs, news2)
    changed = host.diff(created.id, outs, inputs2)
    assert changed.changes == provider_pb2.DiffResponse.DIFF_SOME
    assert list(changed.replaces) == []
    updated = host.call(
        "Update",
        provider_pb2.UpdateRequest(id=created.id, urn=URN, olds=_struct(outs), news=_struct(inputs2)),
    )
    outs2 = _dict(updated.properties)
    assert json.loads(outs2["result"])["count"] == 2
    assert count_executions(count_file) == 2

    # Triggers replace.
    triggered = host.diff(created.id, outs2, host_inputs(host, outs2, {**news2, "triggers": {"run": "2"}}))
    assert list(triggered.replaces) == ["triggers"]

    # Destroy in CRUD scope invokes once more.
    host.call("Delete", provider_pb2.DeleteRequest(id=created.id, urn=URN, properties=_struct(outs2)))
    assert count_executions(count_file) == 3

    _assert_no_leak(host, serialized_provider)


def test_check_failures_name_the_field_and_never_the_value(host: Host, serialized_provider: str) -> None:
    _configure(host)
    checked = host.check(
        {},
        {
            PROVIDER_KEY: serialized_provider,
            "function_name": SECRET_MARKER + " !",
            "payload": "{" + SECRET_MARKER,
            "client_context": SECRET_MARKER + "!",
            "qualifier": "has space",
            "endpoint_url": "ftp://example.com",
            "fail_on_function_error": "yes",
        },
    )
    failures = {f.property: f.reason for f in checked.failures}
    assert set(failures) == {
        "function_name",
        "payload",
        "client_context",
        "qualifier",
        "endpoint_url",
        "fail_on_function_error",
    }
    assert failures["payload"].startswith("must be valid JSON text")
    # The inputs go back to the engine as given; the failures never repeat a value.
    assert all(SECRET_MARKER not in reason for reason in failures.values())


def test_check_in_preview_skips_unknown_inputs(host: Host, serialized_provider: str) -> None:
    _configure(host)
    checked = host.check(
        {},
        {
            PROVIDER_KEY: serialized_provider,
            "function_name": rpc.UNKNOWN,
            "payload": rpc.UNKNOWN,
            "log_type": "Loud",
        },
    )
    assert [(f.property, f.reason) for f in checked.failures] == [("log_type", "must be 'None' or 'Tail'")]


def test_errors_reach_the_engine_without_secrets(
    host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint
) -> None:
    _configure(host)
    base = {PROVIDER_KEY: serialized_provider, "endpoint_url": lambda_endpoint.url}
    with pytest.raises(grpc.RpcError) as missing:
        host.create({**base, "function_name": "no-such-function", "payload": json.dumps([SECRET_MARKER])})
    assert "ResourceNotFoundException" in str(missing.value.details())
    with pytest.raises(grpc.RpcError) as failed:
        host.create({**base, "function_name": "fail", "payload": json.dumps({"message": SECRET_MARKER})})
    details = str(failed.value.details())
    assert "FunctionError" in details and "ValueError" in details
    for text in (str(missing.value.details()), details):
        assert SECRET_MARKER not in text
    _assert_no_leak(host, serialized_provider)


def test_region_is_required_without_stack_config(host: Host, serialized_provider: str) -> None:
    host.call("Configure", provider_pb2.ConfigureRequest(args=_struct({}), acceptSecrets=True))
    with pytest.raises(grpc.RpcError) as failed:
        host.create({PROVIDER_KEY: serialized_provider, "function_name": "echo", "payload": "{}"})
    assert "region: is required" in str(failed.value.details())


def test_concurrent_creates(host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint) -> None:
    _configure(host)

    def create(index: int) -> tuple[str, Any]:
        response = host.create(
            {
                PROVIDER_KEY: serialized_provider,
                "function_name": "sleep",
                "payload": json.dumps({"seconds": 0.3, "index": index}),
                "endpoint_url": lambda_endpoint.url,
            }
        )
        return response.id, _dict(response.properties)

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(create, range(4)))
    assert len({id_ for id_, _ in results}) == 4
    assert all(outs["status_code"] == 200 for _, outs in results)
    started = [json.loads(outs["result"])["started"] for _, outs in results]
    assert max(started) - min(started) < 0.3  # ran side by side, not one after another
    _assert_no_leak(host, serialized_provider)


def _assert_no_leak(host: Host, serialized_provider: str) -> None:
    raw = base64.b64decode(serialized_provider)
    everything = b"".join(host.answers) + raw + serialized_provider.encode()
    for planted in PLANTED:
        assert planted.encode() not in everything, planted


def test_serialized_provider_is_a_small_reference(serialized_provider: str) -> None:
    raw = base64.b64decode(serialized_provider)
    assert len(serialized_provider) <= 120
    assert b"pulumi_lambda_invocation.provider" in raw
    # A reference: nothing but the module and the class name, no code, no state.
    assert raw.count(b"\x8c") == 2, raw
    provider = dill.loads(raw)
    assert type(provider) is pulumi_lambda_invocation.LambdaInvocationProvider
    assert vars(provider) == {}


@pytest.fixture
def sts_environment(sts_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    # Set before the host starts: the host inherits it.
    monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts_url)
    return sts_url


def test_role_assumption_through_the_host(
    sts_environment: str, host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint
) -> None:
    _configure(host)
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "echo",
        "payload": "{}",
        "endpoint_url": lambda_endpoint.url,
        "role_arn": "arn:aws:iam::123456789012:role/invoker",
        "role_session_name": "pulumi-test",
        "role_duration": 900,  # a float on the wire; the core wants a whole number
    }
    inputs = host_inputs(host, {}, news)
    created = host.create(inputs)
    assert _dict(created.properties)["status_code"] == 200

    bad = host.check({}, {**news, "role_arn": None})
    assert [(f.property, f.reason) for f in bad.failures] == [
        ("role_session_name", "needs role_arn"),
        ("role_duration", "needs role_arn"),
    ]
    bad = host.check({}, {**news, "role_duration": 60})
    assert [(f.property, f.reason) for f in bad.failures] == [
        ("role_duration", "must be a whole number of seconds from 900 to 43200")
    ]
    _assert_no_leak(host, serialized_provider)


# -- the stack's aws:* configuration, as pulumi-aws reads it --------------------------------


@pytest.fixture
def recording() -> Iterator[RecordingLambda]:
    with recording_lambda() as endpoint:
        yield endpoint


def test_stack_endpoint_region_and_static_credentials(
    host: Host,
    serialized_provider: str,
    recording: RecordingLambda,
    lambda_endpoint: RunningEndpoint,
    count_file: str,
) -> None:
    _configure(
        host,
        region="eu-central-1",
        **{
            "aws:endpoints": [{"lambda": recording.url}],
            "aws:accessKey": STACK_ACCESS_KEY,
            "aws:secretKey": rpc.wrap_rpc_secret(STACK_SECRET_KEY),
            "aws:token": rpc.wrap_rpc_secret(STACK_SESSION_TOKEN),
        },
    )
    created = host.create({PROVIDER_KEY: serialized_provider, "function_name": "echo", "payload": "{}"})
    assert _dict(created.properties)["status_code"] == 200
    [seen] = recording.seen()
    # The stack's endpoint, region and static credentials (not the environment's) signed it.
    assert (seen.function_name, seen.access_key_id, seen.region) == ("echo", STACK_ACCESS_KEY, "eu-central-1")
    assert seen.security_token == STACK_SESSION_TOKEN

    # An explicit input wins over the stack: this one runs on the local endpoint.
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "count",
        "payload": json.dumps({"count_file": count_file}),
        "endpoint_url": lambda_endpoint.url,
    }
    assert _dict(host.create(host_inputs(host, {}, news)).properties)["status_code"] == 200
    assert count_executions(count_file) == 1
    assert len(recording.seen()) == 1
    # Neither the state (the answers) nor __provider holds the stack's credentials.
    _assert_no_leak(host, serialized_provider)


@pytest.mark.parametrize("shape", ["objects", "json text"])
def test_stack_role_chain_through_sts_is_what_signs(
    shape: str, host: Host, serialized_provider: str, recording: RecordingLambda, sts_url: str
) -> None:
    session_name = f"pulumi-{uuid.uuid4().hex[:12]}"
    external_id = f"ext-{uuid.uuid4().hex}"
    roles: list[dict[str, Any]] = [
        {
            "roleArn": f"arn:aws:iam::{ROLE_ACCOUNT}:role/invoker",
            "sessionName": session_name,
            "externalId": external_id,
            "duration": "15m",
        },
        {
            "roleArn": f"arn:aws:iam::{ROLE_ACCOUNT}:role/second",
            "sessionName": session_name + "-2",
            "policy": '{"Version":"2012-10-17","Statement":[]}',
            "policyArns": ["arn:aws:iam::aws:policy/ReadOnlyAccess"],
            "tags": {"team": "billing"},
            "transitiveTagKeys": ["team"],
        },
    ]
    endpoints = [{"lambda": recording.url, "sts": sts_url}]
    config: dict[str, Any] = {"aws:assumeRoles": roles, "aws:endpoints": endpoints}
    if shape == "json text":
        config = {key: json.dumps(value) for key, value in config.items()}
    started = time.time()
    _configure(host, **config)

    created = host.create({PROVIDER_KEY: serialized_provider, "function_name": "echo", "payload": "{}"})
    assert _dict(created.properties)["status_code"] == 200

    # moto's STS issued both roles, in order, the first with the stack's session name,
    # external id and duration ...
    issued = {role.session_name: role for role in _assumed_roles(ROLE_ACCOUNT)}
    first, second = issued[session_name], issued[session_name + "-2"]
    assert first.role_arn == roles[0]["roleArn"] and second.role_arn == roles[1]["roleArn"]
    assert first.external_id == external_id
    lifetime = first.expiration.timestamp() - started
    assert 900 - 120 < lifetime <= 900 + 5, lifetime
    # ... and the last role's credentials, not the first's nor the base ones, signed the Invoke.
    [seen] = recording.seen()
    assert seen.access_key_id == second.access_key_id != first.access_key_id
    assert str(seen.access_key_id).startswith("ASIA")
    assert seen.security_token == second.session_token
    assert seen.access_key_id not in PLANTED
    _assert_no_leak(host, serialized_provider)
    answers = b"".join(host.answers)
    for role in (first, second):
        for secret in (role.secret_access_key, role.session_token):
            assert secret.encode() not in answers
    assert external_id.encode() not in answers


def test_an_unsupported_role_key_is_refused_by_name_before_any_call(
    host: Host, serialized_provider: str, recording: RecordingLambda
) -> None:
    role = {"roleArn": f"arn:aws:iam::{ROLE_ACCOUNT}:role/invoker", "serialNumber": "arn:aws:iam::1:mfa/u"}
    config: dict[str, Any] = {"aws:assumeRoles": [role], "aws:endpoints": [{"lambda": recording.url}]}
    _configure(host, **config)
    with pytest.raises(grpc.RpcError) as failed:
        host.create({PROVIDER_KEY: serialized_provider, "function_name": "echo", "payload": "{}"})
    assert "aws:assumeRoles[0].serialNumber: is not supported here" in str(failed.value.details())
    assert recording.seen() == []


def test_stack_forbidden_account_is_refused_before_invoking(
    host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint, sts_url: str, count_file: str
) -> None:
    forbidden: dict[str, Any] = {
        "aws:forbiddenAccountIds": [MOTO_ACCOUNT],
        "aws:endpoints": [{"lambda": lambda_endpoint.url, "sts": sts_url}],
    }
    _configure(host, **forbidden)
    payload = json.dumps({"count_file": count_file})
    # A bare name: the target is the caller's own account, which STS (moto) says is MOTO_ACCOUNT.
    # A full ARN: the account in it decides.
    for function_name in ("count", f"arn:aws:lambda:{REGION}:{MOTO_ACCOUNT}:function:count"):
        with pytest.raises(grpc.RpcError) as refused:
            host.create(
                {PROVIDER_KEY: serialized_provider, "function_name": function_name, "payload": payload}
            )
        details = str(refused.value.details())
        assert "AccountNotAllowedError" in details
        assert f"account {MOTO_ACCOUNT} is in forbidden_account_ids; the function was not invoked" in details
    assert count_executions(count_file) == 0
    _assert_no_leak(host, serialized_provider)


def test_stack_user_agents_and_skip_requesting_account_id_reach_the_calls(
    host: Host, serialized_provider: str, recording: RecordingLambda
) -> None:
    _configure(
        host,
        **{
            "aws:endpoints": [{"lambda": recording.url, "sts": recording.url}],
            "aws:accessKey": STACK_ACCESS_KEY,
            "aws:secretKey": rpc.wrap_rpc_secret(STACK_SECRET_KEY),
            "aws:allowedAccountIds": [MOTO_ACCOUNT],
            "aws:skipRequestingAccountId": "true",
            "aws:userAgents": ["deploy-pipeline/1.2 (billing)"],
            "aws:maxRetries": 2,
            "aws:retryMode": "adaptive",
        },
    )
    # A bare name would need STS's answer for the account, which the stack said not to ask.
    with pytest.raises(grpc.RpcError) as refused:
        host.create({PROVIDER_KEY: serialized_provider, "function_name": "echo", "payload": "{}"})
    assert "function_name: must be a function ARN" in str(refused.value.details())
    assert recording.seen() == []
    arn = f"arn:aws:lambda:{REGION}:{MOTO_ACCOUNT}:function:echo"
    created = host.create({PROVIDER_KEY: serialized_provider, "function_name": arn, "payload": "{}"})
    assert _dict(created.properties)["status_code"] == 200
    [seen] = recording.seen()
    assert seen.function_name == arn and "deploy-pipeline/1.2 (billing)" in (seen.user_agent or "")
    _assert_no_leak(host, serialized_provider)


def test_unreadable_stack_configuration_names_the_key(host: Host, serialized_provider: str) -> None:
    _configure(host, **{"aws:assumeRoles": "[{not json"})
    with pytest.raises(grpc.RpcError) as failed:
        host.create({PROVIDER_KEY: serialized_provider, "function_name": "echo", "payload": "{}"})
    assert "aws:assumeRoles: must be valid JSON text or an object" in str(failed.value.details())


ROLE_ACCOUNT = "210987654321"
MOTO_ACCOUNT = "123456789012"  # the account of moto's caller identity


def _assumed_roles(account_id: str) -> list[Any]:
    from moto.sts.models import sts_backends

    return list(sts_backends[account_id]["aws"].assumed_roles)
