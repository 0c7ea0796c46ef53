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
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import Any, cast

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


OUTPUT_NAMES = ("result", "executed_version", "function_error", "log_result", "status_code")
"""The keys of an :class:`InvokeResult`, always all present."""


@pulumi.output_type
class InvokeResult(Mapping[str, Any]):
    """The outcome of :func:`invoke`: a read-only mapping of the five outputs with attribute
    access, like the result classes of pulumi-aws's functions.

    A mapping so that it can be exported or passed to a resource as it is (the SDK
    serializes any mapping); attributes so that ``invoke(...).result`` works on the Output
    (``Output`` lifts attribute access) and ``r.result`` inside ``apply``.

    Not a ``dict``: ``Output.all``, ``Output.from_input`` and ``Output.secret`` rebuild every
    dict they meet as a plain dict, which would drop the attributes; any other mapping passes
    through them as it is, as pulumi-aws's result classes do. ``dict(value)`` gives a dict.
    An output type (``@pulumi.output_type``, the getters): ``pulumi.export`` turns a mapping
    that is no dict into a list of its keys, an output type into its getters' values (those
    that are not None), as for pulumi-aws's results.

    A key the answer lacks reads as None (by attribute and by key), as the attributes of a
    pulumi-aws result built from a mock's ``{}`` do: under ``set_mocks``, a mocks ``call``
    that answers ``{}`` gives a result of Nones, not a ``KeyError``. A real invocation always
    has ``result`` and ``status_code``. Keys other than the five are left out.
    """

    __slots__ = ("_values",)

    def __init__(self, values: Mapping[str, Any] | None = None) -> None:
        given = values or {}
        self._values: dict[str, Any] = {name: given.get(name) for name in OUTPUT_NAMES}

    @classmethod
    def from_core(cls, result: core.InvocationResult) -> InvokeResult:
        return cls(result.as_dict())

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._values) == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # a mapping, compared by value

    # The annotations are what a real invocation gives (pulumi-aws's result classes are
    # annotated the same way); only a mock's answer can leave a value None.
    @property
    @pulumi.getter
    def result(self) -> str:
        """The response payload as text."""
        value: str = self._values["result"]
        return value

    @property
    @pulumi.getter
    def executed_version(self) -> str | None:
        value: str | None = self._values["executed_version"]
        return value

    @property
    @pulumi.getter
    def function_error(self) -> str | None:
        value: str | None = self._values["function_error"]
        return value

    @property
    @pulumi.getter
    def log_result(self) -> str | None:
        """Base64 tail of the execution log (``log_type="Tail"``), else None."""
        value: str | None = self._values["log_result"]
        return value

    @property
    @pulumi.getter
    def status_code(self) -> int:
        value = self._values["status_code"]
        # The wire format has no integers: a mock's 200 comes back as 200.0. None only from a
        # mock that left the key out (see the class's docstring).
        return cast(int, value if value is None else int(value))

    @property
    def result_json(self) -> Any:
        """The response parsed as JSON, or None when it is not JSON (or missing)."""
        core_result = self._core()
        return None if core_result is None else core_result.result_json

    @property
    def log_text(self) -> str | None:
        """The decoded log tail, or None."""
        core_result = self._core()
        return None if core_result is None else core_result.log_text

    def _core(self) -> core.InvocationResult | None:
        if self._values["result"] is None:
            return None
        return core.InvocationResult(
            result=self.result,
            executed_version=self.executed_version,
            function_error=self.function_error,
            log_result=self.log_result,
            status_code=self.status_code,
        )

    def __repr__(self) -> str:
        # The result and log may be secret; a stray print() must not show them.
        shown = {name: self._values[name] for name in ("executed_version", "function_error", "status_code")}
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
    during_preview: bool = True,
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

    ``during_preview=False`` keeps the call from running during preview (``pulumi preview``
    and the preview that ``pulumi up`` runs first): the result is then unknown there, and an
    ``up`` sends the call once, in its update. The default (True) is Terraform's: the call
    runs in plan and apply alike, so an ``up`` with its preview sends it twice.

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
    if not during_preview and pulumi.runtime.is_dry_run():
        # The opt-out: nothing is sent in preview (nor asked of the mocks), the result is
        # unknown, as an output of a resource still to be created is. `pulumi up` runs the
        # program twice (preview, then update): only the update sends.
        return _unknown_in_preview(given, after)
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


def _unknown_in_preview(
    given: Mapping[str, Any], after: list[pulumi.CustomResource]
) -> pulumi.Output[InvokeResult]:
    """The result of a call that ``during_preview=False`` keeps from running in preview:
    unknown and secret, depending on ``opts.depends_on``. Plain inputs are checked as they
    would be by the call, so that a preview still reports a bad one."""
    if all(_is_plain(value) for value in given.values()):
        frozen = {**given, "payload": payload_text(given["payload"])}
        if "client_context" in frozen:
            frozen["client_context"] = client_context_text(frozen["client_context"])
        core.build_request(**request_kwargs(frozen))

    async def constant(value: Any) -> Any:
        return value

    return pulumi.Output(set(after), constant(None), constant(False), constant(True))


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
    answered: pulumi.Output[Mapping[str, Any]] = secret_inputs.apply(call)
    return answered.apply(InvokeResult)


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
