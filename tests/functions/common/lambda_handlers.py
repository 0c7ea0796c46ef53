"""Test handlers shared by every integration test (served by tests/functions/config.json).

Each handler is small and deterministic; they run inside awslambdaric processes started
by local_lambda, so they only use the standard library.
"""

from __future__ import annotations

import os
import time
from typing import Any

CODE = "latest"  # echo_v1/ and echo_v2/ hold other "published" code


def _client_context(context: Any) -> dict[str, Any] | None:
    cc = context.client_context
    if cc is None:
        return None
    client = cc.client
    return {
        "custom": cc.custom,
        "env": cc.env,
        "client": None if client is None else {name: getattr(client, name) for name in client.__slots__},
    }


def echo(event: Any, context: Any) -> dict[str, Any]:
    """Returns what the function saw; prints a line with event["marker"] when present."""
    if isinstance(event, dict) and "marker" in event:
        print(f"echo marker={event['marker']}")
    return {
        "event": event,
        "client_context": _client_context(context),
        "tenant_id": context.tenant_id,
        "version": context.function_version,
        "code": CODE,
        "function_name": context.function_name,
        "invoked_function_arn": context.invoked_function_arn,
        "request_id": context.aws_request_id,
        "remaining_ms": context.get_remaining_time_in_millis(),
        "pid": os.getpid(),
    }


def fail(event: Any, context: Any) -> None:
    """Raises ValueError(event["message"]) after printing a line."""
    message = event.get("message", "failure requested") if isinstance(event, dict) else "failure requested"
    print(f"fail about to raise: {message}")
    raise ValueError(message)


def sleep(event: Any, context: Any) -> dict[str, Any]:
    """Sleeps event["seconds"] (default 1) and returns start/end wall-clock times."""
    seconds = float(event.get("seconds", 1))
    started = time.time()
    time.sleep(seconds)
    return {"slept": seconds, "started": started, "ended": time.time(), "pid": os.getpid()}


def count(event: Any, context: Any) -> dict[str, Any]:
    """Appends one line per execution to event["count_file"]; returns the line count.

    Sleeps event.get("seconds", 0) first, so a caller can time out or retry meanwhile and
    prove that the function ran exactly once.
    """
    time.sleep(float(event.get("seconds", 0)))
    path = event["count_file"]
    with open(path, "a", encoding="utf-8") as handle:
        handle.write(f"{context.aws_request_id} {event.get('tag', '')}\n")
    with open(path, encoding="utf-8") as handle:
        executions = sum(1 for _ in handle)
    print(f"count executions={executions}")
    return {"count": executions, "request_id": context.aws_request_id}


def big(event: Any, context: Any) -> str:
    """Returns a string of event["size"] characters ("x"); the JSON response is 2 bytes more."""
    return "x" * int(event["size"])


def env(event: Any, context: Any) -> dict[str, Any]:
    """Returns {"name": ..., "value": os.environ.get(name)} for event["name"]."""
    name = event["name"]
    return {"name": name, "value": os.environ.get(name)}


def crash(event: Any, context: Any) -> dict[str, Any]:
    """Kills its own runtime process with os._exit(event.get("code", 1)).

    With {"crash": false} it returns {"pid": ...} instead, to see which process serves.
    """
    if not event.get("crash", True):
        return {"pid": os.getpid()}
    print("crash about to exit")
    os._exit(int(event.get("code", 1)))


def spawn(event: Any, context: Any) -> dict[str, Any]:
    """Starts a child process (`sleep event["seconds"]`, default 300) and leaves it running.

    Returns the child's pid, so a test can check the endpoint's shutdown killed it too.
    """
    import subprocess

    child = subprocess.Popen(["sleep", str(event.get("seconds", 300))])
    return {"child_pid": child.pid, "pid": os.getpid()}
