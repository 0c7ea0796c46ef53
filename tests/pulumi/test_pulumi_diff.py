"""Diffs re-invoke only when the request changes (issue 20, item 5).

Over Pulumi's real provider host (gRPC, as the engine drives it: Diff and Update get the
stored outputs as ``olds``) and under the engine double (a whole program, the
secret outputs in state).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import LambdaInvocation, schema
from tests.support.functions import count_executions
from tests.support.pulumi_engine_double import PROVIDER_KEY, EngineDouble
from tests.support.pulumi_provider_host import (
    URN,
    Host,
    _configure,
    _dict,
    _struct,
    host_inputs,
    provider_host,
)
from tests.support.pulumi_test_settings import REGION
from tests.support.recording_lambda import RecordingLambda, recording_lambda

DIFF_NONE = provider_pb2.DiffResponse.DIFF_NONE
DIFF_SOME = provider_pb2.DiffResponse.DIFF_SOME


@pytest.fixture
def recording() -> Iterator[RecordingLambda]:
    with recording_lambda() as endpoint:
        yield endpoint


def update(host: Host, id_: str, olds: dict[str, Any], news: dict[str, Any]) -> dict[str, Any]:
    request = provider_pb2.UpdateRequest(id=id_, urn=URN, olds=_struct(olds), news=_struct(news))
    return _dict(host.call("Update", request).properties)


def test_connection_only_changes_update_without_invoking(
    host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    _configure(host)
    payload = {"count_file": count_file, "a": 1, "nested": {"x": [1, 2], "y": True}}
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "count",
        "payload": json.dumps(payload),
        "endpoint_url": lambda_endpoint.url,
    }
    created = host.create(host_inputs(host, {}, news))
    outs = _dict(created.properties)
    assert count_executions(count_file) == 1

    # The same document with its keys in another order and other spacing: no change.
    reordered = {"nested": {"y": True, "x": [1, 2]}, "a": 1, "count_file": count_file}
    same = {**news, "payload": json.dumps(reordered, indent=2)}
    assert host.diff(created.id, outs, host_inputs(host, outs, same)).changes == DIFF_NONE

    # Connection-only inputs and the failure policy: an update (the new inputs are recorded),
    # not a replace, and the update does not invoke; the stored answer stays.
    for name, value in schema_connection_changes().items():
        changed = host_inputs(host, outs, {**same, name: value})
        diff = host.diff(created.id, outs, changed)
        assert (diff.changes, list(diff.replaces)) == (DIFF_SOME, []), name
        updated = update(host, created.id, outs, changed)
        assert updated[name] == value
        assert updated["result"] == outs["result"] and updated["effective_region"] == REGION
        assert count_executions(count_file) == 1, name

    # The request itself: another value (1.0 is not 1) replaces in CREATE_ONLY scope ...
    other = {**news, "payload": json.dumps({**payload, "a": 1.0})}
    diff = host.diff(created.id, outs, host_inputs(host, outs, other))
    assert (diff.changes, list(diff.replaces)) == (DIFF_SOME, ["payload"])
    # ... and any other request input is an update that invokes.
    tail = host_inputs(host, outs, {**same, "log_type": "Tail"})
    diff = host.diff(created.id, outs, tail)
    assert (diff.changes, list(diff.replaces)) == (DIFF_SOME, [])
    updated = update(host, created.id, outs, tail)
    assert json.loads(updated["result"])["count"] == 2
    assert count_executions(count_file) == 2


def schema_connection_changes() -> dict[str, Any]:
    """A new value for every input that is neither part of the request nor where it goes."""
    values: dict[str, Any] = {
        "read_timeout": 30.0,
        "profile": "elsewhere",
        "fail_on_function_error": False,
        "lifecycle_scope": "CRUD",
        "terraform_key": "lifecycle",
    }
    skipped = {*schema.INVOKING_NAMES, *schema.REPLACE_NAMES}
    # Each of these needs role_arn with it; role_arn itself is tested here.
    role_companions = {"role_session_name", "external_id", "role_duration"}
    expected = {name for name in schema.INPUT_NAMES if name not in skipped} - role_companions - {"role_arn"}
    assert set(values) == expected  # a new input gets a value here
    return values


def test_a_new_role_updates_without_invoking(
    host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    _configure(host)
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "count",
        "payload": json.dumps({"count_file": count_file}),
        "endpoint_url": lambda_endpoint.url,
    }
    created = host.create(host_inputs(host, {}, news))
    outs = _dict(created.properties)
    role = {
        "role_arn": "arn:aws:iam::123456789012:role/other",
        "role_session_name": "other-session",
        "role_duration": 900,
    }
    changed = host_inputs(host, outs, {**news, **role})
    diff = host.diff(created.id, outs, changed)
    assert (diff.changes, list(diff.replaces)) == (DIFF_SOME, [])
    assert update(host, created.id, outs, changed)["role_arn"] == role["role_arn"]
    assert count_executions(count_file) == 1


def test_the_create_s_region_and_endpoint_are_stored_and_used(
    host: Host,
    serialized_provider: str,
    recording: RecordingLambda,
    lambda_endpoint: RunningEndpoint,
    tmp_path: Path,
) -> None:
    # The stack says eu-central-1 and the recording endpoint at create ...
    _configure(host, region="eu-central-1", **{"aws:endpoints": [{"lambda": recording.url}]})
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "echo",
        "payload": json.dumps({"step": "create"}),
        "lifecycle_scope": "CRUD",
    }
    inputs = host_inputs(host, {}, news)
    created = host.create(inputs)
    outs = _dict(created.properties)
    assert (outs["effective_region"], outs["effective_endpoint_url"]) == ("eu-central-1", recording.url)

    # ... a later run's stack says another region and endpoint (a host of its own, as the
    # engine starts one per run).
    with provider_host(sys.executable, tmp_path, dict(os.environ)) as later:
        _configure(later, region="us-west-2", **{"aws:endpoints": [{"lambda": lambda_endpoint.url}]})
        diff = later.diff(created.id, outs, host_inputs(later, outs, news))
        # A replace, said in the diff: the properties are the ones whose target moved.
        assert (diff.changes, list(diff.replaces)) == (DIFF_SOME, ["region", "endpoint_url"])

        # The region input set to the stored value is no move (an update without invoking) ...
        pinned = host_inputs(later, outs, {**news, "region": "eu-central-1", "endpoint_url": recording.url})
        diff = later.diff(created.id, outs, pinned)
        assert (diff.changes, list(diff.replaces)) == (DIFF_SOME, [])
        # ... and an update and the delete go where the create went, not to the stack's new ones.
        changed = host_inputs(later, outs, {**news, "payload": json.dumps({"step": "update"})})
        updated = update(later, created.id, outs, changed)
        assert (updated["effective_region"], updated["effective_endpoint_url"]) == (
            "eu-central-1",
            recording.url,
        )
        later.call("Delete", provider_pb2.DeleteRequest(id=created.id, urn=URN, properties=_struct(updated)))
    # create, update, delete: all three in the create's region, on the create's endpoint.
    assert [(seen.function_name, seen.region) for seen in recording.seen()] == [("echo", "eu-central-1")] * 3


def test_a_state_without_stored_targets_compares_the_inputs(
    host: Host, serialized_provider: str, lambda_endpoint: RunningEndpoint
) -> None:
    # State written before the effective region and endpoint were stored.
    _configure(host)
    olds = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "echo",
        "payload": "{}",
        "endpoint_url": lambda_endpoint.url,
        "lifecycle_scope": "CREATE_ONLY",
        "terraform_key": "tf",
        "fail_on_function_error": True,
        "result": "{}",
        "status_code": 200,
    }
    news = {
        PROVIDER_KEY: serialized_provider,
        "function_name": "echo",
        "payload": "{ }",
        "endpoint_url": lambda_endpoint.url,
    }
    assert host.diff("id", olds, host_inputs(host, olds, news)).changes == DIFF_NONE
    diff = host.diff("id", olds, host_inputs(host, olds, {**news, "region": "eu-west-1"}))
    assert list(diff.replaces) == ["region"]
    # An update that does not invoke keeps the state as it was; one that invokes stores them.
    kept = update(host, "id", olds, host_inputs(host, olds, {**news, "read_timeout": 30.0}))
    assert "effective_region" not in kept
    invoked = update(host, "id", olds, host_inputs(host, olds, {**news, "log_type": "Tail"}))
    assert (invoked["effective_region"], invoked["effective_endpoint_url"]) == (REGION, lambda_endpoint.url)


# -- a whole program under the engine double --------------------------------------------------


def program(endpoint: str, count_file: str, payload: dict[str, Any], **inputs: Any) -> Callable[[], None]:
    def run() -> None:
        res = LambdaInvocation(
            "inv",
            function_name="count",
            payload={"count_file": count_file, **payload},
            endpoint_url=endpoint,
            **inputs,
        )
        pulumi.export("result", res.result)

    return run


def test_program_reruns_invoke_only_for_a_new_request(
    lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    engine = EngineDouble({"aws:region": REGION})
    url = lambda_endpoint.url
    assert engine.up(program(url, count_file, {"a": 1, "b": 2})).steps == [("create", "inv")]
    first = engine.entry("inv").outputs["result"]
    # Another key order of the same dict: the text differs, the document does not.
    assert engine.up(program(url, count_file, {"b": 2, "a": 1})).steps == [("same", "inv")]
    run = engine.up(
        program(url, count_file, {"b": 2, "a": 1}, read_timeout=120, fail_on_function_error=False)
    )
    assert run.steps == [("update", "inv")]
    assert count_executions(count_file) == 1
    entry = engine.entry("inv")
    # The stored answer is kept, still secret in state and in the stack's outputs.
    assert entry.outputs["result"] == first and entry.inputs["read_timeout"] == 120
    assert set(schema.SECRET_OUTPUTS) <= entry.secret_outputs
    assert run.is_secret("result") and rpc.unwrap_rpc_secret(run.stack_outputs["result"]) == first

    # The stack's region moves: a replace, which invokes in the new region.
    engine.config["aws:region"] = "eu-west-1"
    engine._providers.clear()  # a new run configures the provider anew
    run = engine.up(
        program(url, count_file, {"b": 2, "a": 1}, read_timeout=120, fail_on_function_error=False)
    )
    assert run.steps[0] == ("replace", "inv")
    assert engine.entry("inv").outputs["effective_region"] == "eu-west-1"
    assert count_executions(count_file) == 2
