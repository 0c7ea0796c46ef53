"""Run the endpoint as a real subprocess and build boto3 clients for it (tests, benchmarks).

    with running_endpoint("tests/functions/config.json") as endpoint:
        client = endpoint.client()
        client.invoke(FunctionName="echo", Payload=b"{}")

The endpoint also stops by itself once the process that started it has exited (however:
--exit-with-pid). Leaving the block stops the endpoint with SIGTERM and raises LeftoverProcesses if any
process it started (runtimes, their children) is still alive (checked in the process table:
procfs.py).
"""

from __future__ import annotations

import contextlib
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .procfs import descendants, in_process_groups, now_ticks, process_alive, process_info, process_start

if TYPE_CHECKING:
    from mypy_boto3_lambda import LambdaClient

PACKAGE_ROOT = Path(__file__).resolve().parent.parent


class LeftoverProcesses(AssertionError):
    """Processes started by the endpoint outlived it."""


class EndpointStartError(RuntimeError):
    pass


def make_client(url: str, **config: Any) -> LambdaClient:
    """A boto3 Lambda client for a local endpoint: fake credentials, us-east-1, no retries.

    Keyword arguments go to botocore.config.Config (e.g. read_timeout=5,
    retries={"mode": "standard", "max_attempts": 3}).
    """
    import boto3
    from botocore.config import Config

    settings: dict[str, Any] = {
        "retries": {"total_max_attempts": 1},
        "connect_timeout": 5,
        "read_timeout": 120,
    }
    settings.update(config)
    return boto3.client(
        "lambda",
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(**settings),
    )


@dataclass
class RunningEndpoint:
    """A local_lambda process started by `running_endpoint`."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    startup_seconds: float
    owns_log: bool = False  # the log is a temporary file deleted after a clean stop
    _known: dict[int, int] = field(default_factory=dict, repr=False)  # runtime pid -> start

    @property
    def pid(self) -> int:
        return self.process.pid

    def client(self, **config: Any) -> LambdaClient:
        """make_client(self.url, **config)."""
        return make_client(self.url, **config)

    def _local(self, method: str, path: str) -> Any:
        request = urllib.request.Request(
            self.url + path, method=method, data=b"" if method == "POST" else None
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read())

    def runtimes(self) -> list[dict[str, Any]]:
        """Runtime processes the endpoint knows: function, version, pid, state (idle/busy/dead)."""
        runtimes: list[dict[str, Any]] = self._local("GET", "/_local/runtimes")["runtimes"]
        for rt in runtimes:
            start = process_start(rt["pid"])
            if start is not None:
                self._known.setdefault(rt["pid"], start)
        return runtimes

    def runtime_pids(self, function: str | None = None) -> set[int]:
        return {rt["pid"] for rt in self.runtimes() if function is None or rt["function"] == function}

    def reset(self) -> int:
        """Stop idle runtimes so the next invocations start cold; returns how many stopped."""
        stopped: int = self._local("POST", "/_local/reset")["stopped"]
        return stopped

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 10.0, sig: int = signal.SIGTERM) -> None:
        """Signal the endpoint, wait for it, and check that none of its processes survived.

        Only processes proven to be ours (same pid and start time) count and are killed.
        """
        if self.process.poll() is None:
            with contextlib.suppress(OSError):
                self.runtimes()  # remember pids even of runtimes that are not children any more
            tracked = {**self._known, **descendants(self.pid)}
            self.process.send_signal(sig)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise LeftoverProcesses(f"endpoint {self.pid} ignored signal {sig} for {timeout} s") from None
        else:
            tracked = dict(self._known)
        stopped = now_ticks()
        if self.process.stdout is not None:
            self.process.stdout.close()
        deadline = time.monotonic() + 2  # init may take a moment to reap re-parented processes
        while True:
            leftovers = {pid for pid, start in tracked.items() if process_alive(pid, start)}
            leftovers |= in_process_groups(self._known, until=stopped)
            if not leftovers or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        if leftovers:
            details = [process_info(pid) for pid in sorted(leftovers)]
            for pid in leftovers:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            raise LeftoverProcesses(f"processes left behind by local_lambda: {details}")
        if self.owns_log:
            self.log_path.unlink(missing_ok=True)


def start_endpoint(
    config: str | os.PathLike[str] | None = None,
    *,
    args: Sequence[str] = (),
    python: str = sys.executable,
    log_path: str | os.PathLike[str] | None = None,
    startup_timeout: float = 15.0,
) -> RunningEndpoint:
    """Start `python -m local_lambda --port 0` and wait for the URL on its first stdout line."""
    # The endpoint stops itself when this process exits, even by SIGKILL (which runs no
    # `finally`): a killed test run must not leave endpoints serving.
    command = [python, "-m", "local_lambda", "--port", "0", "--exit-with-pid", str(os.getpid())]
    if config is not None:
        command += ["--config", str(config)]
    command += list(args)
    owns_log = log_path is None
    if log_path is None:
        handle, name = tempfile.mkstemp(prefix="local_lambda.", suffix=".log")
        os.close(handle)
        log_path = name
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    started = time.monotonic()
    with open(log_path, "ab") as log:
        # stderr goes to a file: a pipe nobody reads would block a verbose endpoint.
        process = subprocess.Popen(
            command, cwd=PACKAGE_ROOT, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=log
        )
    assert process.stdout is not None
    line = b""
    with selectors.DefaultSelector() as selector:
        selector.register(process.stdout, selectors.EVENT_READ)
        while not line.endswith(b"\n"):
            remaining = started + startup_timeout - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                process.kill()
                process.wait()
                raise EndpointStartError(f"local_lambda not ready after {startup_timeout} s; log: {log_path}")
            chunk = os.read(process.stdout.fileno(), 1024)
            if not chunk:
                process.wait()
                log_text = Path(log_path).read_text(errors="replace")
                raise EndpointStartError(f"local_lambda exited with {process.returncode}: {log_text}")
            line += chunk
    return RunningEndpoint(
        url=line.decode().splitlines()[0].strip(),
        process=process,
        log_path=Path(log_path),
        startup_seconds=time.monotonic() - started,
        owns_log=owns_log,
    )


@contextlib.contextmanager
def running_endpoint(
    config: str | os.PathLike[str] | None = None,
    *,
    args: Sequence[str] = (),
    python: str = sys.executable,
    log_path: str | os.PathLike[str] | None = None,
    startup_timeout: float = 15.0,
) -> Iterator[RunningEndpoint]:
    """Context manager around start_endpoint(); stops it and checks for leftover processes."""
    endpoint = start_endpoint(
        config, args=args, python=python, log_path=log_path, startup_timeout=startup_timeout
    )
    try:
        yield endpoint
    finally:
        endpoint.stop()
