"""What `invoke()`'s Output holds: the documented `InvokeResult`, wherever a program looks.

A program reaches the value inside `apply`, directly or after the SDK's own combinators
(`Output.all`, `Output.from_input`, `Output.secret`), which deeply unwrap every dict they
meet: the value must still be an `InvokeResult` there, with attribute access, as a
pulumi-aws function's result (`GetCallerIdentityResult`, ...) stays its class.

Under `pulumi.runtime.set_mocks`, a mocks `call` that answers `{}` (what most users' mocks
return for every function) gives a result whose attributes are None, as pulumi-aws's
generated result classes give for the keys a mock left out: no raw `KeyError`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import INVOKE_TOKEN, LambdaInvocation, invoke
from pulumi_lambda_invocation.ephemeral import InvokeResult
from tests.support.functions import count_executions
from tests.support.pulumi_sdk_mocks import PlainMocks, run_with_sdk_mocks

# How a program may reach the value: each gives an Output of the InvokeResult itself.
REACHES: dict[str, Callable[[pulumi.Output[InvokeResult]], pulumi.Output[Any]]] = {
    "apply": lambda answer: answer.apply(lambda value: value),
    "Output.all": lambda answer: pulumi.Output.all(answer).apply(lambda values: values[0]),
    "Output.all by name": lambda answer: pulumi.Output.all(answer=answer).apply(
        lambda values: values["answer"]
    ),
    "Output.from_input": lambda answer: pulumi.Output.from_input(answer),
    "Output.secret": lambda answer: pulumi.Output.secret(answer),
    "Output.unsecret": lambda answer: pulumi.Output.unsecret(answer),
}


def _described(value: Any) -> dict[str, Any]:
    """What the test asserts on, read inside the apply (no secret value leaves it)."""
    return {
        "type": type(value).__name__,
        "result is text": isinstance(value.result, str),
        "result_json": value.result_json,
        "status_code": value.status_code,
        "executed_version": value.executed_version,
        "function_error": value.function_error,
        "by key": value["status_code"],
    }


@pytest.mark.parametrize("reach", sorted(REACHES))
@pytest.mark.parametrize("inputs", ["plain", "output"])
def test_the_value_in_apply_is_an_invoke_result(
    reach: str, inputs: str, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    """On the engine's side (invoke() calls Lambda), with plain inputs (the direct path)
    and with an Output among them (the general path)."""

    def program() -> pulumi.Output[Any]:
        target: Any = count_file if inputs == "plain" else pulumi.Output.from_input(count_file)
        answer = invoke("count", {"count_file": target, "tag": reach}, endpoint_url=lambda_endpoint.url)
        return REACHES[reach](answer).apply(_described)

    seen = run_with_sdk_mocks(program, PlainMocks(), {"aws:region": "us-east-1"}, engine_side=True)
    assert seen == {
        "type": "InvokeResult",
        "result is text": True,
        "result_json": {"count": 1, "request_id": seen["result_json"]["request_id"]},
        "status_code": 200,
        "executed_version": "$LATEST",
        "function_error": None,
        "by key": 200,
    }
    assert count_executions(count_file) == 1


def test_result_attribute_in_apply_as_documented(lambda_endpoint: RunningEndpoint, count_file: str) -> None:
    # The README's own form: invoke(...).apply(lambda r: r.result).
    def program() -> pulumi.Output[Any]:
        answer = invoke("count", {"count_file": count_file}, endpoint_url=lambda_endpoint.url)
        return answer.apply(lambda r: r.result).apply(json.loads)

    assert (
        run_with_sdk_mocks(program, PlainMocks(), {"aws:region": "us-east-1"}, engine_side=True)["count"] == 1
    )


def test_the_value_passes_to_a_resource_and_into_a_payload(
    lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    # "The whole object can be exported or passed to a resource": as an input of its own
    # and nested in a structured payload (serialized in the program).
    mocks = PlainMocks()

    def program() -> pulumi.Output[Any]:
        answer = invoke("count", {"count_file": count_file}, endpoint_url=lambda_endpoint.url)
        LambdaInvocation(
            "nested",
            function_name="echo",
            payload={"answer": answer},
            triggers={"answer": answer},  # type: ignore[dict-item]  # any value
        )
        return answer.status_code

    assert run_with_sdk_mocks(program, mocks, {"aws:region": "us-east-1"}, engine_side=True) == 200
    [registered] = mocks.resources
    # Both secret (invoke()'s value is), as the monitor received them.
    payload, triggers = (rpc.unwrap_rpc_secret(registered.inputs[name]) for name in ("payload", "triggers"))
    sent = json.loads(payload)["answer"]
    assert sent["status_code"] == 200 and json.loads(sent["result"])["count"] == 1
    # The wire format drops the None values (no log tail, no function error).
    assert set(_plain(triggers)["answer"]) == {"result", "executed_version", "status_code"}
    assert _plain(triggers)["answer"]["status_code"] == 200


def _plain(value: Any) -> Any:
    """A value as the monitor received it, without the secret wrappers at any depth."""
    value = rpc.unwrap_rpc_secret(value)
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    return value


class AnswerMocks(PlainMocks):
    """A mocks `call` that answers invoke() with what the test gives (None: `{}`, as most
    users' mocks answer every function)."""

    def __init__(self, answer: dict[str, Any] | None) -> None:
        super().__init__()
        self.answer = answer

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == INVOKE_TOKEN and self.answer is not None:
            return dict(self.answer), []
        return {}, []


@pytest.mark.parametrize("reach", sorted(REACHES))
def test_under_mocks_the_value_in_apply_is_an_invoke_result(reach: str) -> None:
    mocks = AnswerMocks({"result": '{"password": "test"}', "status_code": 200})

    def program() -> pulumi.Output[Any]:
        return REACHES[reach](invoke("creds", {"service": "billing"})).apply(_described)

    seen = run_with_sdk_mocks(program, mocks)
    assert seen == {
        "type": "InvokeResult",
        "result is text": True,
        "result_json": {"password": "test"},
        "status_code": 200,
        "executed_version": None,
        "function_error": None,
        "by key": 200,
    }


def test_under_mocks_an_empty_answer_reads_as_none() -> None:
    # As a pulumi-aws result class built from a mock's {}: every attribute is None.
    def program() -> pulumi.Output[Any]:
        answer = invoke("creds", {"service": "billing"}, log_type="Tail")

        def read(value: InvokeResult) -> dict[str, Any]:
            return {
                "attributes": {
                    name: getattr(value, name)
                    for name in (
                        "result",
                        "result_json",
                        "log_result",
                        "log_text",
                        "executed_version",
                        "function_error",
                        "status_code",
                    )
                },
                "by key": {name: value[name] for name in value},
            }

        lifted = {
            "result": answer.result,
            "status_code": answer.status_code,
            "result_json": answer.result_json,
        }
        return pulumi.Output.all(answer.apply(read), pulumi.Output.all(**lifted))

    read, lifted = run_with_sdk_mocks(program, AnswerMocks(None))
    assert set(read["attributes"].values()) == {None}
    assert read["by key"] == dict.fromkeys(
        ("result", "executed_version", "function_error", "log_result", "status_code"), None
    )
    assert lifted == {"result": None, "status_code": None, "result_json": None}


def test_under_mocks_a_result_that_is_not_json_reads_as_none() -> None:
    def program() -> pulumi.Output[Any]:
        return invoke("creds", {}).result_json

    assert run_with_sdk_mocks(program, AnswerMocks({"result": "not json", "status_code": 200})) is None


def test_the_repr_hides_the_result() -> None:
    value = InvokeResult({"result": "hidden-value-3c1", "log_result": "aGlkZGVu", "status_code": 200})
    assert "hidden-value-3c1" not in repr(value) and "aGlkZGVu" not in repr(value)
    assert dict(value)["result"] == "hidden-value-3c1"
