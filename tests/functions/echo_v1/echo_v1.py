"""Published version 1 of `echo`: older code that also reports which code ran."""

from __future__ import annotations

from typing import Any


def handler(event: Any, context: Any) -> dict[str, Any]:
    if isinstance(event, dict) and "marker" in event:
        print(f"echo v1 marker={event['marker']}")
    return {"event": event, "version": context.function_version, "code": "v1"}
