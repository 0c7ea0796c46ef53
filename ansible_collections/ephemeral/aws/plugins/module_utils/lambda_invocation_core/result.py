# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/result.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""What a synchronous invocation returned, and how a function error is reported."""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from .errors import FunctionError


@dataclass(frozen=True)
class InvocationResult:
    """What a synchronous invocation returned: the Terraform ephemeral resource's outputs.

    ``result`` and ``log_result`` may hold secrets and are hidden from ``repr()``.
    """

    result: str = field(repr=False)
    executed_version: str | None
    function_error: str | None
    log_result: str | None = field(repr=False)
    status_code: int
    # The durable execution's ARN (X-Amz-Durable-Execution-Arn); None for a function that is
    # not durable. Not among as_dict()'s outputs yet: the adapters add it with their option.
    durable_execution_arn: str | None = None

    @property
    def log_text(self) -> str | None:
        """The decoded tail of the execution log (None unless log_type was Tail)."""
        if self.log_result is None:
            return None
        return base64.b64decode(self.log_result).decode("utf-8", errors="replace")

    @property
    def result_is_json(self) -> bool:
        return _parse_json(self.result)[0]

    @property
    def result_json(self) -> Any:
        """The result parsed as JSON, or None when it is not JSON (not an error)."""
        return _parse_json(self.result)[1]

    @property
    def error_type(self) -> str | None:
        """The errorType of a function error, restricted to a safe identifier shape."""
        if self.function_error is None:
            return None
        return _safe_error_type(self.result_json)

    def as_dict(self, derived: bool = False) -> dict[str, Any]:
        """The five outputs as a dict; with ``derived``, also ``log_text`` and ``result_json``."""
        values: dict[str, Any] = {
            "result": self.result,
            "executed_version": self.executed_version,
            "function_error": self.function_error,
            "log_result": self.log_result,
            "status_code": self.status_code,
        }
        if derived:
            values["log_text"] = self.log_text
            values["result_json"] = self.result_json
        return values


def _parse_json(text: str) -> tuple[bool, Any]:
    try:
        return True, json.loads(text)
    except ValueError:
        return False, None


_ERROR_TYPE_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_.:$-]{0,127}")


def _safe_error_type(document: Any) -> str | None:
    # errorType is an exception class name; anything else could be data, so it is
    # not repeated in a message.
    if isinstance(document, dict):
        value = document.get("errorType")
        if isinstance(value, str) and _ERROR_TYPE_RE.fullmatch(value):
            return value
    return None


def result_from_response(response: Any, function_name: str, fail_on_function_error: bool) -> InvocationResult:
    """The InvocationResult of an Invoke response (Payload already read); raises FunctionError if asked."""
    body = response.get("Payload") or b""
    result = InvocationResult(
        result=body.decode("utf-8", errors="replace"),
        executed_version=response.get("ExecutedVersion"),
        function_error=response.get("FunctionError") or None,
        log_result=response.get("LogResult") or None,
        status_code=int(response.get("StatusCode", 0)),
        durable_execution_arn=response.get("DurableExecutionArn") or None,
    )
    return raise_if_failed(result, function_name, fail_on_function_error, request_id_of(response))


def request_id_of(response: Any) -> str | None:
    """The request id of an Invoke response."""
    return (response.get("ResponseMetadata") or {}).get("RequestId") or None


def raise_if_failed(
    result: InvocationResult, function_name: str, fail_on_function_error: bool, request_id: str | None
) -> InvocationResult:
    """The result, or FunctionError when the function failed and the caller asked for that."""
    if result.function_error is not None and fail_on_function_error:
        raise FunctionError(
            function_name,
            result.executed_version,
            result.function_error,
            result.error_type,
            result,
            http_status=result.status_code,
            request_id=request_id,
        )
    return result
