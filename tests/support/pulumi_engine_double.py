"""An engine double: runs a Pulumi program in this process, playing the engine's steps for
dynamic resources, for the fast unit tests of tests/pulumi (no CLI, no subprocess).

It runs the program the way the language host does (``run_in_stack`` with a resource
monitor), deserializes ``__provider`` (dill), configures the provider once with the stack
config and calls check, then create; or diff, then update / replace / nothing; delete for
resources the program no longer declares; read on refresh. Preview calls check and diff
only. It keeps state between runs, so a second ``up`` of the same program is a no-op test.
Resources of other types are echoed back as their inputs.

The behaviours the engine owns are tested under the real CLI (tests/pulumi_engine, with
tools/pulumi_cli's build); a unit test here proves the provider's decisions only. Each way
this double differs from the engine (pulumi/pulumi v3.277, the release tools/pulumi_cli
pins):

- **Stack config values.** The engine sends every config value to the provider's configure
  as a string (objects, numbers and booleans as JSON text); the double passes the values as
  the test gave them (a list stays a list). The program sees JSON text in both.
- **Refresh and destroy.** The engine configures the provider from the config stored at the
  last ``up`` (the default provider's inputs in the checkpoint); the double uses its current
  ``config``. Both use the ``__provider`` kept in the old outputs.
- **Secrets.** The engine strips nested secret markers before calling the provider and marks
  outputs secret again recursively (same-named keys at any depth); the double strips and
  re-marks the top level only (plus ``additional_secret_outputs``).
- **Preview.** The engine's preview outputs are the *checked* inputs (defaults filled in);
  the double returns the raw inputs.
- **Replacement.** The engine deletes a replaced resource after the program has finished
  (create-before-delete), with the old ``__provider``; the double deletes it right after
  creating the new one, while the program still runs. ``replace_on_changes`` is honoured by
  the double; the engine ignores it for a dynamic resource (no detailed diff).
- **Interrupted ``up``.** Not modelled: the engine leaves a pending create in the checkpoint,
  which the next ``up`` replays as a fresh Create until ``pulumi refresh
  --clear-pending-creates`` (tests/pulumi_engine/test_engine_interrupted.py).
- **``up`` without ``--skip-preview``.** The engine runs the program twice (so ``invoke()``
  runs twice); the double's ``up`` runs it once, its ``preview`` once.
- **Not there at all:** aliases, parents' deletion order, import, protect, the checkpoint's
  serialization (and its encryption of secrets), plugins and their processes.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import dill  # type: ignore[import-untyped]
from google.protobuf import empty_pb2
from pulumi.dynamic import Config, ConfigureRequest, ResourceProvider
from pulumi.output import Unknown
from pulumi.runtime import rpc
from pulumi.runtime.config import set_all_config
from pulumi.runtime.mocks import MockEngine, MockMonitor, MockResourceArgs, Mocks, MockSettings
from pulumi.runtime.proto import resource_pb2
from pulumi.runtime.settings import configure
from pulumi.runtime.stack import run_in_stack
from pulumi.runtime.sync_await import _sync_await

PROVIDER_KEY = "__provider"
DYNAMIC_PREFIX = "pulumi-python:dynamic"
SECRET = "[secret]"
UNKNOWN_TEXT = "[unknown]"

Program = Callable[[], Any]


class CheckFailedError(Exception):
    """The provider's check returned failures (the engine reports them and stops)."""

    def __init__(self, urn: str, failures: list[tuple[str, str]]) -> None:
        self.urn = urn
        self.failures = failures
        details = "; ".join(f"{prop}: {reason}" for prop, reason in failures)
        super().__init__(f"{urn}: check failed: {details}")


@dataclass
class StateEntry:
    """One resource in the engine's state, as a checkpoint holds it."""

    urn: str
    type: str
    id: str
    inputs: dict[str, Any]
    outputs: dict[str, Any]
    secret_outputs: set[str] = field(default_factory=set)

    def plain_outputs(self) -> dict[str, Any]:
        return {k: v for k, v in self.outputs.items() if k != PROVIDER_KEY}


@dataclass
class RunResult:
    """What one ``up``/``preview`` did."""

    steps: list[tuple[str, str]]
    """(operation, resource name): create, update, replace, same, delete."""
    stack_outputs: dict[str, Any]
    """Stack outputs as the engine received them: secrets are rpc secret wrappers."""
    requests: dict[str, Any]
    """The RegisterResourceRequest of every resource, by resource name."""

    def value(self, name: str) -> Any:
        """A stack output's value, secret or not (None, like Pulumi, when it is absent)."""
        return rpc.unwrap_rpc_secret(self.stack_outputs.get(name))

    def is_secret(self, name: str) -> bool:
        return rpc.is_rpc_secret(self.stack_outputs[name])

    def is_known(self, name: str) -> bool:
        value = self.value(name)
        return not (isinstance(value, Unknown) or value == rpc.UNKNOWN)

    def display_outputs(self) -> dict[str, Any]:
        """Stack outputs as ``pulumi stack output`` shows them: secrets as ``[secret]``."""
        return {name: _display(value) for name, value in self.stack_outputs.items()}


def _display(value: Any) -> Any:
    if rpc.is_rpc_secret(value):
        return SECRET
    if isinstance(value, Unknown) or value == rpc.UNKNOWN:
        return UNKNOWN_TEXT
    if isinstance(value, Mapping):
        return {k: _display(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_display(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)  # the wire format has no integers; the CLI shows them as such
    return value


class _EchoMocks(Mocks):
    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        return f"{args.name}-id", dict(args.inputs)

    def call(self, args: Any) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return {}, None


class EngineDouble:
    """Runs programs against a persistent in-memory state, much as ``pulumi up`` would (see
    the module's docstring for how it differs)."""

    def __init__(
        self,
        config: Mapping[str, Any] | None = None,
        project: str = "lambda-invocation",
        stack: str = "test",
    ) -> None:
        self.config: dict[str, Any] = dict(config or {})
        self.project = project
        self.stack = stack
        self.state: dict[str, StateEntry] = {}
        self.provider_calls: list[tuple[str, str]] = []
        self._providers: dict[str, ResourceProvider] = {}
        self._lock = threading.RLock()

    # -- operations --------------------------------------------------------------------------

    def up(self, program: Program) -> RunResult:
        return self._run(program, preview=False)

    def preview(self, program: Program) -> RunResult:
        return self._run(program, preview=True)

    def refresh(self) -> list[tuple[str, str]]:
        steps = []
        for entry in list(self.state.values()):
            if not entry.type.startswith(DYNAMIC_PREFIX):
                continue
            provider = self._provider(entry.outputs[PROVIDER_KEY])
            self.provider_calls.append(("read", _name(entry.urn)))
            result = provider.read(entry.id, dict(entry.outputs))
            if result.outs is not None:
                entry.outputs = {**result.outs, PROVIDER_KEY: entry.outputs[PROVIDER_KEY]}
            if result.inputs is not None:
                entry.inputs = dict(result.inputs)
            steps.append(("refresh", _name(entry.urn)))
        return steps

    def destroy(self) -> list[tuple[str, str]]:
        steps: list[tuple[str, str]] = []
        for urn in reversed(list(self.state)):
            self._delete(self.state[urn], steps)
        return steps

    def entry(self, name: str) -> StateEntry:
        for urn, entry in self.state.items():
            if _name(urn) == name:
                return entry
        raise KeyError(name)

    # -- program run ---------------------------------------------------------------------------

    def _run(self, program: Program, preview: bool) -> RunResult:
        monitor = _EngineMonitor(self, preview)
        failure: list[BaseException] = []

        def target() -> None:
            # A thread of its own: Pulumi's runtime settings are context variables, so every
            # run starts from a clean slate (no root stack, no leftover outputs).
            try:
                self._run_in_thread(monitor, program, preview)
            except BaseException as exc:  # re-raised in the caller's thread
                failure.append(exc)

        thread = threading.Thread(target=target, name="pulumi-engine-double")
        thread.start()
        thread.join()
        if failure:
            raise failure[0]
        if not preview:
            for urn in reversed(list(self.state)):
                if urn not in monitor.registered:
                    self._delete(self.state[urn], monitor.steps)
        return RunResult(monitor.steps, monitor.stack_outputs, monitor.requests)

    def _run_in_thread(self, monitor: _EngineMonitor, program: Program, preview: bool) -> None:
        loop = asyncio.new_event_loop()
        loop.set_exception_handler(_quiet_about_failed_runs)
        asyncio.set_event_loop(loop)
        settings = MockSettings(  # type: ignore[no-untyped-call]
            monitor=EngineSide(monitor),
            monitor_features=set(monitor.GetDeploymentInfo(empty_pb2.Empty()).supportedFeatures),  # type: ignore[no-untyped-call]
            engine=MockEngine(logging.getLogger("pulumi-engine-double")),
            project=self.project,
            stack=self.stack,
            dry_run=preview,
            organization="organization",
            callbacks=None,
        )
        configure(settings)
        set_all_config({k: v if isinstance(v, str) else json.dumps(v) for k, v in self.config.items()})
        try:
            loop.run_until_complete(run_in_stack(program))
        finally:
            loop.run_until_complete(loop.shutdown_default_executor())
            loop.close()

    # -- engine steps ----------------------------------------------------------------------

    def _provider(self, serialized: str) -> ResourceProvider:
        # As the provider host does: deserialize and configure once per distinct __provider.
        with self._lock:
            provider = self._providers.get(serialized)
            if provider is None:
                provider = dill.loads(base64.b64decode(serialized))
                provider.configure(ConfigureRequest(Config(dict(self.config), self.project)))
                self._providers[serialized] = provider
            return provider

    def _delete(self, entry: StateEntry, steps: list[tuple[str, str]]) -> None:
        if entry.type.startswith(DYNAMIC_PREFIX):
            provider = self._provider(entry.outputs[PROVIDER_KEY])
            self.provider_calls.append(("delete", _name(entry.urn)))
            provider.delete(entry.id, dict(entry.outputs))
        with self._lock:
            self.state.pop(entry.urn, None)
        steps.append(("delete", _name(entry.urn)))


def _quiet_about_failed_runs(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # When a program fails, the outputs that depended on the failure are never awaited and
    # asyncio reports each one when it is garbage-collected; the failure itself is raised.
    if "never retrieved" in str(context.get("message", "")):
        return
    loop.default_exception_handler(context)


def _name(urn: str) -> str:
    return urn.rsplit("::", 1)[-1]


class EngineSide:
    """The monitor as the program sees it: the engine, not ``set_mocks``. The package's
    ``invoke()`` answers from the mocks whenever the monitor is a ``MockMonitor``; behind this
    wrapper it calls Lambda, as it does under the CLI."""

    def __init__(self, monitor: MockMonitor) -> None:
        self._monitor = monitor

    def __getattr__(self, name: str) -> Any:
        return getattr(self._monitor, name)


class _EngineMonitor(MockMonitor):
    """The resource monitor of one run: the engine's side of RegisterResource."""

    def __init__(self, engine: EngineDouble, preview: bool) -> None:
        super().__init__(_EchoMocks())
        self.engine = engine
        self.preview = preview
        self.registered: set[str] = set()
        self.steps: list[tuple[str, str]] = []
        self.stack_outputs: dict[str, Any] = {}
        self.requests: dict[str, Any] = {}

    def RegisterResourceOutputs(self, request: Any) -> empty_pb2.Empty:
        if request.urn.split("::")[2] == "pulumi:pulumi:Stack":
            self.stack_outputs = rpc.deserialize_properties(request.outputs, keep_unknowns=True)
        return empty_pb2.Empty()

    def RegisterResource(self, request: Any) -> Any:
        if not request.type.startswith(DYNAMIC_PREFIX):
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]
        urn = self.make_urn(request.parent, request.type, request.name)
        with self.engine._lock:
            self.registered.add(urn)
            self.requests[request.name] = request
        inputs = rpc.deserialize_properties(request.object, keep_unknowns=True)
        secret_inputs = {k for k, v in inputs.items() if rpc.is_rpc_secret(v)}
        news = {k: rpc.unwrap_rpc_secret(v) for k, v in inputs.items()}
        old = self.engine.state.get(urn)
        if old is not None:
            for key in request.ignoreChanges:
                if key in old.inputs:
                    news[key] = old.inputs[key]
                else:
                    news.pop(key, None)

        entry = self._step(urn, request, old, news)
        if entry is None:
            # Preview of a create/update/replace: inputs known, outputs not.
            props = dict(news)
            id_ = old.id if old is not None else ""
            secret_outputs = secret_inputs
        else:
            entry.secret_outputs = secret_inputs | set(request.additionalSecretOutputs)
            with self.engine._lock:
                if not self.preview:
                    self.engine.state[urn] = entry
            props, id_, secret_outputs = entry.outputs, entry.id, entry.secret_outputs
        wire = {k: rpc.wrap_rpc_secret(v) if k in secret_outputs else v for k, v in props.items()}
        obj = _sync_await(rpc.serialize_properties(wire, {}))
        return resource_pb2.RegisterResourceResponse(urn=urn, id=id_, object=obj)

    def _step(
        self, urn: str, request: Any, old: StateEntry | None, news: dict[str, Any]
    ) -> StateEntry | None:
        name = request.name
        provider = self.engine._provider(news[PROVIDER_KEY])
        calls = self.engine.provider_calls
        calls.append(("check", name))
        checked = provider.check(dict(old.inputs) if old else {}, dict(news))
        if checked.failures:
            raise CheckFailedError(urn, [(f.property, f.reason) for f in checked.failures])
        inputs = dict(checked.inputs)
        inputs[PROVIDER_KEY] = news[PROVIDER_KEY]

        if old is None:
            self.steps.append(("create", name))
            if self.preview:
                return None
            calls.append(("create", name))
            created = provider.create(dict(inputs))
            return StateEntry(urn, request.type, created.id, inputs, _outs(created.outs, inputs))

        calls.append(("diff", name))
        diff = provider.diff(old.id, dict(old.outputs), dict(inputs))
        replace_on = set(request.replaceOnChanges)
        replaces = list(diff.replaces or [])
        if diff.changes and replace_on:
            replaces += [k for k in replace_on if old.inputs.get(k) != inputs.get(k)]
        if diff.changes is False:
            self.steps.append(("same", name))
            # A same step keeps the old outputs and records the new inputs.
            return StateEntry(urn, request.type, old.id, inputs, dict(old.outputs))
        if replaces:
            self.steps.append(("replace", name))
            if self.preview:
                return None
            delete_first = bool(diff.delete_before_replace or request.deleteBeforeReplace)
            if delete_first:
                self.engine._delete(old, self.steps)
            calls.append(("create", name))
            created = provider.create(dict(inputs))
            if not delete_first:
                calls.append(("delete", name))
                provider.delete(old.id, dict(old.outputs))
                self.steps.append(("delete-replaced", name))
            return StateEntry(urn, request.type, created.id, inputs, _outs(created.outs, inputs))
        self.steps.append(("update", name))
        if self.preview:
            return None
        calls.append(("update", name))
        updated = provider.update(old.id, dict(old.outputs), dict(inputs))
        return StateEntry(urn, request.type, old.id, inputs, _outs(updated.outs, inputs))


def _outs(outs: dict[str, Any] | None, inputs: Mapping[str, Any]) -> dict[str, Any]:
    result = dict(outs or {})
    result[PROVIDER_KEY] = inputs[PROVIDER_KEY]
    # Through the wire format and back, as the provider host's answer travels: no integers
    # survive it (they come back as floats) and None values disappear.
    wire = _sync_await(rpc.serialize_properties(result, {}))
    return dict(rpc.deserialize_properties(wire))
