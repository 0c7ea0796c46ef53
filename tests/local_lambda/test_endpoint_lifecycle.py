"""Start, ready signal, stop: each test runs its own endpoint process and checks /proc after."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from local_lambda.launcher import PACKAGE_ROOT, make_client, running_endpoint, start_endpoint
from local_lambda.procfs import in_process_groups, process_alive, process_start
from tests.support.busy_endpoint import background_call, wait_busy
from tests.support.raw_invoke import invoke

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"
CONFIG = FUNCTIONS / "config.json"


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_stop_leaves_no_process_behind_even_with_hung_and_crashed_handlers(sig: int, tmp_path: Path) -> None:
    endpoint = start_endpoint(CONFIG)
    try:
        client = endpoint.client()
        warm = invoke(client, "echo", {}).payload["pid"]
        invoke(client, "crash", {"code": 3})  # a crashed runtime
        spawned = invoke(client, "spawn", {"seconds": 300}).payload  # left a child running
        background_call(endpoint, "sleep", {"seconds": 300})  # a hung handler
        hung = wait_busy(endpoint, "sleep", 1)
        runtimes = {pid: process_start(pid) for pid in {warm, spawned["pid"], *hung}}
        processes = {**runtimes, spawned["child_pid"]: process_start(spawned["child_pid"])}
        assert None not in processes.values()
    finally:
        # Raises LeftoverProcesses if anything survived. The bound is generous: on a loaded
        # 2-core machine, stopping a hung, a crashed and a spawning runtime once took over 10 s.
        endpoint.stop(timeout=30, sig=sig)
    assert endpoint.process.returncode == 0
    assert not any(process_alive(pid, start) for pid, start in processes.items())
    assert not in_process_groups({pid: start for pid, start in runtimes.items() if start is not None})


def test_hard_killed_endpoint_takes_its_runtimes_along() -> None:
    # SIGKILL gives the endpoint no chance to clean up: runtimes notice the lifeline pipe closing.
    endpoint = start_endpoint(CONFIG)
    client = endpoint.client()
    warm = invoke(client, "echo", {}).payload["pid"]
    background_call(endpoint, "sleep", {"seconds": 300})
    hung = wait_busy(endpoint, "sleep", 1)
    processes = {pid: process_start(pid) for pid in {warm, *hung}}
    endpoint.stop(sig=signal.SIGKILL)
    assert not any(process_alive(pid, start) for pid, start in processes.items())


def test_start_to_ready_is_fast() -> None:
    with running_endpoint(CONFIG) as endpoint:
        # The benchmark reports the real figure (goal < 1 s); this only catches regressions
        # without being flaky on a loaded machine.
        assert endpoint.startup_seconds < 5
        assert endpoint.runtimes() == []  # runtimes start lazily


def test_background_mode_with_ready_and_pid_files(tmp_path: Path) -> None:
    ready, pid_file, log = tmp_path / "ready", tmp_path / "pid", tmp_path / "log"
    command = [
        sys.executable,
        "-m",
        "local_lambda",
        "--config",
        str(CONFIG),
        "--port",
        "0",
        "--background",
        "--ready-file",
        str(ready),
        "--pid-file",
        str(pid_file),
        "--log-file",
        str(log),
    ]
    done = subprocess.run(command, cwd=PACKAGE_ROOT, capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr
    url = done.stdout.splitlines()[0]
    assert url.startswith("http://127.0.0.1:")
    assert ready.read_text().strip() == url
    pid = int(pid_file.read_text())
    runtime_pid = invoke(make_client(url), "echo", {"x": 1}).payload["pid"]
    starts = process_start(pid), process_start(runtime_pid)
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + 10
    while (
        process_alive(pid, starts[0]) or process_alive(runtime_pid, starts[1])
    ) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not process_alive(pid, starts[0])
    assert not process_alive(runtime_pid, starts[1])
    assert not ready.exists()  # removed on shutdown
    assert "serving" in log.read_text()


def test_function_shortcut_without_config_file() -> None:
    shortcut = f"quick={FUNCTIONS / 'common'}:lambda_handlers.echo"
    with running_endpoint(args=["--function", shortcut, "--timeout", "5"]) as endpoint:
        result = invoke(endpoint.client(), "quick", {"a": 1})
        assert result.payload["event"] == {"a": 1}
        assert result.payload["function_name"] == "quick"


def test_verbose_copies_function_logs_to_stderr() -> None:
    with running_endpoint(CONFIG, args=["--verbose"]) as endpoint:
        invoke(endpoint.client(), "echo", {"marker": "to-stderr"})
        deadline = time.monotonic() + 5
        while "echo marker=to-stderr" not in endpoint.logs() and time.monotonic() < deadline:
            time.sleep(0.02)
        assert "echo marker=to-stderr" in endpoint.logs()
        assert "REPORT RequestId" in endpoint.logs()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--function", "bad"], "expected NAME=DIR:MODULE.HANDLER"),
        (["--function", "x=/nonexistent:m.h"], "not a directory"),
        (["--host", "0.0.0.0", "--function", f"x={FUNCTIONS}:m.h"], "only loopback"),
        ([], "no functions"),
    ],
)
def test_bad_command_lines_fail_early(args: list[str], message: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "local_lambda", *args],
        cwd=PACKAGE_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert done.returncode == 2
    assert message in done.stderr
