"""Warm runtime pools and concurrency accounting.

An invocation takes an idle runtime of its function version or starts a new one; it is
throttled when the function already has as many invocations in flight as its reserved
concurrency (or, for functions without one, when the endpoint-wide limit is reached).
Runtimes are returned to their pool after use; dead ones (timed out, crashed) are dropped
and the next call starts a fresh process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .config import Config, FunctionSpec, VersionSpec
from .runtime import Invocation, Outcome, Runtime, RuntimeGone, RuntimeSettings

RESERVED_LIMIT = "ReservedFunctionConcurrentInvocationLimitExceeded"
ACCOUNT_LIMIT = "ConcurrentInvocationLimitExceeded"


class Throttled(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Closed(Exception):
    """The endpoint is shutting down."""


class Service:
    def __init__(self, config: Config, settings: RuntimeSettings, max_concurrency: int) -> None:
        self.config = config
        self._settings = settings
        self._max_concurrency = max_concurrency
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str], list[Runtime]] = {}
        self._in_flight: dict[str, int] = {}
        self._unreserved_in_flight = 0
        self._all: set[Runtime] = set()
        self._closed = False

    @contextmanager
    def runtime_for(self, function: FunctionSpec, version: VersionSpec) -> Iterator[Runtime]:
        runtime = self._acquire(function, version)
        try:
            yield runtime
        finally:
            self._release(function, runtime)

    def invoke(self, function: FunctionSpec, version: VersionSpec, inv: Invocation) -> Outcome:
        """Run one invocation; raises Throttled or Closed before anything runs."""
        while True:
            with self.runtime_for(function, version) as runtime:
                try:
                    return runtime.run(inv)
                except RuntimeGone:
                    continue  # an idle process died under us: take another one

    def invoke_when_possible(
        self, function: FunctionSpec, version: VersionSpec, inv: Invocation
    ) -> Outcome | None:
        """For Event invocations: wait out throttling (AWS queues them) instead of failing."""
        delay = 0.01
        while True:
            try:
                return self.invoke(function, version, inv)
            except Throttled:
                time.sleep(delay)
                delay = min(delay * 2, 0.5)
            except Closed:
                return None

    def _acquire(self, function: FunctionSpec, version: VersionSpec) -> Runtime:
        key = (function.name, version.version)
        with self._lock:
            if self._closed:
                raise Closed()
            in_flight = self._in_flight.get(function.name, 0)
            if function.reserved_concurrency is not None:
                if in_flight >= function.reserved_concurrency:
                    raise Throttled(RESERVED_LIMIT)
            elif self._unreserved_in_flight >= self._max_concurrency:
                raise Throttled(ACCOUNT_LIMIT)
            self._in_flight[function.name] = in_flight + 1
            if function.reserved_concurrency is None:
                self._unreserved_in_flight += 1
            pool = self._idle.get(key, [])
            while pool:
                runtime = pool.pop()  # most recently used first: the warmest
                if runtime.alive:
                    return runtime
                self._all.discard(runtime)
        # Starting a process takes a few ms: do it outside the lock.
        try:
            runtime = Runtime(version, self._settings)
            runtime.start()
        except BaseException:
            self._uncount(function)
            raise
        with self._lock:
            closed = self._closed
            if not closed:
                self._all.add(runtime)
        if closed:
            runtime.kill()
            self._uncount(function)
            raise Closed()
        return runtime

    def _uncount(self, function: FunctionSpec) -> None:
        with self._lock:
            self._in_flight[function.name] -= 1
            if function.reserved_concurrency is None:
                self._unreserved_in_flight -= 1

    def _release(self, function: FunctionSpec, runtime: Runtime) -> None:
        self._uncount(function)
        with self._lock:
            keep = runtime.alive and not runtime.busy and not self._closed
            if keep:
                self._idle.setdefault((function.name, runtime.spec.version), []).append(runtime)
            else:
                self._all.discard(runtime)
        if not keep:
            runtime.kill()  # idempotent; makes sure a timed-out or stray process is gone

    def snapshot(self) -> list[dict[str, Any]]:
        with self._lock:
            runtimes = list(self._all)
        return [
            {
                "function": rt.spec.function_name,
                "version": rt.spec.version,
                "pid": rt.pid,
                "state": "dead" if not rt.alive else "busy" if rt.busy else "idle",
            }
            for rt in runtimes
        ]

    def reset(self) -> int:
        """Kill idle runtimes so the next calls start cold; returns how many were stopped."""
        with self._lock:
            idle = [rt for pool in self._idle.values() for rt in pool]
            self._idle.clear()
            for rt in idle:
                self._all.discard(rt)
        for rt in idle:
            rt.kill()
        for rt in idle:
            rt.join(5)
        return len(idle)

    def close(self, timeout: float = 5.0) -> list[int]:
        """Kill every runtime process group and reap them; returns pids that did not exit."""
        with self._lock:
            self._closed = True
            runtimes = list(self._all)
            self._all.clear()
            self._idle.clear()
        for rt in runtimes:
            rt.kill()
        deadline = time.monotonic() + timeout
        return [rt.pid for rt in runtimes if not rt.join(max(0.0, deadline - time.monotonic()))]
