"""idempotency_key in the Pulumi package: the derived key (same URN and inputs, same key; any
change, a new one), a Create replayed over the real provider host (the engine's pending
create after an interrupted ``pulumi up``) and a lost answer, against Powertools' real
@idempotent handler with DynamoDB on moto's server; ``invoke()`` with an explicit key.
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

import lambda_invocation_core as core
from pulumi_lambda_invocation import DERIVE_IDEMPOTENCY_KEY, LambdaInvocation, invoke
from tests.support.fault_proxy import Relay
from tests.support.functions import count_executions
from tests.support.powertools_endpoint import FUNCTION, PowertoolsEndpoint
from tests.support.pulumi_engine_double import PROVIDER_KEY, EngineDouble
from tests.support.pulumi_provider_host import URN, Host, _configure, _dict, _struct, host_inputs
from tests.support.pulumi_test_settings import REGION

SECRET = "s3cr3t-PULUMI-IDEM-5a1b"


class _Parent(pulumi.ComponentResource):
    def __init__(self, name: str) -> None:
        super().__init__("test:index:Parent", name)


def derived_inputs(
    name: str = "orders", parent: str | None = None, secret_payload: bool = False, **changes: Any
) -> dict[str, Any]:
    """The inputs a program's LambdaInvocation sends to the engine (from a preview)."""
    arguments: dict[str, Any] = {
        "function_name": FUNCTION,
        "payload": {"count_file": "/tmp/none", "order": 7},
        "triggers": {"release": "1"},
        "idempotency_key": DERIVE_IDEMPOTENCY_KEY,
        **changes,
    }

    def program() -> None:
        opts = pulumi.ResourceOptions(parent=_Parent(parent)) if parent else None
        if secret_payload:
            arguments["payload"] = pulumi.Output.secret(arguments["payload"])
        LambdaInvocation(name, opts=opts, **arguments)

    run = EngineDouble({"aws:region": REGION}).preview(program)
    return dict(rpc.deserialize_properties(run.requests[name].object))


def derived_key(name: str = "orders", parent: str | None = None, **changes: Any) -> str:
    value = derived_inputs(name, parent, **changes)["idempotency_key"]
    key = rpc.unwrap_rpc_secret(value)
    assert isinstance(key, str)
    return key


def test_the_same_urn_and_inputs_give_the_same_key() -> None:
    first, second = derived_key(), derived_key()
    assert first == second
    assert re.fullmatch(r"pulumi-[0-9a-f]{64}", first)
    assert core.build_request(FUNCTION, {}, idempotency_key=first).idempotency_key_field == "idempotency_key"


@pytest.mark.parametrize(
    "change",
    [
        {"payload": {"count_file": "/tmp/none", "order": 8}},
        {"triggers": {"release": "2"}},
        {"qualifier": "live"},
        {"idempotency_key_field": "order_key"},
        {"name": "other-orders"},
        {"parent": "a-component"},
    ],
    ids=lambda change: next(iter(change)),
)
def test_a_changed_input_trigger_name_or_parent_gives_a_new_key(change: dict[str, Any]) -> None:
    assert derived_key(**change) != derived_key()


@pytest.mark.parametrize("change", [{"read_timeout": 30.0}, {"fail_on_function_error": False}], ids=str)
def test_a_changed_connection_or_response_input_keeps_the_key(change: dict[str, Any]) -> None:
    assert derived_key(**change) == derived_key()


def test_the_derived_key_is_secret_when_the_payload_is() -> None:
    value = derived_inputs(secret_payload=True)["idempotency_key"]
    assert rpc.is_rpc_secret(value)
    assert rpc.unwrap_rpc_secret(value) == derived_key()  # the same inputs: the same key


def test_a_key_with_crud_scope_is_a_check_failure(host: Host, serialized_provider: str) -> None:
    _configure(host)
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": FUNCTION,
        "payload": "{}",
        "lifecycle_scope": "CRUD",
        "idempotency_key": "k-1",
    }
    failures = [(f.property, f.reason) for f in host.check({}, news).failures]
    assert failures == [
        ("idempotency_key", "cannot be combined with lifecycle_scope CRUD (one key for three actions)")
    ]


def _program_inputs(count_file: Path, endpoint_url: str) -> dict[str, Any]:
    inputs = derived_inputs(
        payload={"count_file": str(count_file), "secret": SECRET, "run": uuid.uuid4().hex},
        endpoint_url=endpoint_url,
    )
    return {name: rpc.unwrap_rpc_secret(value) for name, value in inputs.items()}


def test_a_replayed_create_runs_the_body_once(
    host: Host, powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    """The engine replays a pending create with the same inputs: the same derived key."""
    _configure(host)
    count_file = tmp_path / "runs.txt"
    inputs = host_inputs(host, {}, _program_inputs(count_file, powertools_endpoint.url))
    first = _dict(host.create(inputs).properties)
    replayed = _dict(host.create(inputs).properties)
    assert json.loads(first["result"])["secret"] == SECRET
    assert json.loads(replayed["result"]) == json.loads(first["result"])
    assert count_executions(count_file) == 1
    tally["idempotency (Pulumi provider host, replayed create): body runs"] += count_executions(count_file)


def test_an_update_of_a_connection_input_is_answered_with_the_stored_result(
    host: Host, powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    _configure(host)
    count_file = tmp_path / "runs.txt"
    news = _program_inputs(count_file, powertools_endpoint.url)
    created = host.create(host_inputs(host, {}, news))
    olds = _dict(created.properties)
    changed = host_inputs(host, olds, {**news, "read_timeout": 30.0})
    diff = host.diff(created.id, olds, changed)
    assert diff.changes == provider_pb2.DiffResponse.DIFF_SOME and list(diff.replaces) == []
    request = provider_pb2.UpdateRequest(id=created.id, urn=URN, olds=_struct(olds), news=_struct(changed))
    updated = _dict(host.call("Update", request).properties)
    assert json.loads(updated["result"]) == json.loads(olds["result"])
    assert count_executions(count_file) == 1
    tally["idempotency (Pulumi provider host, update of read_timeout, derived key): body runs"] += 1


def test_a_create_whose_answer_is_lost_gets_the_result_and_runs_once(
    host: Host, powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    _configure(host)
    count_file = tmp_path / "runs.txt"
    relay = Relay(urlparse(powertools_endpoint.url).port or 0, tally, "drop", faulty_connections=1)
    try:
        inputs = host_inputs(host, {}, _program_inputs(count_file, relay.url))
        created = _dict(host.create(inputs).properties)
    finally:
        relay.close()
    assert json.loads(created["result"])["secret"] == SECRET
    assert json.loads(created["result"])["body_runs"] == 1
    assert relay.faults == 1 and relay.connections == 2
    assert count_executions(count_file) == 1
    tally["idempotency (Pulumi provider host, drop, derived key): body runs"] += count_executions(count_file)


def test_a_create_without_a_key_whose_answer_is_lost_fails_and_runs_once(
    host: Host,
    serialized_provider: str,
    powertools_endpoint: PowertoolsEndpoint,
    tmp_path: Path,
    tally: Counter[str],
) -> None:
    import grpc

    _configure(host)
    count_file = tmp_path / "runs.txt"
    relay = Relay(urlparse(powertools_endpoint.url).port or 0, tally, "drop", faulty_connections=1)
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": FUNCTION,
        "payload": json.dumps({"count_file": str(count_file), "secret": SECRET}),
        "endpoint_url": relay.url,
    }
    try:
        with pytest.raises(grpc.RpcError) as caught:
            host.create(host_inputs(host, {}, news))
    finally:
        relay.close()
    details = str(caught.value.details())
    assert "Not retried, to avoid a second invocation" in details and SECRET not in details
    assert relay.connections == 1
    assert count_executions(count_file) == 1
    tally["idempotency (Pulumi provider host, drop, no key): body runs"] += count_executions(count_file)


def test_invoke_with_an_explicit_key_recovers_a_lost_answer(
    powertools_endpoint: PowertoolsEndpoint, tmp_path: Path, tally: Counter[str]
) -> None:
    count_file = tmp_path / "runs.txt"
    relay = Relay(urlparse(powertools_endpoint.url).port or 0, tally, "drop", faulty_connections=1)
    outputs: dict[str, Any] = {}

    def program() -> None:
        result = invoke(
            FUNCTION,
            {"count_file": str(count_file), "secret": SECRET},
            idempotency_key=f"invoke-{uuid.uuid4()}",
            endpoint_url=relay.url,
        )
        pulumi.export("body_runs", result.apply(lambda r: r.result_json["body_runs"]))

    try:
        run = EngineDouble({"aws:region": REGION}).up(program)
        outputs["body_runs"] = run.value("body_runs")
    finally:
        relay.close()
    assert outputs["body_runs"] == 1
    assert relay.faults == 1 and relay.connections == 2
    assert count_executions(count_file) == 1
    tally["idempotency (Pulumi invoke(), drop, explicit key): body runs"] += count_executions(count_file)


def test_invoke_refuses_the_derive_marker() -> None:
    with pytest.raises(core.ValidationError) as caught:
        invoke(FUNCTION, {}, idempotency_key=DERIVE_IDEMPOTENCY_KEY)
    assert caught.value.field == "idempotency_key" and "explicit key" in caught.value.rule
