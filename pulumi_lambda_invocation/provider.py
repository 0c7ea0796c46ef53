"""The dynamic provider behind :class:`~pulumi_lambda_invocation.LambdaInvocation`.

STABLE IMPORT PATH: ``pulumi_lambda_invocation.provider.LambdaInvocationProvider``.
Pulumi stores the provider pickled *by reference* (module and class name) in every
resource's ``__provider`` property; existing stacks can only refresh, update and destroy
their resources while this class stays importable under this name.

The instance holds no state when it is pickled (``__init__`` sets nothing), so
``__provider`` is a few dozen bytes and never carries a client, a session or a
credential (``__getstate__`` says so even after ``configure``). ``configure`` runs in Pulumi's
provider host only and keeps the stack's ``aws:*`` settings (see :mod:`.aws_config`) in
memory for the calls that follow.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any

from pulumi.dynamic import (
    CheckFailure,
    CheckResult,
    ConfigureRequest,
    CreateResult,
    DiffResult,
    ReadResult,
    ResourceProvider,
    UpdateResult,
)
from pulumi.output import Unknown
from pulumi.runtime import rpc

import lambda_invocation_core as core

from .aws_config import stack_settings
from .core_args import connection_settings, request_kwargs, send
from .schema import CRUD, DEFAULTS, INPUT_NAMES, LIFECYCLE_SCOPES, PLACEHOLDERS, REPLACE_NAMES

PROVIDER_KEY = "__provider"


def _is_unknown(value: Any) -> bool:
    """True for a value the engine does not know yet (preview), at any depth."""
    if isinstance(value, Unknown) or value == rpc.UNKNOWN:
        return True
    if isinstance(value, Mapping):
        return any(_is_unknown(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_is_unknown(item) for item in value)
    return False


def _with_defaults(props: Mapping[str, Any]) -> dict[str, Any]:
    # The engine strips secret markers before calling a provider that does not accept
    # secrets; unwrapping again costs nothing and keeps a stray marker out of requests.
    values = {name: rpc.unwrap_rpc_secret(props.get(name)) for name in INPUT_NAMES}
    for name, default in DEFAULTS.items():
        if values[name] is None:
            values[name] = default
    return values


class LambdaInvocationProvider(ResourceProvider):
    """Invokes on create and update, never on read; on delete only in CRUD scope."""

    # Filled by configure() inside the provider host (ConnectionSettings keyword arguments
    # from the stack's aws:* keys); the class-level default keeps the pickled instance empty.
    _stack: Mapping[str, Any] = {}

    def configure(self, req: ConfigureRequest) -> None:
        config = req.config
        self._stack = stack_settings(lambda key: config.get("aws:" + key))

    def __getstate__(self) -> None:
        # Pickled (into __provider) by reference and with no state, whatever configure() read:
        # the stack's settings may hold credentials (aws:secretKey), which must never be stored.
        return None

    # -- engine entry points -------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        values = _with_defaults(news)
        for name, default in DEFAULTS.items():
            inputs.setdefault(name, default)
        return CheckResult(inputs, _check_failures(values))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = _with_defaults(olds), _with_defaults(news)
        changed = [name for name in INPUT_NAMES if _is_unknown(new[name]) or old[name] != new[name]]
        if not changed:
            return DiffResult(changes=False)
        replace_fields = list(REPLACE_NAMES)
        if new["lifecycle_scope"] != CRUD:
            # Terraform: in CREATE_ONLY scope a new input means a new invocation.
            replace_fields.append("payload")
        replaces = [name for name in changed if name in replace_fields]
        return DiffResult(changes=True, replaces=replaces)

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._invoke(props, action="create", previous=None)
        # A random id: the id is shown everywhere and must not reveal payload or result.
        return CreateResult(uuid.uuid4().hex, outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        return UpdateResult(self._invoke(news, action="update", previous=olds))

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # Refresh must never run the function: the stored state is the truth.
        return ReadResult(id_, props)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if _with_defaults(props)["lifecycle_scope"] == CRUD:
            self._invoke(props, action="delete", previous=props)

    # -- the invocation --------------------------------------------------------------------

    def _invoke(
        self, props: Mapping[str, Any], *, action: str, previous: Mapping[str, Any] | None
    ) -> dict[str, Any]:
        values = _with_defaults(props)
        payload: Any = values["payload"]
        if values["lifecycle_scope"] == CRUD:
            payload = _crud_payload(values, action, previous)
        request = core.build_request(**{**request_kwargs(values), "payload": payload})
        connection = connection_settings(values, self._stack)
        result = send(request, connection, fail_on_function_error=bool(values["fail_on_function_error"]))
        outs = {name: value for name, value in props.items() if name != PROVIDER_KEY}
        outs.update({name: value for name, value in values.items() if name in DEFAULTS})
        outs.update(result.as_dict())
        outs["result_json"] = result.result_json
        return outs


def _crud_payload(values: Mapping[str, Any], action: str, previous: Mapping[str, Any] | None) -> Any:
    """Terraform's CRUD payload: the input object plus {key: {action, prev_input}}.

    ``prev_input`` is the previous input object on update, the current one on delete
    and null on create, as in the Terraform resource.
    """
    document = _json_object(values["payload"])
    if document is None:
        # check() reports this; a state written before that check still gets a clear error.
        raise core.ValidationError("payload", "must be a JSON object when lifecycle_scope is CRUD")
    prev_input = None
    if previous is not None:
        prev_input = _json_value(_with_defaults(previous)["payload"])
    document[values["terraform_key"]] = {"action": action, "prev_input": prev_input}
    return document


def _json_value(payload: Any) -> Any:
    if isinstance(payload, str):
        try:
            return json.loads(payload)
        except ValueError:
            return None
    return payload


def _json_object(payload: Any) -> dict[str, Any] | None:
    value = _json_value(payload)
    return value if isinstance(value, dict) else None


def _check_failures(values: Mapping[str, Any]) -> list[CheckFailure]:
    failures: list[CheckFailure] = []
    known = {name: value for name, value in values.items() if not _is_unknown(value)}

    scope = known.get("lifecycle_scope", DEFAULTS["lifecycle_scope"])
    if scope not in LIFECYCLE_SCOPES:
        failures.append(CheckFailure("lifecycle_scope", "must be 'CREATE_ONLY' or 'CRUD'"))
    key = known.get("terraform_key", DEFAULTS["terraform_key"])
    if not isinstance(key, str) or not key:
        failures.append(CheckFailure("terraform_key", "must be a non-empty string"))
    if not isinstance(known.get("fail_on_function_error", DEFAULTS["fail_on_function_error"]), bool):
        failures.append(CheckFailure("fail_on_function_error", "must be true or false"))
    triggers = known.get("triggers")
    if triggers is not None and not isinstance(triggers, Mapping):
        failures.append(CheckFailure("triggers", "must be a mapping"))

    if scope == CRUD and known.get("idempotency_key"):
        # The function would answer the update and delete with the create's stored result.
        rule = "cannot be combined with lifecycle_scope CRUD (one key for three actions)"
        failures.append(CheckFailure("idempotency_key", rule))
    failures.extend(_core_failures(known))
    payload = known.get("payload")
    reported = {failure.property for failure in failures}
    if scope == CRUD and "payload" in known and "payload" not in reported and _json_object(payload) is None:
        failures.append(CheckFailure("payload", "must be a JSON object when lifecycle_scope is CRUD"))
    return failures


def _core_failures(known: Mapping[str, Any]) -> list[CheckFailure]:
    """Every input the core rejects, one build_request()/ConnectionSettings() call at a time.

    The core stops at the first broken field; replacing it with a placeholder and asking
    again reports the next one, without repeating any of the core's rules here.
    """
    trial = {name: known.get(name, placeholder) for name, placeholder in PLACEHOLDERS.items()}
    failures: list[CheckFailure] = []
    for _ in range(len(PLACEHOLDERS)):
        try:
            core.build_request(**request_kwargs(trial))
            connection_settings(trial, {})
            break
        except core.ValidationError as exc:
            if exc.field not in trial or any(f.property == exc.field for f in failures):
                # A rule about a combination of fields: report it once and stop.
                failures.append(CheckFailure(exc.field, exc.rule))
                break
            failures.append(CheckFailure(exc.field, exc.rule))
            trial[exc.field] = PLACEHOLDERS[exc.field]
    return failures
