"""The function this target invokes: it answers with the payload's marker reversed, so the
value it returns is one the task was never given (a leak of it can only be the result)."""

from __future__ import annotations

from typing import Any


def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
    return {"reply": event["marker"][::-1], "version": context.function_version}
