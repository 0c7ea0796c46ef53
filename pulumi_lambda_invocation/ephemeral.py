"""``invoke()``: the ephemeral form, like Terraform's ephemeral ``aws_lambda_invocation``.

No resource is registered: the call runs in the program on every preview and every up as
soon as all its inputs are known, and its result reaches state only if the program exports
it or passes it to a resource (still secret then).

Each call is sent exactly once, from a worker thread (a pool of this module's, not the event
loop's default executor, which Pulumi's runtime needs for its own calls), so that
independent calls run side by side. When every input is a plain value (no Output or
awaitable anywhere in it), the call is handed to the worker at once and the secret Output
wraps its future: none of the Output machinery's awaits (about 30 Outputs per call) is paid.

Under ``pulumi.runtime.set_mocks`` nothing is sent: the call goes through the mocks' ``call``
with the token :data:`INVOKE_TOKEN`, like any Pulumi function in a unit test.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import threading
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pulumi
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.settings import get_monitor

import lambda_invocation_core as core

from .aws_config import program_stack_settings
from .core_args import client_context_text, connection_settings, payload_text, request_kwargs, send
from .idempotency import DERIVE_IDEMPOTENCY_KEY
from .schema import DEFAULTS, EPHEMERAL_INPUT_NAMES

INVOKE_TOKEN = "lambda-invocation:index:invoke"
"""The token of :func:`invoke` in ``pulumi.runtime.Mocks.call`` (``args.token``); the mocks'
``args.args`` are the inputs given (payload as JSON text, client context as base64), and what
``call`` returns is the result (``result``, ``status_code``, ...)."""


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
    idempotency_key: pulumi.Input[str] | None = None,
    idempotency_key_field: pulumi.Input[str] | None = None,
    fail_on_function_error: pulumi.Input[bool] | None = None,
    region: pulumi.Input[str] | None = None,
    profile: pulumi.Input[str] | None = None,
    endpoint_url: pulumi.Input[str] | None = None,
    read_timeout: pulumi.Input[float] | None = None,
    role_arn: pulumi.Input[str] | None = None,
    role_session_name: pulumi.Input[str] | None = None,
    external_id: pulumi.Input[str] | None = None,
    role_duration: pulumi.Input[int] | None = None,
    opts: pulumi.InvokeOptions | None = None,
) -> pulumi.Output[InvokeResult]:
    """Invoke a Lambda function (RequestResponse) and return a secret Output of the result.

    Runs during preview and up once every input is known; with an unknown input (an output
    of a resource not created yet, in preview) it does not run and the result is unknown.
    Raises the core's errors (a ``FunctionError`` unless ``fail_on_function_error=False``;
    default True), which fail the program. Connection settings not given here come from the
    stack's ``aws:*`` configuration (as pulumi-aws reads it; see the README), then from the
    AWS default chain. Attributes are reachable on the Output: ``invoke(...).result``.
    ``idempotency_key`` is an explicit key (there is no URN to derive one from): with it a lost
    answer is asked again, for a function that deduplicates on the key.

    ``opts`` (``pulumi.InvokeOutputOptions`` or ``pulumi.InvokeOptions``): ``depends_on``
    (custom resources) holds the call until those resources are created (in preview, when one
    is still to be created, the call does not run and the result is unknown), and the result
    depends on them; ``parent`` is accepted as by any Pulumi function (it only picks a
    provider, and none is used). ``provider`` is refused: nothing here goes through a Pulumi
    provider. Under ``pulumi.runtime.set_mocks`` the mocks' ``call`` answers (token
    :data:`INVOKE_TOKEN`) and nothing is sent.
    """
    if idempotency_key == DERIVE_IDEMPOTENCY_KEY:
        raise core.ValidationError(
            "idempotency_key", "invoke() has no URN to derive a key from; give an explicit key"
        )
    arguments = locals()
    # Only the inputs given are kept: each one is a separate Output for the engine to settle.
    given = {name: arguments[name] for name in EPHEMERAL_INPUT_NAMES if arguments[name] is not None}
    after = _dependencies(opts)
    if isinstance(get_monitor(), MockMonitor):
        return _through_mocks(given, opts)
    # Read in the program (the configuration lives there), used by the worker thread.
    stack = program_stack_settings()
    call = functools.partial(_invoke_now, stack=stack)
    if not after and all(_is_plain(value) for value in given.values()):
        loop = _running_loop()
        if loop is not None:
            # Every input known: send now, no awaits. The one future is the whole Output.
            # Text made here, in the program's thread: the worker never reads a structure
            # that the program might change meanwhile.
            frozen = {**given, "payload": payload_text(payload)}
            if client_context is not None:
                frozen["client_context"] = client_context_text(client_context)
            future = loop.run_in_executor(_workers(), call, frozen)
            return pulumi.Output(set(), future, _done(loop, True), _done(loop, True))

    def start(values: dict[str, Any]) -> asyncio.Future[InvokeResult]:
        # The call blocks for as long as the function runs; a worker thread keeps the rest
        # of the program (other resources) moving meanwhile.
        return asyncio.get_running_loop().run_in_executor(_workers(), call, values)

    inputs = pulumi.Output.all(**given)
    if after:
        # Known once every dependency has its id: in preview a resource still to be created
        # keeps it unknown, so the call does not run. The Output carries the dependencies.
        ready = pulumi.Output.all(*(resource.id for resource in after))
        inputs = pulumi.Output.all(inputs, ready).apply(lambda pair: pair[0])
    # Secret before the apply, not after: Output.secret() re-wraps a dict value deeply, which
    # would turn the InvokeResult back into a plain dict without attributes.
    secret_inputs: pulumi.Output[dict[str, Any]] = pulumi.Output.secret(inputs)
    return secret_inputs.apply(start)


def _dependencies(opts: pulumi.InvokeOptions | None) -> list[pulumi.CustomResource]:
    """``opts.depends_on`` as a list of custom resources; ``opts.provider`` refused."""
    if opts is None:
        return []
    if opts.provider is not None:
        raise core.ValidationError(
            "opts.provider",
            "is not used by invoke(): it calls Lambda itself, not through a Pulumi provider; "
            "set region, profile, role_arn or endpoint_url, or the stack's aws:* configuration",
        )
    depends_on: Any = getattr(opts, "depends_on", None)  # pulumi.InvokeOutputOptions only
    if depends_on is None:
        return []
    resources = list(depends_on) if isinstance(depends_on, (list, tuple)) else [depends_on]
    if not all(isinstance(resource, pulumi.CustomResource) for resource in resources):
        raise core.ValidationError(
            "opts.depends_on",
            "must be a custom resource or a list of them (a component's children are not "
            "waited for: list them)",
        )
    return resources


def _through_mocks(
    given: Mapping[str, Any], opts: pulumi.InvokeOptions | None
) -> pulumi.Output[InvokeResult]:
    """Under ``set_mocks``: the mocks' ``call`` answers, with :data:`INVOKE_TOKEN`. The inputs
    are checked as for a real call first; nothing is sent to Lambda."""

    def call(values: dict[str, Any]) -> pulumi.Output[Any]:
        frozen = {**values, "payload": payload_text(values["payload"])}
        if "client_context" in frozen:
            frozen["client_context"] = client_context_text(frozen["client_context"])
        core.build_request(**request_kwargs(frozen))
        connection_settings(frozen, {})
        return pulumi.runtime.invoke_output(INVOKE_TOKEN, frozen, opts)

    secret_inputs: pulumi.Output[dict[str, Any]] = pulumi.Output.secret(pulumi.Output.all(**given))
    return secret_inputs.apply(call).apply(InvokeResult)


WORKERS = 10
"""Invocations in flight at once per process: as many as a botocore client keeps connections
(``max_pool_connections``, 10 by default); more threads would open and discard connections."""
_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def _workers() -> ThreadPoolExecutor:
    """The threads that wait for the functions: a pool of their own, so that long-running
    invocations never hold the event loop's default executor, which Pulumi's runtime uses
    for its own calls to the engine (registering resources, logging)."""
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="lambda-invoke")
        return _pool


def _invoke_now(values: Mapping[str, Any], *, stack: Mapping[str, Any]) -> InvokeResult:
    fail = values.get("fail_on_function_error")
    result = send(
        core.build_request(**request_kwargs(values)),
        connection_settings(values, stack),
        fail_on_function_error=bool(DEFAULTS["fail_on_function_error"] if fail is None else fail),
    )
    return InvokeResult.from_core(result)


def _is_plain(value: Any) -> bool:
    """True when no Output or awaitable hides in the value, at any depth."""
    if isinstance(value, pulumi.Output) or inspect.isawaitable(value):
        return False
    if isinstance(value, Mapping):
        return all(_is_plain(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return all(_is_plain(item) for item in value)
    return True


def _running_loop() -> asyncio.AbstractEventLoop | None:
    """The program's event loop when invoke() runs inside it (always under the engine; a
    unit test that builds a program at import time has none: it takes the general path)."""
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None


def _done(loop: asyncio.AbstractEventLoop, value: bool) -> asyncio.Future[bool]:
    future: asyncio.Future[bool] = loop.create_future()
    future.set_result(value)
    return future
