"""One runtime process (`awslambdaric` running a handler) and the Runtime API it talks to.

Each process gets its own Runtime API listener on a loopback port, so we always know which
process asked for the next event, posted a result, or must be killed on timeout. Its stdout
and stderr share one pipe: awslambdaric writes print() output, logging records and its own
error report there (the telemetry-fd sink is only used when _LAMBDA_TELEMETRY_LOG_FD is
set, which we do not set), and the order of lines is kept.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import select
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, cast

from . import httpio
from .config import VersionSpec

# AWS answers a too-large function response with a function error instead of the payload.
RESPONSE_LIMIT = 6_291_556
# Lambda gives a function 10 s to initialise before the invoke itself counts.
INIT_TIMEOUT = 10.0
# Only the tail of a log is ever returned (4 KB); keep a little more than that.
_LOG_KEEP = 16 * 1024
_PIPE_CHUNK = 64 * 1024

NEXT_PATH = "/2018-06-01/runtime/invocation/next"
INIT_ERROR_PATH = "/2018-06-01/runtime/init/error"
_INVOCATION_PREFIX = "/2018-06-01/runtime/invocation/"

# The runtime process kills its whole process group when the endpoint dies without
# cleaning up (SIGKILL, crash): it blocks reading a pipe whose write end only the
# endpoint holds. Otherwise this is exactly `python -m awslambdaric <handler>`.
_BOOTSTRAP = """\
import os, threading
def _local_lambda_lifeline(fd=int(os.environ.pop("_LOCAL_LAMBDA_LIFELINE_FD")), os=os):
    try:
        os.read(fd, 1)
    finally:
        os.killpg(0, 9)
threading.Thread(target=_local_lambda_lifeline, name="local-lambda-lifeline", daemon=True).start()
del os, threading, _local_lambda_lifeline
import runpy
runpy.run_module("awslambdaric", run_name="__main__", alter_sys=True)
"""

_SIGNAL_TEXT = {
    signal.SIGKILL: "killed",
    signal.SIGTERM: "terminated",
    signal.SIGSEGV: "segmentation fault",
    signal.SIGABRT: "aborted",
    signal.SIGINT: "interrupt",
}


class RuntimeGone(Exception):
    """The process died while idle, before it was given the invocation."""


@dataclass(frozen=True)
class Outcome:
    """What the Invoke API returns: payload, X-Amz-Function-Error, and the invocation log."""

    payload: bytes
    function_error: str | None
    log: bytes


@dataclass
class Invocation:
    request_id: str
    payload: bytes
    invoked_arn: str
    client_context: str | None = None  # JSON text, already decoded from base64
    tenant_id: str | None = None
    trace_id: str | None = None
    dispatched_at: float | None = None  # monotonic time the runtime received it
    outcome: Outcome | None = None


@dataclass(frozen=True)
class RuntimeSettings:
    python: str = sys.executable
    region: str = "us-east-1"
    lifeline_fd: int | None = None
    # Receives runtime output and START/END/REPORT lines as they happen (verbose mode).
    log_sink: Callable[[str, bytes], None] | None = None
    base_env: Mapping[str, str] = field(default_factory=dict)


def _utc_stamp(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(epoch)) + f".{int(epoch * 1000) % 1000:03d}Z"


def _error_document(error_type: str, message: str) -> bytes:
    return json.dumps({"errorMessage": message, "errorType": error_type}).encode("utf-8")


def _too_large_document() -> bytes:
    return _error_document(
        "Function.ResponseSizeTooLarge",
        f"Response payload size exceeded maximum allowed payload size ({RESPONSE_LIMIT} bytes).",
    )


def _peer_closed(conn: socket.socket) -> bool:
    """True if the runtime closed its end: it never sends anything while waiting on /next."""
    try:
        return conn.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True


def trace_header() -> str:
    return f"Root=1-{int(time.time()):08x}-{secrets.token_hex(12)};Parent={secrets.token_hex(8)};Sampled=0"


class Runtime:
    """A warm (or starting) runtime process serving one function version."""

    def __init__(self, spec: VersionSpec, settings: RuntimeSettings) -> None:
        self.spec = spec
        self._settings = settings
        self._cond = threading.Condition()
        self._pending: Invocation | None = None
        self._current: Invocation | None = None
        self._dead = False
        self._killed = False
        self._reaped = False
        self._exited = threading.Event()
        self._exit_status: int | None = None
        self._captured = bytearray()
        self._captured_dropped = 0
        self._log_fd: int | None = None
        self._initialised = False  # first /next seen
        self._init_ms: float | None = None  # reported once, on the first invocation
        self._spawned_at = time.monotonic()
        self._max_rss_mb = 0
        self._conns: set[socket.socket] = set()
        self._listener = httpio.listen("127.0.0.1", 0, backlog=8)
        self._proc: subprocess.Popen[bytes] | None = None
        self._threads: list[threading.Thread] = []

    # ----------------------------------------------------------------- lifecycle

    @property
    def pid(self) -> int:
        assert self._proc is not None
        return self._proc.pid

    @property
    def alive(self) -> bool:
        return not self._dead

    @property
    def busy(self) -> bool:
        return self._pending is not None or self._current is not None

    def start(self) -> None:
        port = self._listener.getsockname()[1]
        read_fd, write_fd = os.pipe()
        env = self._environment(port)
        pass_fds: tuple[int, ...] = ()
        if self._settings.lifeline_fd is not None:
            env["_LOCAL_LAMBDA_LIFELINE_FD"] = str(self._settings.lifeline_fd)
            pass_fds = (self._settings.lifeline_fd,)
        try:
            self._proc = subprocess.Popen(
                [self._settings.python, "-c", _BOOTSTRAP, self.spec.handler],
                cwd=self.spec.code_dir,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=write_fd,
                stderr=write_fd,
                pass_fds=pass_fds,
                start_new_session=True,  # own process group: killpg takes its children too
            )
        except BaseException:
            os.close(read_fd)
            httpio.stop_listening(self._listener)
            raise
        finally:
            os.close(write_fd)
        os.set_blocking(read_fd, False)
        self._log_fd = read_fd
        name = f"rt-{self.spec.function_name}-{self._proc.pid}"
        self._threads = [
            httpio.serve(self._listener, self._handle_connection, name),
            self._thread(self._pump_output, f"{name}-log"),
            self._thread(self._wait_exit, f"{name}-wait"),
        ]

    def _thread(self, target: Callable[[], None], name: str) -> threading.Thread:
        thread = threading.Thread(target=target, name=name, daemon=True)
        thread.start()
        return thread

    def _environment(self, port: int) -> dict[str, str]:
        spec = self.spec
        stream = time.strftime("%Y/%m/%d", time.gmtime()) + f"/[{spec.version}]{uuid.uuid4().hex}"
        env = dict(self._settings.base_env)
        env.update(spec.environment)
        env.update(
            {
                "AWS_LAMBDA_RUNTIME_API": f"127.0.0.1:{port}",
                "_HANDLER": spec.handler,
                "LAMBDA_TASK_ROOT": str(spec.code_dir),
                "PYTHONPATH": str(spec.code_dir),
                "AWS_LAMBDA_FUNCTION_NAME": spec.function_name,
                "AWS_LAMBDA_FUNCTION_VERSION": spec.version,
                "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(spec.memory_size),
                "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{spec.function_name}",
                "AWS_LAMBDA_LOG_STREAM_NAME": stream,
                "AWS_LAMBDA_INITIALIZATION_TYPE": "on-demand",
                "AWS_REGION": self._settings.region,
                "AWS_DEFAULT_REGION": self._settings.region,
                # Fake credentials: handler code must never pick up the developer's real ones.
                "AWS_ACCESS_KEY_ID": "AKIALOCALLAMBDA00000",
                "AWS_SECRET_ACCESS_KEY": "local-lambda-fake-secret-key",
                "AWS_SESSION_TOKEN": "local-lambda-fake-session-token",
                "TZ": ":UTC",
            }
        )
        return env

    def kill(self) -> None:
        """Kill the process group now; the exit is noticed by the wait thread."""
        with self._cond:
            if self._killed:
                return
            self._killed = True
            self._dead = True
            self._cond.notify_all()
            # Under the lock: the wait thread reaps under it too, so the pid cannot have
            # been freed (and reused by someone else's process group) in between.
            if self._proc is not None and not self._reaped:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
        httpio.stop_listening(self._listener)

    def join(self, timeout: float) -> bool:
        """Wait until the process has been reaped; True if it was."""
        return self._proc is None or self._exited.wait(timeout)

    def _wait_exit(self) -> None:
        assert self._proc is not None
        pid = self._proc.pid
        # Wait for the exit without reaping: while it is a zombie the pid (and so the
        # process group id) stays ours, and stray children of the handler can be killed.
        with contextlib.suppress(ChildProcessError):
            os.waitid(os.P_PID, pid, os.WEXITED | os.WNOWAIT)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        with self._cond:
            status = self._proc.wait()  # returns at once: it has exited
            self._reaped = True
            self._dead = True
            self._exit_status = status
            if self._pending is not None and self._initialised:
                # A warm process died before it picked up the event: the handler never
                # ran, so run() hands the invocation to another process (RuntimeGone).
                self._pending = None
            inv = self._current or self._pending
            if inv is not None and inv.outcome is None:
                if status >= 0:
                    reason = f"exit status {status}"
                else:
                    sig = signal.Signals(-status)
                    reason = f"signal: {_SIGNAL_TEXT.get(sig, sig.name)}"
                message = f"RequestId: {inv.request_id} Error: Runtime exited with error: {reason}"
                self._finish_locked(
                    inv,
                    _error_document("Runtime.ExitError", message),
                    "Unhandled",
                    f"{message}\nRuntime.ExitError\n",
                )
            self._cond.notify_all()
            conns = list(self._conns)
        self._exited.set()
        httpio.stop_listening(self._listener)
        for conn in conns:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)

    # ----------------------------------------------------------------- logs

    def _pump_output(self) -> None:
        """Keep the pipe drained so a chatty handler never blocks on a full pipe."""
        fd = self._log_fd
        assert fd is not None
        poller = select.poll()
        poller.register(fd, select.POLLIN | select.POLLHUP)
        while True:
            poller.poll()
            with self._cond:
                # Reading only under the lock means a drain at response time sees
                # every byte written before the runtime posted its response.
                if self._drain_locked():
                    return

    def _drain_locked(self) -> bool:
        """Move whatever the pipe holds into the capture buffer; True at end of file."""
        fd = self._log_fd
        if fd is None:
            return True
        for _ in range(64):  # bounded so one chatty process cannot hog the lock
            try:
                chunk = os.read(fd, _PIPE_CHUNK)
            except BlockingIOError:
                return False
            if not chunk:
                os.close(fd)
                self._log_fd = None
                return True
            self._capture_locked(chunk)
        return False

    def _capture_locked(self, chunk: bytes) -> None:
        if self._settings.log_sink is not None:
            self._settings.log_sink(self.spec.function_name, chunk)
        self._captured += chunk
        excess = len(self._captured) - _LOG_KEEP
        if excess > 0:
            del self._captured[:excess]
            self._captured_dropped += excess

    def _take_captured_locked(self) -> bytes:
        self._drain_locked()
        data = bytes(self._captured)
        self._captured.clear()
        self._captured_dropped = 0
        return data

    def _memory_mb(self) -> int:
        try:
            with open(f"/proc/{self.pid}/status", "rb") as status:
                for line in status:
                    if line.startswith(b"VmHWM:"):
                        self._max_rss_mb = max(self._max_rss_mb, int(line.split()[1]) // 1024)
                        break
        except (OSError, ValueError):
            pass
        return self._max_rss_mb

    # ----------------------------------------------------------------- invocations

    def run(self, inv: Invocation) -> Outcome:
        """Hand `inv` to this runtime and wait for its outcome (or time it out)."""
        timed_out = False
        with self._cond:
            if self._dead or self.busy:
                raise RuntimeGone()
            self._pending = inv
            self._cond.notify_all()
            init_deadline = time.monotonic() + INIT_TIMEOUT
            while inv.outcome is None:
                if self._dead and inv.dispatched_at is None and self._pending is not inv:
                    raise RuntimeGone()
                now = time.monotonic()
                started = inv.dispatched_at
                limit = init_deadline if started is None else started + self.spec.timeout
                if now >= limit:
                    self._time_out_locked(inv)
                    timed_out = True
                    break
                self._cond.wait(limit - now)
        if timed_out:
            self.kill()  # the handler may still be running: AWS replaces the sandbox
        assert inv.outcome is not None
        return inv.outcome

    def _time_out_locked(self, inv: Invocation) -> None:
        seconds = self.spec.timeout if inv.dispatched_at is not None else INIT_TIMEOUT
        text = f"Task timed out after {seconds:.2f} seconds"
        self._finish_locked(
            inv,
            _error_document("Sandbox.Timedout", f"RequestId: {inv.request_id} Error: {text}"),
            "Unhandled",
            f"{_utc_stamp(time.time())} {inv.request_id} {text}\n",
        )

    def _finish_locked(
        self, inv: Invocation, payload: bytes, function_error: str | None, note: str = ""
    ) -> None:
        """Record the outcome once; later reports for the same invocation are ignored."""
        if inv.outcome is not None:
            return
        now = time.monotonic()
        started = inv.dispatched_at if inv.dispatched_at is not None else now
        captured = self._take_captured_locked()
        duration = (now - started) * 1000
        rid = inv.request_id
        report = (
            f"REPORT RequestId: {rid}\tDuration: {duration:.2f} ms\tBilled Duration: {int(duration) + 1} ms\t"
            f"Memory Size: {self.spec.memory_size} MB\tMax Memory Used: {self._memory_mb()} MB\t"
        )
        if self._init_ms is not None:
            report += f"Init Duration: {self._init_ms:.2f} ms\t"
            self._init_ms = None
        if captured and not captured.endswith(b"\n"):
            captured += b"\n"  # print(..., end="") must not glue onto the END line
        start_line = f"START RequestId: {rid} Version: {self.spec.version}\n".encode()
        tail = f"{note}END RequestId: {rid}\n{report}\n".encode()
        inv.outcome = Outcome(payload, function_error, start_line + captured + tail)
        if self._current is inv:
            self._current = None
        if self._pending is inv:
            self._pending = None
        if self._settings.log_sink is not None:
            self._settings.log_sink(self.spec.function_name, tail)
        self._cond.notify_all()

    # ----------------------------------------------------------------- Runtime API

    def _handle_connection(self, conn: socket.socket, addr: tuple[str, int]) -> None:
        with self._cond:
            if self._dead:
                return
            self._conns.add(conn)
        try:
            _RuntimeApiHandler(conn, addr, cast(Any, self))
        finally:
            with self._cond:
                self._conns.discard(conn)

    def next_invocation(self, handler: httpio.Handler) -> None:
        with self._cond:
            if not self._initialised:
                self._initialised = True
                self._init_ms = (time.monotonic() - self._spawned_at) * 1000
            while self._pending is None and not self._dead:
                self._cond.wait()
            inv = self._pending
            if inv is None or _peer_closed(handler.connection):
                # Killed while idle, or the process died while it waited for this event:
                # keep the event undelivered; the wait thread hands it to another process.
                handler.close_connection = True
                return
            self._pending = None
            self._current = inv
            init_output = self._take_captured_locked()
            del init_output  # INIT-phase output belongs to no invocation (echoed if verbose)
            inv.dispatched_at = time.monotonic()
            deadline_ms = int(time.time() * 1000 + self.spec.timeout * 1000)
            self._cond.notify_all()
        if self._settings.log_sink is not None:
            line = f"START RequestId: {inv.request_id} Version: {self.spec.version}\n"
            self._settings.log_sink(self.spec.function_name, line.encode())
        headers = [
            ("Content-Type", "application/json"),
            ("Lambda-Runtime-Aws-Request-Id", inv.request_id),
            ("Lambda-Runtime-Deadline-Ms", str(deadline_ms)),
            ("Lambda-Runtime-Invoked-Function-Arn", inv.invoked_arn),
            ("Lambda-Runtime-Trace-Id", inv.trace_id or trace_header()),
        ]
        if inv.client_context is not None:
            headers.append(("Lambda-Runtime-Client-Context", inv.client_context))
        if inv.tenant_id is not None:
            headers.append(("Lambda-Runtime-Aws-Tenant-Id", inv.tenant_id))
        handler.send(200, inv.payload, headers)

    def post_result(self, handler: httpio.Handler, request_id: str, kind: str) -> None:
        too_large = False
        try:
            body = handler.read_body(RESPONSE_LIMIT)
        except httpio.BodyTooLarge:
            body, too_large = b"", True
        with self._cond:
            inv = self._current
            if inv is None or inv.request_id != request_id:
                stale = True
            else:
                stale = False
                if too_large:
                    self._finish_locked(inv, _too_large_document(), "Unhandled")
                elif kind == "response":
                    self._finish_locked(inv, body, None)
                else:
                    self._finish_locked(inv, body, "Unhandled")
        if stale:
            handler.send_json(400, {"errorMessage": "Invalid request ID", "errorType": "InvalidRequestID"})
        else:
            handler.send_json(202, {"status": "OK"})

    def post_init_error(self, handler: httpio.Handler) -> None:
        try:
            body = handler.read_body(RESPONSE_LIMIT)
        except httpio.BodyTooLarge:
            body = _error_document("Runtime.Unknown", "init error report too large")
        with self._cond:
            inv = self._pending or self._current
            if inv is not None:
                self._finish_locked(inv, body, "Unhandled")
        handler.send_json(202, {"status": "OK"})


class _RuntimeApiHandler(httpio.Handler):
    @property
    def runtime(self) -> Runtime:
        return cast(Runtime, self.server)

    def do_GET(self) -> None:
        if self.path == NEXT_PATH:
            self.runtime.next_invocation(self)
        else:
            self.send_json(404, {"errorMessage": "not found", "errorType": "NotFound"})

    def do_POST(self) -> None:
        path = self.path
        if path == INIT_ERROR_PATH:
            self.runtime.post_init_error(self)
            return
        if path.startswith(_INVOCATION_PREFIX):
            request_id, _, kind = path[len(_INVOCATION_PREFIX) :].partition("/")
            if kind in ("response", "error"):
                self.runtime.post_result(self, request_id, kind)
                return
        self.read_body(RESPONSE_LIMIT)
        self.send_json(404, {"errorMessage": "not found", "errorType": "NotFound"})
