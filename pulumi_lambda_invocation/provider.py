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

import dataclasses
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
from .schema import (
    CRUD,
    DEFAULTS,
    INPUT_NAMES,
    INVOKING_NAMES,
    LIFECYCLE_SCOPES,
    OUTPUT_NAMES,
    PLACEHOLDERS,
    REPLACE_NAMES,
    STORED_KEYS,
)

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
        # olds are the stored outputs: the inputs at the last create/update, the effective
        # region and endpoint (STORED_KEYS) and the result.
        old, new = _with_defaults(olds), _with_defaults(news)
        changed = [name for name in INPUT_NAMES if _input_changed(name, old[name], new[name])]
        moved = self._moved_targets(olds, new)
        if not changed and not moved:
            return DiffResult(changes=False)
        replace_fields = [name for name in REPLACE_NAMES if name not in STORED_KEYS]
        if new["lifecycle_scope"] != CRUD:
            # Terraform: in CREATE_ONLY scope a new input means a new invocation.
            replace_fields.append("payload")
        replaces = [name for name in changed if name in replace_fields] + moved
        return DiffResult(changes=True, replaces=replaces)

    def _moved_targets(self, olds: Mapping[str, Any], new: Mapping[str, Any]) -> list[str]:
        """The stored inputs (region, endpoint) whose effective value differs from the one
        stored at create: the new invocation goes elsewhere, a replace. A state written before
        the values were stored compares the inputs themselves."""
        if any(_is_unknown(new[name]) for name in STORED_KEYS):
            return [name for name in STORED_KEYS if _is_unknown(new[name])]
        if not all(key in olds for key in STORED_KEYS.values()):
            old = _with_defaults(olds)
            return [name for name in STORED_KEYS if old[name] != new[name]]
        try:
            effective = self._effective_targets(new)
        except core.LambdaInvocationError:
            # The settings cannot make a client now (no region...): create and update report
            # it with the field named; the diff does not guess.
            return []
        return [name for name, key in STORED_KEYS.items() if olds[key] != effective[key]]

    def _effective_targets(self, values: Mapping[str, Any]) -> dict[str, Any]:
        """The region and endpoint an invocation with these inputs goes to now (no request)."""
        return _effective_targets(connection_settings(values, self._stack))

    def create(self, props: dict[str, Any]) -> CreateResult:
        outs = self._invoke(props, action="create", previous=None)
        # A random id: the id is shown everywhere and must not reveal payload or result.
        return CreateResult(uuid.uuid4().hex, outs)

    def update(self, _id: str, olds: dict[str, Any], news: dict[str, Any]) -> UpdateResult:
        old, new = _with_defaults(olds), _with_defaults(news)
        if any(_input_changed(name, old[name], new[name]) for name in INVOKING_NAMES):
            return UpdateResult(self._invoke(news, action="update", previous=olds, stored=olds))
        # Only how to connect or when to invoke changed: the stored answer stays (secret by
        # the resource's additional_secret_outputs) and the new inputs are recorded.
        kept = {key: olds[key] for key in (*OUTPUT_NAMES, *STORED_KEYS.values()) if key in olds}
        return UpdateResult({**_inputs_of(news, new), **kept})

    def read(self, id_: str, props: dict[str, Any]) -> ReadResult:
        # Refresh must never run the function: the stored state is the truth.
        return ReadResult(id_, props)

    def delete(self, _id: str, props: dict[str, Any]) -> None:
        if _with_defaults(props)["lifecycle_scope"] == CRUD:
            self._invoke(props, action="delete", previous=props, stored=props)

    # -- the invocation --------------------------------------------------------------------

    def _invoke(
        self,
        props: Mapping[str, Any],
        *,
        action: str,
        previous: Mapping[str, Any] | None,
        stored: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """Invoke with these inputs; ``stored`` (the state) fixes the region and endpoint to
        the ones of the create, whatever the stack's configuration says now."""
        values = _with_defaults(props)
        payload: Any = values["payload"]
        if values["lifecycle_scope"] == CRUD:
            payload = _crud_payload(values, action, previous)
        request = core.build_request(**{**request_kwargs(values), "payload": payload})
        connection = connection_settings(values, self._stack)
        if stored is not None and all(key in stored for key in STORED_KEYS.values()):
            connection = dataclasses.replace(
                connection, **{name: stored[key] for name, key in STORED_KEYS.items()}
            )
        result = send(request, connection, fail_on_function_error=bool(values["fail_on_function_error"]))
        outs = _inputs_of(props, values)
        outs.update(_effective_targets(connection))  # the client just used, from the cache
        outs.update(result.as_dict())
        outs["result_json"] = result.result_json
        return outs


def _effective_targets(connection: core.ConnectionSettings) -> dict[str, Any]:
    """STORED_KEYS' values for these settings: the region after the whole chain (input, stack,
    AWS_REGION, the profile) as the client resolved it, and the endpoint as configured (None:
    AWS's own for the region). Makes (or reuses) the client; sends nothing."""
    region = core.get_client(connection).meta.region_name
    return {STORED_KEYS["region"]: region, STORED_KEYS["endpoint_url"]: connection.endpoint_url}


def _inputs_of(props: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    """The inputs as they are stored: as given, plus the defaults check filled in."""
    outs = {name: value for name, value in props.items() if name != PROVIDER_KEY}
    outs.update({name: value for name, value in values.items() if name in DEFAULTS})
    return outs


def _input_changed(name: str, old: Any, new: Any) -> bool:
    """A change the diff counts: unknown (preview) or another value. Payloads are compared
    as parsed JSON (another key order or spacing is the same request), other inputs as they are."""
    if _is_unknown(new):
        return True
    if name == "payload":
        return bool(_canonical_json(old) != _canonical_json(new))
    return bool(old != new)


def _canonical_json(payload: Any) -> Any:
    """One text for every spelling of the same JSON document (keys sorted, no spaces); a
    payload that does not parse stays as it is. 1, 1.0 and true remain different."""
    if not isinstance(payload, str):
        return payload
    try:
        document = json.loads(payload)
    except ValueError:
        return payload
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


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
