"""Leak sweep for the Pulumi side: every logger at DEBUG, a secret marker in the payload, the
client context, the function's result and its log; it may appear only in secret outputs."""

from __future__ import annotations

import json
from collections import Counter

import pulumi
import pytest

from local_lambda.launcher import RunningEndpoint
from pulumi_lambda_invocation import LambdaInvocation, invoke
from tests.support.logs import CapturedLogs
from tests.support.pulumi_engine_double import EngineDouble
from tests.support.pulumi_test_settings import PLANTED, REGION

MARKER = "PULUMI-LEAK-MARKER-2b7d"


def test_resource_and_invoke_at_debug(
    lambda_endpoint: RunningEndpoint, debug_logs: CapturedLogs, tally: Counter[str]
) -> None:
    engine = EngineDouble({"aws:region": REGION})
    context = {"custom": {"token": MARKER}}

    def program() -> None:
        resource = LambdaInvocation(
            "swept",
            function_name="echo",
            payload={"marker": MARKER},
            client_context=context,
            log_type="Tail",
            endpoint_url=lambda_endpoint.url,
        )
        pulumi.export("result", resource.result)
        pulumi.export("log_result", resource.log_result)
        ephemeral = invoke(
            "echo",
            {"marker": MARKER},
            client_context=context,
            log_type="Tail",
            endpoint_url=lambda_endpoint.url,
        )
        pulumi.export("ephemeral", ephemeral)

    run = engine.up(program)
    # The marker travelled: the function saw it and returned it, in secret outputs.
    assert MARKER in run.value("result")
    assert run.is_secret("result") and run.is_secret("log_result") and run.is_secret("ephemeral")
    shown = json.dumps(run.display_outputs())

    errors: list[str] = []
    for function, payload, expected in (
        ("fail", {"message": MARKER}, "function error of type ValueError"),
        ("no-such-function", {"marker": MARKER}, "ResourceNotFoundException"),
    ):

        def failing(function: str = function, payload: dict[str, str] = payload) -> None:
            LambdaInvocation(
                "broken", function_name=function, payload=payload, endpoint_url=lambda_endpoint.url
            )

        with pytest.raises(Exception) as caught:  # the engine's update failure carries the core's error
            EngineDouble({"aws:region": REGION}).up(failing)
        assert expected in str(caught.value)
        errors += [str(caught.value), repr(caught.value)]

    places = [*debug_logs.texts, shown, *errors]
    leaks = [text for text in places if MARKER in text or any(secret in text for secret in PLANTED)]
    tally["leak sweep (Pulumi at DEBUG): log records, outputs shown and errors inspected"] += len(places)
    tally["leak sweep (Pulumi at DEBUG): leaks found"] += len(leaks)
    assert len(debug_logs.texts) > 50, "debug logging was not on"
    assert leaks == []
