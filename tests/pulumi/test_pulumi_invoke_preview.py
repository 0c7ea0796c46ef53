"""`invoke(..., during_preview=False)` under the SDK's mocks, in a preview and in an update
(`pulumi.runtime.set_mocks(preview=...)`). The real engine's two runs of `pulumi up` are
tested in tests/pulumi_engine/test_engine_invoke_preview.py."""

from __future__ import annotations

import asyncio
from typing import Any

import pulumi
import pytest

import lambda_invocation_core as core
from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import INVOKE_TOKEN, invoke
from tests.support.functions import count_executions
from tests.support.pulumi_sdk_mocks import PlainMocks, run_with_sdk_mocks


class CallMocks(PlainMocks):
    """Answers invoke() and counts how often it was asked."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        if args.token == INVOKE_TOKEN:
            self.calls += 1
            return {"result": '{"ok": true}', "status_code": 200}, []
        return {}, []


def _state(answer: pulumi.Output[Any]) -> pulumi.Output[dict[str, Any]]:
    """Whether the Output is known and secret, and its value when known: an apply would not
    run on an unknown value in a preview, so this awaits the Output's parts instead."""

    async def read() -> dict[str, Any]:
        known = await answer.is_known()
        value = await answer.future()
        return {
            "known": known,
            "secret": await answer.is_secret(),
            "status_code": value.status_code if known and value is not None else None,
        }

    return pulumi.Output.from_input(asyncio.ensure_future(read()))


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
@pytest.mark.parametrize("during_preview", [True, False])
def test_during_preview_under_mocks(preview: bool, during_preview: bool) -> None:
    mocks = CallMocks()

    def program() -> pulumi.Output[Any]:
        return _state(invoke("creds", {"service": "billing"}, during_preview=during_preview))

    seen = run_with_sdk_mocks(program, mocks, preview=preview)
    runs = during_preview or not preview
    assert mocks.calls == (1 if runs else 0)
    assert seen == {"known": runs, "secret": True, "status_code": 200 if runs else None}


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "update"])
def test_during_preview_false_on_the_engine_side(
    preview: bool, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    def program() -> pulumi.Output[Any]:
        answer = invoke(
            "count", {"count_file": count_file}, endpoint_url=lambda_endpoint.url, during_preview=False
        )
        return _state(answer)

    seen = run_with_sdk_mocks(
        program, PlainMocks(), {"aws:region": "us-east-1"}, engine_side=True, preview=preview
    )
    assert count_executions(count_file) == (0 if preview else 1)
    assert seen == {"known": not preview, "secret": True, "status_code": None if preview else 200}


def test_a_bad_input_still_fails_the_preview() -> None:
    def program() -> pulumi.Output[Any]:
        return _state(invoke("creds", {"service": "billing"}, log_type="Everything", during_preview=False))

    with pytest.raises(core.ValidationError) as refused:
        run_with_sdk_mocks(program, CallMocks(), preview=True)
    assert refused.value.field == "log_type"
