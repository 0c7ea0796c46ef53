"""Keeping a local endpoint busy: a call left running in the background, and waiting for it."""

from __future__ import annotations

import contextlib
import json
import threading
import time
from typing import Any

from local_lambda.launcher import RunningEndpoint


def wait_busy(endpoint: RunningEndpoint, function: str, count: int) -> set[int]:
    """The pids of ``count`` runtimes of ``function`` that are running an invocation."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        busy = {
            rt["pid"] for rt in endpoint.runtimes() if rt["function"] == function and rt["state"] == "busy"
        }
        if len(busy) >= count:
            return busy
        time.sleep(0.02)
    raise AssertionError(f"{function}: {count} busy runtimes expected")


def background_call(endpoint: RunningEndpoint, name: str, event: dict[str, Any]) -> threading.Thread:
    """Invoke ``name`` in a daemon thread whose outcome is ignored (the endpoint may go away)."""
    client = endpoint.client(read_timeout=60)

    def call() -> None:
        with contextlib.suppress(Exception):  # the endpoint goes away under this call on purpose
            client.invoke(FunctionName=name, Payload=json.dumps(event).encode())

    thread = threading.Thread(target=call, daemon=True)
    thread.start()
    return thread
