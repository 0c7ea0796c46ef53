"""Pulumi programs run under Pulumi's own unit-test mocks (``pulumi.runtime.set_mocks``), as a
user tests a program the documented way (tests/pulumi/test_pulumi_sdk_mocks.py and
test_pulumi_invoke_opts.py)."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Awaitable, Callable
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor

from tests.support.pulumi_engine_double import EngineSide

SECRET_RESULT = {"password": "sdk-mocks-secret-91c3"}


class PlainMocks(pulumi.runtime.Mocks):
    """What a user writes: every resource echoes its inputs plus made-up outputs."""

    def __init__(self) -> None:
        self.resources: list[pulumi.runtime.MockResourceArgs] = []

    def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
        self.resources.append(args)
        outputs = {
            **args.inputs,
            "result": json.dumps(SECRET_RESULT),
            "result_json": SECRET_RESULT,
            "log_result": "bG9nIHRhaWw=",
            "executed_version": "$LATEST",
            "status_code": 200,
        }
        return f"{args.name}-id", outputs

    def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        return {}, []


def run_with_sdk_mocks(
    program: Callable[[], pulumi.Output[Any]],
    mocks: pulumi.runtime.Mocks,
    config: dict[str, str] | None = None,
    *,
    engine_side: bool = False,
    monitor: Any = None,
    preview: bool = False,
) -> Any:
    """Run ``program`` the way Pulumi's unit-test docs do, in a thread of its own (Pulumi's
    settings are context variables: nothing leaks into other tests). Returns the value of
    the Output the program returns. ``engine_side``: the mocks answer resources, but the
    monitor is no ``MockMonitor`` (as under the engine), so ``invoke()`` calls Lambda.
    ``preview``: the program runs as in a preview (``pulumi.runtime.is_dry_run()``)."""
    outcome: dict[str, Any] = {}
    if engine_side:
        monitor = EngineSide(MockMonitor(mocks))

    def target() -> None:
        asyncio.set_event_loop(asyncio.new_event_loop())  # a test's main thread has one
        try:
            pulumi.runtime.set_mocks(mocks, preview=preview, monitor=monitor)
            # A map of this thread's own (set_config would write into the SDK's shared default).
            pulumi.runtime.set_all_config(dict(config or {}))

            @pulumi.runtime.test  # type: ignore[untyped-decorator]
            def body() -> pulumi.Output[Any]:
                return program().apply(lambda value: outcome.setdefault("value", value))

            body()
        except BaseException as exc:  # re-raised in the test's thread
            outcome["error"] = exc
        finally:
            asyncio.get_event_loop().close()

    thread = threading.Thread(target=target)
    thread.start()
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def secret_flags(outputs: dict[str, pulumi.Output[Any]]) -> pulumi.Output[dict[str, bool]]:
    """An Output of {name: is it secret?}, for the program to return with its values."""

    async def flags() -> dict[str, bool]:
        return {name: await output.is_secret() for name, output in outputs.items()}

    task: Awaitable[dict[str, bool]] = asyncio.ensure_future(flags())
    return pulumi.Output.from_input(task)
