"""LambdaInvocation and invoke() under the engine double, against the local endpoint.

The double (tests/support/pulumi_engine_double.py) plays the engine's steps in process; the
behaviours the engine owns are proved under the real CLI in tests/pulumi_engine.

The provider runs in this process (as the engine's stand-in calls it), the functions run
for real in the local endpoint; ``count`` proves how often a function actually ran.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

import pulumi
import pytest

import lambda_invocation_core
import pulumi_lambda_invocation as pli
from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import LambdaInvocation, LambdaInvocationArgs
from tests.support.functions import count_executions
from tests.support.pulumi_engine_double import PROVIDER_KEY, CheckFailedError, EngineDouble
from tests.support.pulumi_test_settings import PLANTED, REGION

SECRET_MARKER = "payload-secret-marker-4f9a"


@pytest.fixture
def engine() -> EngineDouble:
    return EngineDouble({"aws:region": REGION})


@pytest.fixture
def sent(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Every request the provider sends, as the core received it (payload parsed)."""
    calls: list[dict[str, Any]] = []
    real_send = lambda_invocation_core.send

    def spy(request: Any, connection: Any, **kwargs: Any) -> Any:
        calls.append({"function_name": request.function_name, "payload": json.loads(request.payload)})
        return real_send(request, connection, **kwargs)

    monkeypatch.setattr(lambda_invocation_core, "send", spy)
    return calls


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def export_all(resource: LambdaInvocation) -> None:
    for name in ("result", "result_json", "executed_version", "function_error", "log_result", "status_code"):
        pulumi.export(name, getattr(resource, name))


def test_create_sets_every_output_and_keeps_result_secret(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint
) -> None:
    payload = {"marker": SECRET_MARKER, "n": 1, "items": [1, 2.5, "x"], "nested": {"ok": True}}
    seen_types: dict[str, type] = {}

    def program() -> None:
        res = LambdaInvocation(
            "seed", function_name="echo", payload=payload, log_type="Tail", endpoint_url=lambda_endpoint.url
        )
        export_all(res)
        res.status_code.apply(lambda v: seen_types.setdefault("status_code", type(v)))

    run = engine.up(program)

    assert run.steps == [("create", "seed")]
    result = json.loads(run.value("result"))
    assert result["event"] == payload  # integers stay integers: serialized in the program
    assert '"n":1,' in json.dumps(result["event"], separators=(",", ":"))
    assert result["function_name"] == "echo"
    # Pulumi's property format drops null-valued keys (and has no integers): result_json is
    # the convenient form, result the exact one.
    assert run.value("result_json") == without_nulls(result)
    assert run.value("executed_version") == "$LATEST"
    assert run.value("function_error") is None
    assert run.value("status_code") == 200
    assert seen_types["status_code"] is int
    log = base64.b64decode(run.value("log_result")).decode()
    assert f"echo marker={SECRET_MARKER}" in log
    assert "START RequestId" in log

    for name in ("result", "result_json", "log_result"):
        assert run.is_secret(name), name
    for name in ("executed_version", "status_code"):
        assert not run.is_secret(name), name
    entry = engine.entry("seed")
    assert {"result", "log_result", "result_json"} <= entry.secret_outputs
    # The id is random: no payload, no result.
    assert re.fullmatch(r"[0-9a-f]{32}", entry.id)
    assert entry.outputs["payload"] == json.dumps(payload, separators=(",", ":"))


def test_user_options_survive_and_merge(engine: EngineDouble, lambda_endpoint: RunningEndpoint) -> None:
    def program() -> None:
        LambdaInvocation(
            "seed",
            LambdaInvocationArgs(function_name="echo", payload="{}", endpoint_url=lambda_endpoint.url),
            pulumi.ResourceOptions(
                additional_secret_outputs=["executed_version", "result"],
                protect=True,
                delete_before_replace=True,
                ignore_changes=["client_context"],
                replace_on_changes=["log_type"],
            ),
        )

    run = engine.up(program)
    request = run.requests["seed"]
    secret = list(request.additionalSecretOutputs)
    assert sorted(secret) == sorted(["executed_version", "result", "log_result", "result_json"])
    assert len(secret) == len(set(secret))
    assert request.protect is True
    assert request.deleteBeforeReplace is True
    assert list(request.ignoreChanges) == ["client_context"]
    assert list(request.replaceOnChanges) == ["log_type"]
    assert "executed_version" in engine.entry("seed").secret_outputs


def counting_program(endpoint: str, count_file: str, **overrides: Any) -> Callable[[], None]:
    def program() -> None:
        args: dict[str, Any] = {
            "function_name": "count",
            "payload": {"count_file": count_file, "tag": overrides.pop("tag", "first")},
            "endpoint_url": endpoint,
            **overrides,
        }
        res = LambdaInvocation("counter", **args)
        pulumi.export("result", res.result)

    return program


def test_invokes_on_create_and_changes_never_on_rerun_refresh_or_create_only_destroy(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    url = lambda_endpoint.url

    def up(**overrides: Any) -> list[tuple[str, str]]:
        return engine.up(counting_program(url, count_file, **overrides)).steps

    assert up(triggers={"build": "1"}) == [("create", "counter")]
    assert count_executions(count_file) == 1
    first_id = engine.entry("counter").id

    assert up(triggers={"build": "1"}) == [("same", "counter")]
    assert engine.refresh() == [("refresh", "counter")]
    assert count_executions(count_file) == 1
    assert engine.entry("counter").id == first_id

    # A trigger change replaces (Terraform's ForceNew) and invokes once.
    assert up(triggers={"build": "2"}) == [("replace", "counter"), ("delete-replaced", "counter")]
    assert count_executions(count_file) == 2
    # In CREATE_ONLY scope a new payload is a new invocation, too.
    assert up(triggers={"build": "2"}, tag="second")[0] == ("replace", "counter")
    assert count_executions(count_file) == 3
    # Any other input: an update, which invokes.
    assert up(triggers={"build": "2"}, tag="second", log_type="Tail") == [("update", "counter")]
    assert count_executions(count_file) == 4
    assert up(triggers={"build": "2"}, tag="second", log_type="Tail") == [("same", "counter")]

    assert engine.destroy() == [("delete", "counter")]
    assert count_executions(count_file) == 4
    with open(count_file) as handle:
        tags = [line.split(" ", 1)[1].strip() for line in handle]
    assert tags == ["first", "first", "second", "second"]


def test_timestamp_trigger_invokes_on_every_up(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    # The README's recipe for "invoke on every pulumi up".
    for expected in (1, 2, 3):
        stamp = datetime.now(timezone.utc).isoformat()
        engine.up(counting_program(lambda_endpoint.url, count_file, triggers={"run_at": stamp}))
        assert count_executions(count_file) == expected


def test_preview_never_invokes_the_resource(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    program = counting_program(lambda_endpoint.url, count_file)
    run = engine.preview(program)
    assert run.steps == [("create", "counter")]
    assert not run.is_known("result")
    assert count_executions(count_file) == 0
    assert engine.state == {}
    assert ("create", "counter") not in engine.provider_calls

    engine.up(counting_program(lambda_endpoint.url, count_file))
    run = engine.preview(counting_program(lambda_endpoint.url, count_file, tag="changed"))
    assert run.steps == [("replace", "counter")]
    assert count_executions(count_file) == 1


def action(name: str, prev_input: Any) -> dict[str, Any]:
    return {"action": name, "prev_input": prev_input}


def test_crud_scope_payload_shapes(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, sent: list[dict[str, Any]], count_file: str
) -> None:
    def program(payload: dict[str, Any], function_name: str = "echo") -> Callable[[], None]:
        def run() -> None:
            res = LambdaInvocation(
                "crud",
                function_name=function_name,
                payload=payload,
                lifecycle_scope=pli.CRUD,
                terraform_key="lifecycle",
                endpoint_url=lambda_endpoint.url,
            )
            pulumi.export("result", res.result)

        return run

    def event(run: Any) -> Any:
        return json.loads(run.value("result"))["event"]

    first = {"count_file": count_file, "tag": "a"}
    run = engine.up(program(first))
    assert event(run) == {**first, "lifecycle": {"action": "create", "prev_input": None}}

    second = {"count_file": count_file, "tag": "b"}
    run = engine.up(program(second))
    assert run.steps == [("update", "crud")]  # CRUD: a new payload updates in place
    assert event(run) == {**second, "lifecycle": {"action": "update", "prev_input": first}}

    # A new function replaces: the new one hears "create", the old one "delete".
    sent.clear()
    run = engine.up(program(second, function_name="count"))
    assert run.steps == [("replace", "crud"), ("delete-replaced", "crud")]
    assert sent == [
        {"function_name": "count", "payload": {**second, "lifecycle": action("create", None)}},
        {"function_name": "echo", "payload": {**second, "lifecycle": action("delete", second)}},
    ]
    assert count_executions(count_file) == 1

    sent.clear()
    engine.destroy()
    assert sent == [{"function_name": "count", "payload": {**second, "lifecycle": action("delete", second)}}]
    assert count_executions(count_file) == 2  # destroy invoked the function for real


def test_crud_default_key_is_tf_and_needs_an_object_payload(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, sent: list[dict[str, Any]]
) -> None:
    def program(payload: Any) -> Callable[[], None]:
        def run() -> None:
            LambdaInvocation(
                "crud",
                function_name="echo",
                payload=payload,
                lifecycle_scope="CRUD",
                endpoint_url=lambda_endpoint.url,
            )

        return run

    engine.up(program({"a": 1}))
    assert sent[-1]["payload"] == {"a": 1, "tf": {"action": "create", "prev_input": None}}
    with pytest.raises(CheckFailedError) as failed:
        engine.up(program([1, 2]))
    assert failed.value.failures == [("payload", "must be a JSON object when lifecycle_scope is CRUD")]


def test_function_error_fails_by_default_without_leaking(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint
) -> None:
    def program(fail: bool | None) -> Callable[[], None]:
        def run() -> None:
            res = LambdaInvocation(
                "failing",
                function_name="fail",
                payload={"message": SECRET_MARKER},
                fail_on_function_error=fail,
                endpoint_url=lambda_endpoint.url,
            )
            export_all(res)

        return run

    with pytest.raises(lambda_invocation_core.FunctionError) as failed:
        engine.up(program(None))
    text = str(failed.value)
    assert "fail" in text and "ValueError" in text and "Unhandled" in text
    assert SECRET_MARKER not in text
    assert engine.state == {}

    run = engine.up(program(False))
    assert run.value("function_error") == "Unhandled"
    assert run.is_secret("result")
    assert json.loads(run.value("result"))["errorMessage"] == SECRET_MARKER
    assert run.value("result_json")["errorType"] == "ValueError"


def test_check_reports_every_bad_field_without_values(engine: EngineDouble) -> None:
    def program() -> None:
        LambdaInvocation(
            "bad",
            function_name="not a valid name!",
            payload='{"broken": "' + SECRET_MARKER,
            log_type="Verbose",
            client_context="%%" + SECRET_MARKER,
            read_timeout=-1,
            lifecycle_scope="SOMETIMES",
        )

    with pytest.raises(CheckFailedError) as failed:
        engine.up(program)
    fields = [prop for prop, _ in failed.value.failures]
    assert sorted(fields) == sorted(
        ["lifecycle_scope", "function_name", "payload", "client_context", "log_type", "read_timeout"]
    )
    assert SECRET_MARKER not in str(failed.value)
    assert ("create", "bad") not in engine.provider_calls


def test_region_comes_from_stack_config_through_configure(lambda_endpoint: RunningEndpoint) -> None:
    def program() -> None:
        LambdaInvocation("regional", function_name="echo", payload={}, endpoint_url=lambda_endpoint.url)

    with pytest.raises(lambda_invocation_core.ValidationError, match="region: is required") as missing:
        EngineDouble({}).up(program)
    assert "pulumi config set aws:region" in str(missing.value)  # what a Pulumi user sets
    engine = EngineDouble({"aws:region": "eu-west-1"})
    engine.up(program)
    assert engine.entry("regional").outputs["status_code"] == 200
    # An explicit input wins over the stack's configuration.
    assert engine.entry("regional").inputs.get("region") is None


def test_provider_is_small_by_reference_and_credential_free(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint
) -> None:
    def program() -> None:
        LambdaInvocation("seed", function_name="echo", payload={"k": "v"}, endpoint_url=lambda_endpoint.url)

    run = engine.up(program)
    serialized = engine.entry("seed").outputs[PROVIDER_KEY]
    raw = base64.b64decode(serialized)
    assert len(serialized) < 200, len(serialized)
    assert b"pulumi_lambda_invocation.provider" in raw and b"LambdaInvocationProvider" in raw
    assert b"boto" not in raw and b"Session" not in raw
    # The engine keeps __provider secret (the SDK's default since 3.75).
    assert PROVIDER_KEY in engine.entry("seed").secret_outputs
    state_text = json.dumps(
        [engine.entry("seed").inputs, engine.entry("seed").outputs, str(run.requests["seed"])], default=str
    )
    for planted in PLANTED:
        assert planted not in state_text
        assert planted.encode() not in raw


def test_many_resources_in_one_program(engine: EngineDouble, lambda_endpoint: RunningEndpoint) -> None:
    url = lambda_endpoint.url

    def program() -> None:
        for index in range(6):
            res = LambdaInvocation(
                f"inv{index}", function_name="echo", payload={"index": index}, endpoint_url=url
            )
            pulumi.export(f"r{index}", res.result_json)

    run = engine.up(program)
    assert sorted(run.steps) == sorted(("create", f"inv{i}") for i in range(6))
    for index in range(6):
        assert run.value(f"r{index}")["event"] == {"index": index}


# -- invoke(): the ephemeral form ---------------------------------------------------------


def test_invoke_runs_in_preview_with_known_inputs_and_stays_secret(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> None:
        out = pli.invoke(
            "count",
            {"count_file": count_file, "tag": "ephemeral"},
            endpoint_url=lambda_endpoint.url,
            log_type="Tail",
        )
        pulumi.export("result", out.result)
        pulumi.export("status_code", out.status_code)
        pulumi.export("executed_version", out.executed_version)
        pulumi.export("function_error", out.function_error)
        pulumi.export("log_text", out.log_text)
        pulumi.export("count", out.result_json["count"])
        pulumi.export("whole", out)

    run = engine.preview(program)
    assert count_executions(count_file) == 1
    assert json.loads(run.value("result"))["count"] == 1
    assert run.value("status_code") == 200
    assert run.value("executed_version") == "$LATEST"
    assert run.value("function_error") is None
    assert "count executions=1" in run.value("log_text")
    assert run.value("count") == 1
    # The whole object exports as a mapping (function_error is None, so absent).
    assert set(run.value("whole")) == {"result", "executed_version", "log_result", "status_code"}
    for name in ("result", "status_code", "executed_version", "log_text", "count", "whole"):
        assert run.is_secret(name), name
    assert engine.state == {}  # nothing registered, nothing stored

    engine.up(program)
    engine.up(program)
    assert count_executions(count_file) == 3  # every up, as Terraform's ephemeral resource


def test_invoke_waits_for_unknown_inputs(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> None:
        res = LambdaInvocation("source", function_name="echo", payload={}, endpoint_url=lambda_endpoint.url)
        out = pli.invoke(
            "count",
            {"count_file": count_file, "tag": res.executed_version},
            endpoint_url=lambda_endpoint.url,
        )
        pulumi.export("count", out.result_json["count"])

    run = engine.preview(program)
    assert not run.is_known("count")
    assert count_executions(count_file) == 0

    run = engine.up(program)
    assert run.value("count") == 1
    assert run.is_secret("count")
    with open(count_file) as handle:
        assert handle.read().split()[-1] == "$LATEST"


def test_invoke_function_error_fails_the_program_without_leaking(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint
) -> None:
    def program(fail: bool) -> Callable[[], None]:
        def run() -> None:
            out = pli.invoke(
                "fail",
                {"message": SECRET_MARKER},
                endpoint_url=lambda_endpoint.url,
                fail_on_function_error=fail,
            )
            pulumi.export("error", out.function_error)
            pulumi.export("result", out.result)

        return run

    with pytest.raises(lambda_invocation_core.FunctionError) as failed:
        engine.preview(program(True))
    assert SECRET_MARKER not in str(failed.value)

    run = engine.up(program(False))
    assert run.value("error") == "Unhandled"
    assert SECRET_MARKER in run.value("result") and run.is_secret("result")


def test_invoke_uses_stack_region_and_validates(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint
) -> None:
    def program() -> None:
        pulumi.export("r", pli.invoke("echo", {}, endpoint_url=lambda_endpoint.url).status_code)

    assert engine.up(program).value("r") == 200
    with pytest.raises(lambda_invocation_core.ValidationError, match="region") as missing:
        EngineDouble({}).up(program)
    assert "pulumi config set aws:region" in str(missing.value)

    def bad() -> None:
        pulumi.export("r", pli.invoke("echo", {"x": {1, 2}}, endpoint_url=lambda_endpoint.url).result)

    with pytest.raises(lambda_invocation_core.ValidationError, match="payload"):
        engine.up(bad)


def test_invoke_calls_of_a_loop_run_side_by_side_each_once(
    engine: EngineDouble, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> None:
        for index in range(4):
            out = pli.invoke("sleep", {"seconds": 0.3, "index": index}, endpoint_url=lambda_endpoint.url)
            pulumi.export(f"started{index}", out.result_json["started"])
        pulumi.export(
            "counted", pli.invoke("count", {"count_file": count_file}, endpoint_url=lambda_endpoint.url)
        )

    run = engine.up(program)
    started = [run.value(f"started{index}") for index in range(4)]
    assert max(started) - min(started) < 0.3  # not one after another
    assert all(run.is_secret(f"started{index}") for index in range(4))
    assert count_executions(count_file) == 1
