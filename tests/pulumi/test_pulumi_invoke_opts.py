"""``invoke()``'s ``opts`` and the mocks' ``call``; what ``opts.provider`` does (issue 20, item 5).

Under ``pulumi.runtime.set_mocks`` (the SDK's own ``MockMonitor``) ``invoke()`` is answered by
the mocks' ``call`` with the package's token and sends nothing; under the engine (here the
engine double) it calls Lambda, after the resources in ``opts.depends_on``.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pulumi
import pytest
from pulumi.runtime.mocks import MockMonitor

import lambda_invocation_core as core
from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import INVOKE_TOKEN, LambdaInvocation, invoke
from tests.support.functions import count_executions
from tests.support.pulumi_engine_double import EngineDouble
from tests.support.pulumi_sdk_mocks import PlainMocks, run_with_sdk_mocks, secret_flags
from tests.support.pulumi_test_settings import REGION
from tests.support.recording_lambda import RecordingLambda, recording_lambda

ANSWER = {"password": "mocked-answer-3f1a"}


class CallRecordingMocks(PlainMocks):
    """A user's mocks answering invoke() the way a unit test answers any Pulumi function."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[str] = []
        self.calls: list[pulumi.runtime.MockCallArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.events.append(f"resource {args.name}")
        return super().new_resource(args)

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        self.events.append(f"call {args.token}")
        self.calls.append(args)
        if args.token != INVOKE_TOKEN:
            return {}, []
        answer = {"result": json.dumps(ANSWER), "status_code": 200, "executed_version": "7"}
        return answer, []


@pytest.fixture
def recording() -> Iterator[RecordingLambda]:
    with recording_lambda() as endpoint:
        yield endpoint


def test_under_set_mocks_the_mocks_call_answers_and_nothing_is_sent(recording: RecordingLambda) -> None:
    mocks = CallRecordingMocks()

    def program() -> pulumi.Output[Any]:
        answer = invoke(
            "issue",
            {"service": "billing", "n": 1},
            qualifier="live",
            client_context={"custom": {"a": "b"}},
            endpoint_url=recording.url,  # a real endpoint: never contacted
            read_timeout=5,
        )
        return pulumi.Output.all(
            secret_flags({"answer": answer}), answer.result_json, answer.executed_version
        )

    flags, document, version = run_with_sdk_mocks(program, mocks, {"aws:region": REGION})
    [call] = mocks.calls
    assert call.token == INVOKE_TOKEN == "lambda-invocation:index:invoke"
    assert call.args == {
        "function_name": "issue",
        "payload": '{"service":"billing","n":1}',
        "qualifier": "live",
        "client_context": core.encode_client_context({"custom": {"a": "b"}}),
        "endpoint_url": recording.url,
        "read_timeout": 5,
    }
    assert (flags, document, version) == ({"answer": True}, ANSWER, "7")
    assert recording.seen() == []


def test_a_mock_monitor_of_the_user_s_own_answers_too() -> None:
    class HonouringMonitor(MockMonitor):
        """A user's monitor (for instance one that honours additional_secret_outputs)."""

    mocks = CallRecordingMocks()

    def program() -> pulumi.Output[Any]:
        return invoke("issue", {}).status_code

    assert run_with_sdk_mocks(program, mocks, {"aws:region": REGION}, monitor=HonouringMonitor(mocks)) == 200
    assert [call.token for call in mocks.calls] == [INVOKE_TOKEN]


def test_under_set_mocks_bad_input_fails_before_the_call() -> None:
    mocks = CallRecordingMocks()

    def program() -> pulumi.Output[Any]:
        return invoke("bad name!", {}).status_code

    with pytest.raises(core.ValidationError) as failed:
        run_with_sdk_mocks(program, mocks, {"aws:region": REGION})
    assert failed.value.field == "function_name"
    assert mocks.calls == []


def test_under_set_mocks_the_call_waits_for_depends_on_and_takes_a_parent() -> None:
    mocks = CallRecordingMocks()

    def program() -> pulumi.Output[Any]:
        creds = LambdaInvocation("creds", function_name="issue", payload="{}")
        parent = pulumi.ComponentResource("test:index:Group", "group")
        opts = pulumi.InvokeOutputOptions(depends_on=[creds], parent=parent)
        answer = invoke("use", {}, opts=opts)
        return answer.status_code

    assert run_with_sdk_mocks(program, mocks, {"aws:region": REGION}) == 200
    # The call waited for the resource it depends on.
    assert mocks.events.index("resource creds") < mocks.events.index(f"call {INVOKE_TOKEN}")


def program_with_dependency(url: str, count_file: str, **opts: Any) -> Any:
    def program() -> None:
        first = LambdaInvocation(
            "first", function_name="count", payload={"count_file": count_file, "tag": "first"}
        )
        answer = invoke(
            "count",
            {"count_file": count_file, "tag": "after"},
            endpoint_url=url,
            opts=pulumi.InvokeOutputOptions(depends_on=[first], **opts),
        )
        pulumi.export("status", answer.status_code)
        pulumi.export("first", first.status_code)

    return program


def test_depends_on_holds_the_call_until_the_resource_is_created(
    lambda_endpoint: RunningEndpoint, count_file: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_LAMBDA", lambda_endpoint.url)  # for the resource
    engine = EngineDouble({"aws:region": REGION})
    program = program_with_dependency(lambda_endpoint.url, count_file)

    # Preview: the resource is still to be created, so the call does not run (unknown result).
    preview = engine.preview(program)
    assert not preview.is_known("status")
    assert count_executions(count_file) == 0

    run = engine.up(program)
    assert run.value("status") == 200
    with open(count_file) as handle:
        tags = [line.split(" ", 1)[1].strip() for line in handle]
    assert tags == ["first", "after"]  # the resource's create came first


def test_depends_on_takes_custom_resources_only() -> None:
    def program() -> pulumi.Output[Any]:
        group = pulumi.ComponentResource("test:index:Group", "group")
        return invoke("use", {}, opts=pulumi.InvokeOutputOptions(depends_on=[group])).status_code

    with pytest.raises(core.ValidationError) as failed:
        run_with_sdk_mocks(program, CallRecordingMocks(), {"aws:region": REGION})
    assert failed.value.field == "opts.depends_on"


def aws_provider() -> pulumi.ProviderResource:
    """What ``aws.Provider("p", region=...)`` registers (pulumi-aws is not installed here)."""
    return pulumi.ProviderResource("aws", "p", {"region": "eu-west-3"})


def test_opts_provider_is_refused_by_invoke() -> None:
    mocks = CallRecordingMocks()

    def program() -> pulumi.Output[Any]:
        return invoke("use", {}, opts=pulumi.InvokeOptions(provider=aws_provider())).status_code

    with pytest.raises(core.ValidationError) as failed:
        run_with_sdk_mocks(program, mocks, {"aws:region": REGION})
    assert failed.value.field == "opts.provider"
    assert not [call for call in mocks.calls if call.token == INVOKE_TOKEN]


def test_opts_provider_is_refused_by_the_resource(
    recording: RecordingLambda, lambda_endpoint: RunningEndpoint
) -> None:
    engine = EngineDouble({"aws:region": REGION, "aws:endpoints": [{"lambda": recording.url}]})

    def refused() -> None:
        LambdaInvocation(
            "inv", function_name="echo", payload="{}", opts=pulumi.ResourceOptions(provider=aws_provider())
        )

    with pytest.raises(core.ValidationError) as failed:
        engine.up(refused)
    assert failed.value.field == "opts.provider"
    assert "inv" not in [name for _, name in engine.provider_calls]

    # A provider inherited from a parent is not used either (the SDK only hands a dynamic
    # resource a provider of package pulumi-python): the stack's configuration decides.
    def inherited() -> None:
        group = pulumi.ComponentResource(
            "test:index:Group", "group", opts=pulumi.ResourceOptions(providers=[aws_provider()])
        )
        LambdaInvocation("inv", function_name="echo", payload="{}", opts=pulumi.ResourceOptions(parent=group))

    run = engine.up(inherited)
    assert run.requests["inv"].provider == ""
    [seen] = recording.seen()
    assert seen.region == REGION
