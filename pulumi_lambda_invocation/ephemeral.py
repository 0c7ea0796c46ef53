"""``invoke()``: the ephemeral form, like Terraform's ephemeral ``aws_lambda_invocation``.

No resource is registered: the call runs in the program on every preview and every up as
soon as all its inputs are known, and its result reaches state only if the program exports
it or passes it to a resource (still secret then).
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import pulumi

import lambda_invocation_core as core

from ._common import REQUEST_FIELDS, connection_settings, request_kwargs


class InvokeResult(dict[str, Any]):
    """The outcome of :func:`invoke`: a mapping of the five outputs with attribute access.

    A mapping so that it can be exported or passed to a resource as it is; attributes so that
    ``invoke(...).result`` works on the Output (``Output`` lifts attribute access).
    """

    @classmethod
    def from_core(cls, result: core.InvocationResult) -> InvokeResult:
        return cls(result.as_dict())

    @property
    def result(self) -> str:
        """The response payload as text."""
        return str(self["result"])

    @property
    def executed_version(self) -> str | None:
        return self.get("executed_version")

    @property
    def function_error(self) -> str | None:
        return self.get("function_error")

    @property
    def log_result(self) -> str | None:
        """Base64 tail of the execution log (``log_type="Tail"``), else None."""
        return self.get("log_result")

    @property
    def status_code(self) -> int:
        return int(self["status_code"])

    @property
    def result_json(self) -> Any:
        """The response parsed as JSON, or None when it is not JSON."""
        return self._core().result_json

    @property
    def log_text(self) -> str | None:
        """The decoded log tail, or None."""
        return self._core().log_text

    def _core(self) -> core.InvocationResult:
        return core.InvocationResult(
            result=self.result,
            executed_version=self.executed_version,
            function_error=self.function_error,
            log_result=self.log_result,
            status_code=self.status_code,
        )

    def __repr__(self) -> str:
        # The result and log may be secret; a stray print() must not show them.
        shown = {name: self.get(name) for name in ("executed_version", "function_error", "status_code")}
        return f"InvokeResult({shown}, result=<hidden>, log_result=<hidden>)"


def invoke(
    function_name: pulumi.Input[str],
    payload: pulumi.Input[Any],
    *,
    qualifier: pulumi.Input[str] | None = None,
    client_context: pulumi.Input[Any] | None = None,
    log_type: pulumi.Input[str] | None = None,
    tenant_id: pulumi.Input[str] | None = None,
    fail_on_function_error: pulumi.Input[bool] = True,
    region: pulumi.Input[str] | None = None,
    profile: pulumi.Input[str] | None = None,
    endpoint_url: pulumi.Input[str] | None = None,
    read_timeout: pulumi.Input[float] | None = None,
    role_arn: pulumi.Input[str] | None = None,
    role_session_name: pulumi.Input[str] | None = None,
    external_id: pulumi.Input[str] | None = None,
    role_duration: pulumi.Input[int] | None = None,
) -> pulumi.Output[InvokeResult]:
    """Invoke a Lambda function (RequestResponse) and return a secret Output of the result.

    Runs during preview and up once every input is known; with an unknown input (an output
    of a resource not created yet, in preview) it does not run and the result is unknown.
    Raises the core's errors (a ``FunctionError`` unless ``fail_on_function_error=False``),
    which fail the program. Region and profile default to the stack's ``aws:region`` and
    ``aws:profile``. Attributes are reachable on the Output: ``invoke(...).result``.
    """
    given = {
        "function_name": function_name,
        "payload": payload,
        "qualifier": qualifier,
        "client_context": client_context,
        "log_type": log_type,
        "tenant_id": tenant_id,
        "fail_on_function_error": fail_on_function_error,
        "region": region,
        "profile": profile,
        "endpoint_url": endpoint_url,
        "read_timeout": read_timeout,
        "role_arn": role_arn,
        "role_session_name": role_session_name,
        "external_id": external_id,
        "role_duration": role_duration,
    }
    # Only the inputs given are awaited: each one is a separate Output for the engine to settle.
    inputs = pulumi.Output.all(**{name: value for name, value in given.items() if value is not None})
    aws = pulumi.Config("aws")
    default_region, default_profile = aws.get("region"), aws.get("profile")

    def start(values: dict[str, Any]) -> asyncio.Future[InvokeResult]:
        call = functools.partial(_invoke_now, values, default_region, default_profile)
        # The call blocks for as long as the function runs; a worker thread keeps the rest
        # of the program (other resources) moving meanwhile.
        return asyncio.get_running_loop().run_in_executor(None, call)

    # Secret before the apply, not after: Output.secret() re-wraps a dict value deeply, which
    # would turn the InvokeResult back into a plain dict without attributes.
    secret_inputs: pulumi.Output[dict[str, Any]] = pulumi.Output.secret(inputs)
    return secret_inputs.apply(start)


def _invoke_now(
    values: dict[str, Any], default_region: str | None, default_profile: str | None
) -> InvokeResult:
    result = core.invoke(
        values.get(REQUEST_FIELDS[0]),
        values.get(REQUEST_FIELDS[1]),
        **request_kwargs(values),
        fail_on_function_error=bool(values.get("fail_on_function_error", True)),
        connection=connection_settings(values, default_region, default_profile),
    )
    return InvokeResult.from_core(result)
