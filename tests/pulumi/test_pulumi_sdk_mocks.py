"""Under Pulumi's own unit-test mocks (``pulumi.runtime.set_mocks`` with a plain ``Mocks``),
as a user tests a program the documented way, not under tests/pulumi's engine-like monitor.

The SDK's mock monitor ignores ``additional_secret_outputs``: the outputs that must stay
secret are secret because the program marks them so.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

import lambda_invocation_core as core
from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import LambdaInvocation, aws_config, invoke, schema
from tests.support.functions import count_executions
from tests.support.pulumi_engine_double import EngineSide
from tests.support.pulumi_sdk_mocks import SECRET_RESULT, PlainMocks, run_with_sdk_mocks, secret_flags
from tests.support.pulumi_test_settings import STACK_ACCESS_KEY, STACK_SECRET_KEY
from tests.support.recording_lambda import RecordingLambda, recording_lambda


def test_resource_outputs_are_secret_under_the_sdk_mocks() -> None:
    mocks = PlainMocks()

    def program() -> pulumi.Output[Any]:
        resource = LambdaInvocation("creds", function_name="issue", payload={"service": "billing"})
        outputs = {spec.name: getattr(resource, spec.name) for spec in schema.OUTPUTS}
        flags = secret_flags(outputs)
        values = pulumi.Output.all(**outputs)
        return pulumi.Output.all(flags=flags, values=values)

    seen = run_with_sdk_mocks(program, mocks)
    assert seen["flags"] == {spec.name: spec.secret for spec in schema.OUTPUTS}
    assert {name for name, secret in seen["flags"].items() if secret} == {
        "result",
        "result_json",
        "log_result",
    }
    # The values are the mocks' own, untouched: only their secretness was added.
    assert json.loads(seen["values"]["result"]) == SECRET_RESULT
    assert seen["values"]["result_json"] == SECRET_RESULT
    assert seen["values"]["status_code"] == 200
    # What the resource registered is unchanged: the same options as under the engine.
    [registered] = mocks.resources
    assert registered.inputs["payload"] == '{"service":"billing"}'


def test_a_dependent_resource_keeps_the_dependency_and_the_secret() -> None:
    mocks = PlainMocks()

    def program() -> pulumi.Output[Any]:
        creds = LambdaInvocation("creds", function_name="issue", payload="{}")
        password = creds.result_json.apply(lambda document: document["password"])
        user = LambdaInvocation("user", function_name="create-user", payload={"password": password})
        return pulumi.Output.all(
            secret_flags({"password": password}),
            user.result,
        )

    flags, _ = run_with_sdk_mocks(program, mocks)
    assert flags == {"password": True}
    names = [args.name for args in mocks.resources]
    assert names == ["creds", "user"]  # the second waited for the first's (secret) output


def test_invoke_on_the_engine_side_is_secret_and_runs_once(
    lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> pulumi.Output[Any]:
        answer = invoke("count", {"count_file": count_file, "tag": "mocks"}, endpoint_url=lambda_endpoint.url)
        flags = secret_flags({"whole": answer, "result": answer.result})
        return pulumi.Output.all(flags, answer.result_json)

    flags, document = run_with_sdk_mocks(program, PlainMocks(), {"aws:region": "us-east-1"}, engine_side=True)
    assert flags == {"whole": True, "result": True}
    assert document["count"] == 1
    assert count_executions(count_file) == 1


def test_invoke_built_outside_the_event_loop_takes_the_general_path(
    lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    # A unit test that builds its program at import time calls invoke() with no running
    # event loop: the call is then scheduled through Outputs, and still made once.
    outcome: dict[str, Any] = {}

    def target() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())
        try:
            mocks = PlainMocks()
            pulumi.runtime.set_mocks(mocks, preview=False, monitor=EngineSide(MockMonitor(mocks)))  # type: ignore[arg-type]
            pulumi.runtime.set_all_config({"aws:region": "us-east-1"})
            answer = invoke(
                "count", {"count_file": count_file, "tag": "early"}, endpoint_url=lambda_endpoint.url
            )

            @pulumi.runtime.test  # type: ignore[untyped-decorator]
            def body() -> pulumi.Output[Any]:
                return answer.result_json.apply(lambda value: outcome.setdefault("value", value))

            body()
        except BaseException as exc:
            outcome["error"] = exc
        finally:
            asyncio.get_event_loop().close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    assert outcome["value"]["count"] == 1
    assert count_executions(count_file) == 1


@pytest.mark.parametrize("given", ["function_name", "payload"])
def test_invoke_with_an_output_input_waits_for_it(
    given: str, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> pulumi.Output[Any]:
        args: dict[str, Any] = {"function_name": "count", "payload": {"count_file": count_file, "tag": "o"}}
        args[given] = pulumi.Output.from_input(args[given])
        answer = invoke(args["function_name"], args["payload"], endpoint_url=lambda_endpoint.url)
        return answer.result_json

    document = run_with_sdk_mocks(program, PlainMocks(), {"aws:region": "us-east-1"}, engine_side=True)
    assert document["count"] == 1
    assert count_executions(count_file) == 1


# -- the stack's aws:* configuration, read by invoke() in the program ------------------------


@pytest.fixture
def recording() -> Iterator[RecordingLambda]:
    with recording_lambda() as endpoint:
        yield endpoint


def stack_config(recording: RecordingLambda, **extra: str) -> dict[str, str]:
    """As the program sees the stack's configuration: every value is text."""
    return {
        "aws:region": "ap-south-1",
        "aws:endpoints": json.dumps([{"lambda": recording.url}]),
        "aws:accessKey": STACK_ACCESS_KEY,
        "aws:secretKey": STACK_SECRET_KEY,
        **extra,
    }


def test_invoke_honours_the_stack_configuration(recording: RecordingLambda) -> None:
    def program() -> pulumi.Output[Any]:
        return invoke("echo", {}).status_code

    assert run_with_sdk_mocks(program, PlainMocks(), stack_config(recording), engine_side=True) == 200
    [seen] = recording.seen()
    assert (seen.function_name, seen.access_key_id, seen.region) == ("echo", STACK_ACCESS_KEY, "ap-south-1")


def test_invoke_inputs_win_over_the_stack_configuration(
    recording: RecordingLambda, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> pulumi.Output[Any]:
        answer = invoke(
            "count", {"count_file": count_file}, endpoint_url=lambda_endpoint.url, region="eu-north-1"
        )
        return answer.result_json

    assert run_with_sdk_mocks(program, PlainMocks(), stack_config(recording), engine_side=True)["count"] == 1
    assert count_executions(count_file) == 1
    assert recording.seen() == []


def test_invoke_sees_each_run_s_configuration(
    recording: RecordingLambda, monkeypatch: pytest.MonkeyPatch
) -> None:
    # invoke() keeps what it read from the configuration while it is unchanged: a change,
    # by set_config or by the PULUMI_CONFIG environment variable, is seen at once.
    def program() -> pulumi.Output[Any]:
        return invoke("echo", {}).status_code

    run_with_sdk_mocks(program, PlainMocks(), stack_config(recording), engine_side=True)
    run_with_sdk_mocks(
        program, PlainMocks(), stack_config(recording, **{"aws:region": "sa-east-1"}), engine_side=True
    )
    config = {key: value for key, value in stack_config(recording).items() if key != "aws:region"}
    for region in ("ca-central-1", "me-south-1"):  # only the environment differs
        monkeypatch.setenv("PULUMI_CONFIG", json.dumps({"aws:region": region}))
        run_with_sdk_mocks(program, PlainMocks(), config, engine_side=True)
    monkeypatch.delenv("PULUMI_CONFIG")
    for region in ("eu-south-1", "eu-south-2"):  # the SDK's per-key fallback
        monkeypatch.setenv("PULUMI_CONFIG_AWS_REGION", region)
        run_with_sdk_mocks(program, PlainMocks(), config, engine_side=True)
    regions = [seen.region for seen in recording.seen()]
    assert regions == ["ap-south-1", "sa-east-1", "ca-central-1", "me-south-1", "eu-south-1", "eu-south-2"]


def test_the_posix_and_the_portable_reading_of_the_fallbacks_agree(monkeypatch: pytest.MonkeyPatch) -> None:
    # The memo reads os.environ's bytes mapping on POSIX and the public one elsewhere.
    monkeypatch.setenv("PULUMI_CONFIG_AWS_REGION", "eu-south-1")
    monkeypatch.setenv("PULUMI_CONFIG", '{"aws:profile": "p\u00e9"}')
    encoded = aws_config._encoded_environment_values(os.environ._data)  # type: ignore[attr-defined]
    decoded = aws_config._decoded_environment_values(os.environ)
    assert [None if value is None else os.fsdecode(value) for value in encoded] == list(decoded)
    assert "eu-south-1" in decoded and '{"aws:profile": "p\u00e9"}' in decoded


def test_invoke_refuses_a_forbidden_account_before_sending(recording: RecordingLambda) -> None:
    def program() -> pulumi.Output[Any]:
        return invoke("arn:aws:lambda:ap-south-1:123456789012:function:echo", {}).status_code

    config = stack_config(recording, **{"aws:forbiddenAccountIds": '["123456789012"]'})
    with pytest.raises(core.AccountNotAllowedError) as refused:
        run_with_sdk_mocks(program, PlainMocks(), config, engine_side=True)
    assert refused.value.account_id == "123456789012"
    assert recording.seen() == []


def test_invoke_reads_the_profile_from_the_stack_s_shared_files(
    recording: RecordingLambda, tmp_path: Path
) -> None:
    credentials = tmp_path / "credentials"
    credentials.write_text(
        "[deploy]\naws_access_key_id = AKIAPROFILEFILE00001\naws_secret_access_key = profile-secret\n"
    )
    settings = tmp_path / "config"
    settings.write_text("[profile deploy]\nregion = eu-west-3\n")
    config = {
        "aws:profile": "deploy",
        "aws:sharedCredentialsFiles": json.dumps([str(credentials)]),
        "aws:sharedConfigFiles": json.dumps([str(settings)]),
        "aws:endpoints": json.dumps([{"lambda": recording.url}]),
    }

    def program() -> pulumi.Output[Any]:
        return invoke("echo", {}).status_code

    assert run_with_sdk_mocks(program, PlainMocks(), config, engine_side=True) == 200
    [seen] = recording.seen()
    # The profile's key and region, from the files the stack names (the environment points
    # at files that do not exist).
    assert (seen.access_key_id, seen.region) == ("AKIAPROFILEFILE00001", "eu-west-3")
