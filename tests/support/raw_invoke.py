"""boto3's invoke with the answer decoded (payload as JSON, the Tail log as text), for tests of
the endpoint itself, which look at exactly what it answered."""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient


@dataclass(frozen=True)
class InvokeResult:
    status: int
    raw: bytes
    function_error: str | None
    executed_version: str | None
    log: str | None
    response: dict[str, Any] = field(repr=False)

    @property
    def payload(self) -> Any:
        return json.loads(self.raw) if self.raw else None


def invoke(client: LambdaClient, function_name: str, event: Any = None, **kwargs: Any) -> InvokeResult:
    """client.invoke with a JSON event; decodes the payload and the Tail log."""
    if event is not None:
        kwargs["Payload"] = json.dumps(event).encode("utf-8")
    response: dict[str, Any] = dict(client.invoke(FunctionName=function_name, **kwargs))
    raw = response["Payload"].read() if "Payload" in response else b""
    log = response.get("LogResult")
    return InvokeResult(
        status=response["StatusCode"],
        raw=raw,
        function_error=response.get("FunctionError"),
        executed_version=response.get("ExecutedVersion"),
        log=base64.b64decode(log).decode("utf-8", "replace") if log else None,
        response=response,
    )
