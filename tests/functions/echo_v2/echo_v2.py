"""Published version 2 of `echo`: same shape as v1, different code."""

from __future__ import annotations

from typing import Any


def handler(event: Any, context: Any) -> dict[str, Any]:
    if isinstance(event, dict) and "marker" in event:
        print(f"echo v2 marker={event['marker']}")
    return {"event": event, "version": context.function_version, "code": "v2"}
