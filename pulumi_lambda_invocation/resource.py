"""``LambdaInvocation``: a resource that invokes a Lambda function and keeps the result secret."""

from __future__ import annotations

from collections.abc import Awaitable, Mapping
from dataclasses import dataclass, fields
from typing import Any, Optional, cast, overload

import pulumi
import pulumi.dynamic

import lambda_invocation_core as core

from .core_args import client_context_text, payload_text
from .idempotency import DERIVE_IDEMPOTENCY_KEY, derived_key
from .provider import LambdaInvocationProvider
from .schema import OUTPUT_NAMES, SECRET_OUTPUTS


@dataclass
class LambdaInvocationArgs:
    """The inputs of a :class:`LambdaInvocation`.

    Every field accepts a plain value or a ``pulumi.Input`` (an Output of another resource).
    A change of the request (function, payload as parsed JSON, qualifier, client context,
    log type, tenant id), of a trigger or of the effective region or endpoint invokes again;
    any other change updates the state without invoking (the README's table says which).
    """

    function_name: pulumi.Input[str]
    """Function name, ``name:qualifier``, partial ARN or full ARN."""

    payload: pulumi.Input[Any]
    """The event: JSON text (``str``) or a JSON-serializable value, which may contain Inputs.
    A value is serialized compactly in the program."""

    qualifier: pulumi.Input[str] | None = None
    """Version or alias to invoke (default: ``$LATEST``)."""

    client_context: pulumi.Input[Any] | None = None
    """Base64 ClientContext, or a mapping that is JSON-encoded and base64-encoded for you."""

    log_type: pulumi.Input[str] | None = None
    """``Tail`` to receive the last 4 KB of the execution log in ``log_result``; default ``None``."""

    tenant_id: pulumi.Input[str] | None = None
    """Tenant id for functions with tenant isolation."""

    idempotency_key: pulumi.Input[str] | None = None
    """A key the function deduplicates on (Powertools' idempotency utility), added to the
    (object) payload at ``idempotency_key_field``; a lost answer is then asked again instead of
    failing. ``DERIVE_IDEMPOTENCY_KEY`` derives it from the URN and a digest of the inputs and
    triggers, so that a create replayed after an interrupted ``pulumi up`` is deduplicated."""

    idempotency_key_field: pulumi.Input[str] | None = None
    """The payload's top-level field for ``idempotency_key`` (default ``idempotency_key``)."""

    triggers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None
    """Arbitrary values; any change replaces the resource and invokes again."""

    lifecycle_scope: pulumi.Input[str] | None = None
    """``CREATE_ONLY`` (default): invoke on create/replace/update. ``CRUD``: also on delete, with
    ``{terraform_key: {"action": ..., "prev_input": ...}}`` added to the (object) payload."""

    terraform_key: pulumi.Input[str] | None = None
    """The payload key that carries the lifecycle action in ``CRUD`` scope (default ``tf``)."""

    fail_on_function_error: pulumi.Input[bool] | None = None
    """Fail the operation when the function fails (default ``True``); when ``False`` the error
    is reported in ``function_error`` and its details stay in the secret ``result``."""

    region: pulumi.Input[str] | None = None
    """AWS region; default: the stack's ``aws:region``, then ``AWS_REGION``/the profile."""

    profile: pulumi.Input[str] | None = None
    """AWS profile; default: the stack's ``aws:profile``, then boto3's default chain."""

    endpoint_url: pulumi.Input[str] | None = None
    """Lambda endpoint override (a local endpoint, a VPC endpoint)."""

    read_timeout: pulumi.Input[float] | None = None
    """Seconds to wait for the function's answer (default 960: Lambda's 900 s maximum plus a
    margin). The invocation is never re-sent after a timeout."""

    role_arn: pulumi.Input[str] | None = None
    """IAM role to assume (STS AssumeRole, from the ambient credentials) for the call; the
    temporary credentials stay in memory only."""

    role_session_name: pulumi.Input[str] | None = None
    """Session name for ``role_arn`` (default ``ephemeral-lambda-invocation``)."""

    external_id: pulumi.Input[str] | None = None
    """External id for ``role_arn``, if the role's trust policy requires one (pass it as
    ``pulumi.Output.secret(...)`` to keep it encrypted in state)."""

    role_duration: pulumi.Input[int] | None = None
    """Seconds the assumed-role session lasts (900 to 43200)."""


class LambdaInvocation(pulumi.dynamic.Resource, module="lambda_invocation", name="LambdaInvocation"):
    """Invokes an AWS Lambda function (RequestResponse) when created and when its inputs change.

    ``result``, ``log_result`` and ``result_json`` are secret in state and in every output.
    Refresh never invokes; destroy invokes only with ``lifecycle_scope="CRUD"``. In preview the
    outputs are unknown: the function runs during ``pulumi up`` only.

    The type token (``pulumi-python:dynamic/lambda_invocation:LambdaInvocation``) is part of
    every resource's URN and must not change.
    """

    @overload
    def __init__(
        self,
        resource_name: str,
        args: LambdaInvocationArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None: ...

    @overload
    def __init__(
        self,
        resource_name: str,
        opts: pulumi.ResourceOptions | None = None,
        *,
        function_name: pulumi.Input[str],
        payload: pulumi.Input[Any],
        qualifier: pulumi.Input[str] | None = None,
        client_context: pulumi.Input[Any] | None = None,
        log_type: pulumi.Input[str] | None = None,
        tenant_id: pulumi.Input[str] | None = None,
        idempotency_key: pulumi.Input[str] | None = None,
        idempotency_key_field: pulumi.Input[str] | None = None,
        triggers: pulumi.Input[Mapping[str, pulumi.Input[str]]] | None = None,
        lifecycle_scope: pulumi.Input[str] | None = None,
        terraform_key: pulumi.Input[str] | None = None,
        fail_on_function_error: pulumi.Input[bool] | None = None,
        region: pulumi.Input[str] | None = None,
        profile: pulumi.Input[str] | None = None,
        endpoint_url: pulumi.Input[str] | None = None,
        read_timeout: pulumi.Input[float] | None = None,
        role_arn: pulumi.Input[str] | None = None,
        role_session_name: pulumi.Input[str] | None = None,
        external_id: pulumi.Input[str] | None = None,
        role_duration: pulumi.Input[int] | None = None,
    ) -> None: ...

    def __init__(self, resource_name: str, *args: Any, **kwargs: Any) -> None:
        resource_args, opts = _args_and_opts(args, kwargs)
        if opts is not None and opts.provider is not None:
            # The SDK would keep it for children only: a dynamic resource's package is
            # pulumi-python, so an aws.Provider's region and credentials never reach us.
            raise core.ValidationError(
                "opts.provider",
                "is not used by a dynamic resource (the SDK drops it without a word); set "
                "region, profile, role_arn or endpoint_url, or the stack's aws:* configuration",
            )
        props: dict[str, Any] = {f.name: getattr(resource_args, f.name) for f in fields(resource_args)}
        props["payload"] = _apply_if_needed(props["payload"], payload_text)
        props["client_context"] = _apply_if_needed(props["client_context"], client_context_text)
        if props["idempotency_key"] == DERIVE_IDEMPOTENCY_KEY:
            parent = opts.parent if opts else None
            urn = pulumi.resource.create_urn(
                resource_name,
                f"pulumi-python:{self._resource_type_name}",
                None if parent is None else _value_only(parent.urn),
            )
            props["idempotency_key"] = derived_key(urn, props)
        for name in OUTPUT_NAMES:
            # Outputs exist only when named in the props.
            props[name] = None
        super().__init__(LambdaInvocationProvider(), resource_name, props, _with_secret_outputs(opts))
        for name in SECRET_OUTPUTS:
            # Secret in the program too, whatever the engine or a unit test's mocks do with
            # additional_secret_outputs (the SDK's own mock monitor ignores it). The state is
            # unchanged: the engine marks the same outputs secret from the options above.
            self.__dict__[name] = pulumi.Output.secret(self.__dict__[name])

    @property
    @pulumi.getter
    def result(self) -> pulumi.Output[str]:
        """The function's response payload as text (secret)."""
        return cast("pulumi.Output[str]", pulumi.get(self, "result"))

    @property
    @pulumi.getter
    def result_json(self) -> pulumi.Output[Any]:
        """The response parsed as JSON, or None when it is not JSON (secret).

        It travels through Pulumi's property format, which has no integers (``1`` arrives as
        ``1.0``) and drops keys whose value is null: parse ``result`` for the exact document."""
        return cast("pulumi.Output[Any]", pulumi.get(self, "result_json"))

    # Optional[...], not "X | None": Pulumi evaluates these hints at run time (to type the
    # outputs), and the package runs on Python 3.9.

    @property
    @pulumi.getter
    def executed_version(self) -> pulumi.Output[Optional[str]]:  # noqa: UP045
        """The version that ran (``$LATEST`` or a number)."""
        return cast("pulumi.Output[str | None]", pulumi.get(self, "executed_version"))

    @property
    @pulumi.getter
    def function_error(self) -> pulumi.Output[Optional[str]]:  # noqa: UP045
        """``Unhandled`` (or ``Handled``) when the function failed, else None."""
        return cast("pulumi.Output[str | None]", pulumi.get(self, "function_error"))

    @property
    @pulumi.getter
    def log_result(self) -> pulumi.Output[Optional[str]]:  # noqa: UP045
        """Base64 tail of the execution log when ``log_type="Tail"``, else None (secret)."""
        return cast("pulumi.Output[str | None]", pulumi.get(self, "log_result"))

    @property
    @pulumi.getter
    def status_code(self) -> pulumi.Output[int]:
        """The Invoke API's HTTP status (200); does not reflect function errors."""
        return cast("pulumi.Output[int]", pulumi.get(self, "status_code"))


def _args_and_opts(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[LambdaInvocationArgs, pulumi.ResourceOptions | None]:
    """Accept (args[, opts]), (opts, **inputs) and (**inputs[, opts=]), as generated SDKs do."""
    if len(args) > 2:
        raise TypeError("LambdaInvocation takes resource_name, args and opts positionally")
    resource_args = kwargs.pop("args", None)
    opts = kwargs.pop("opts", None)
    for value in args:
        if isinstance(value, LambdaInvocationArgs) and resource_args is None:
            resource_args = value
        elif (isinstance(value, pulumi.ResourceOptions) or value is None) and opts is None:
            opts = value
        else:
            raise TypeError(f"unexpected positional argument of type {type(value).__name__}")
    if resource_args is None:
        resource_args = LambdaInvocationArgs(**kwargs)
    elif kwargs:
        raise TypeError("pass either a LambdaInvocationArgs or keyword arguments, not both")
    return resource_args, opts


def _value_only(output: pulumi.Output[str]) -> pulumi.Output[str]:
    """The parent's URN without the dependency on the parent: depending on a component means
    depending on its children, this resource among them (a cycle)."""
    value = cast("Awaitable[str]", output.future())  # a URN is never None
    return pulumi.Output(set(), value, output.is_known(), output.is_secret())


def _apply_if_needed(value: Any, convert: Any) -> Any:
    if value is None or isinstance(value, str):
        return value
    return pulumi.Output.from_input(value).apply(convert)


def _with_secret_outputs(opts: pulumi.ResourceOptions | None) -> pulumi.ResourceOptions:
    """The user's options plus our secret outputs; nothing the user set is dropped."""
    already = set((opts.additional_secret_outputs or []) if opts else [])
    missing = [name for name in SECRET_OUTPUTS if name not in already]
    return pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(additional_secret_outputs=missing))
