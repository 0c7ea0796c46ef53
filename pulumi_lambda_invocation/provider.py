"""The dynamic provider behind :class:`~pulumi_lambda_invocation.LambdaInvocation`.

STABLE IMPORT PATH: ``pulumi_lambda_invocation.provider.LambdaInvocationProvider``.
Pulumi stores the provider pickled *by reference* (module and class name) in every
resource's ``__provider`` property; existing stacks can only refresh, update and destroy
their resources while this class stays importable under this name.

The instance holds no state when it is pickled (``__init__`` sets nothing), so
``__provider`` is a few dozen bytes and never carries a client, a session or a
credential. ``configure`` runs in Pulumi's provider host only and keeps the stack's
``aws:region`` and ``aws:profile``; everything else is read per call.
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

from ._common import (
    CRUD,
    INPUT_DEFAULTS,
    INPUT_FIELDS,
    LIFECYCLE_SCOPES,
    connection_settings,
    request_kwargs,
)

PROVIDER_KEY = "__provider"

# A change to any of these targets a different invocation: replace, as Terraform's
# ForceNew does (in CRUD scope the old one receives "delete", the new one "create").
REPLACE_FIELDS = ("function_name", "qualifier", "triggers", "region", "endpoint_url")

# Stand-ins for unknown or already-reported values, so that one build_request() call
# per remaining field finds every other broken input.
_PLACEHOLDERS: Mapping[str, Any] = {
    "function_name": "placeholder",
    "payload": "{}",
    "qualifier": None,
    "client_context": None,
    "log_type": None,
    "tenant_id": None,
    "region": None,
    "profile": None,
    "endpoint_url": None,
    "read_timeout": None,
    "role_arn": None,
    "role_session_name": None,
    "external_id": None,
    "role_duration": None,
}


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
    values = {name: rpc.unwrap_rpc_secret(props.get(name)) for name in INPUT_FIELDS}
    for name, default in INPUT_DEFAULTS.items():
        if values[name] is None:
            values[name] = default
    return values


class LambdaInvocationProvider(ResourceProvider):
    """Invokes on create and update, never on read; on delete only in CRUD scope."""

    # Filled by configure() inside the provider host; class-level defaults keep the
    # pickled instance empty.
    _stack_region: str | None = None
    _stack_profile: str | None = None

    def configure(self, req: ConfigureRequest) -> None:
        region = req.config.get("aws:region")
        profile = req.config.get("aws:profile")
        self._stack_region = region if isinstance(region, str) and region else None
        self._stack_profile = profile if isinstance(profile, str) and profile else None

    # -- engine entry points -------------------------------------------------------------

    def check(self, _olds: dict[str, Any], news: dict[str, Any]) -> CheckResult:
        inputs = dict(news)
        values = _with_defaults(news)
        for name, default in INPUT_DEFAULTS.items():
            inputs.setdefault(name, default)
        return CheckResult(inputs, _check_failures(values))

    def diff(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> DiffResult:
        old, new = _with_defaults(olds), _with_defaults(news)
        changed = [name for name in INPUT_FIELDS if _is_unknown(new[name]) or old[name] != new[name]]
        if not changed:
            return DiffResult(changes=False)
        replace_fields = list(REPLACE_FIELDS)
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
        request = core.build_request(values["function_name"], payload, **request_kwargs(values))
        connection = connection_settings(values, self._stack_region, self._stack_profile)
        result = core.send(
            request, connection, fail_on_function_error=bool(values["fail_on_function_error"])
        )
        outs = {name: value for name, value in props.items() if name != PROVIDER_KEY}
        outs.update({name: value for name, value in values.items() if name in INPUT_DEFAULTS})
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

    scope = known.get("lifecycle_scope", INPUT_DEFAULTS["lifecycle_scope"])
    if scope not in LIFECYCLE_SCOPES:
        failures.append(CheckFailure("lifecycle_scope", "must be 'CREATE_ONLY' or 'CRUD'"))
    key = known.get("terraform_key", INPUT_DEFAULTS["terraform_key"])
    if not isinstance(key, str) or not key:
        failures.append(CheckFailure("terraform_key", "must be a non-empty string"))
    if not isinstance(known.get("fail_on_function_error", True), bool):
        failures.append(CheckFailure("fail_on_function_error", "must be true or false"))
    triggers = known.get("triggers")
    if triggers is not None and not isinstance(triggers, Mapping):
        failures.append(CheckFailure("triggers", "must be a mapping"))

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
    trial = {name: known.get(name, placeholder) for name, placeholder in _PLACEHOLDERS.items()}
    failures: list[CheckFailure] = []
    for _ in range(len(_PLACEHOLDERS)):
        try:
            core.build_request(trial["function_name"], trial["payload"], **request_kwargs(trial))
            connection_settings(trial)
            break
        except core.ValidationError as exc:
            if exc.field not in trial or any(f.property == exc.field for f in failures):
                # A rule about a combination of fields: report it once and stop.
                failures.append(CheckFailure(exc.field, exc.rule))
                break
            failures.append(CheckFailure(exc.field, exc.rule))
            trial[exc.field] = _PLACEHOLDERS[exc.field]
    return failures
