"""No endpoint outlives the process that started it, even one killed with SIGKILL.

`--exit-with-pid PID` (local_lambda/lifetime.py) ties an endpoint to any process: scripts
pass their own pid (`--background --exit-with-pid $$`, as scripts/demo.sh does), and
local_lambda.launcher passes the pid of the test process that starts the endpoint.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from local_lambda import lifetime
from local_lambda.launcher import PACKAGE_ROOT, make_client
from local_lambda.lifetime import ProcessWatch
from local_lambda.procfs import descendants, process_alive, process_start
from tests.support.raw_invoke import invoke

CONFIG = Path(__file__).resolve().parent.parent / "functions" / "config.json"
GONE_BOUND = 10.0  # seconds; about 0.1 s on an idle machine

# A script that starts the endpoint as scripts/demo.sh does, then waits to be killed.
DEMO_LIKE = """\
url=$("$PY" -m local_lambda --config "$CONFIG" --background --pid-file "$WORK/pid" \\
    --log-file "$WORK/log" --exit-with-pid $$)
echo "$url" > "$WORK/url.tmp" && mv "$WORK/url.tmp" "$WORK/url"
sleep 300
"""

# A test process that starts an endpoint with the launcher, then waits to be killed.
TEST_LIKE = """\
import sys, time
from local_lambda.launcher import start_endpoint
endpoint = start_endpoint(sys.argv[1])
print(endpoint.url, endpoint.pid, flush=True)
time.sleep(300)
"""


def _env(**extra: str) -> dict[str, str]:
    env = dict(os.environ, **extra)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    return env


@contextlib.contextmanager
def _session(command: list[str], env: Mapping[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    """Run `command` in its own session; whatever is left of that session is killed after."""
    process = subprocess.Popen(
        command,
        cwd=PACKAGE_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        yield process
    finally:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        if process.stdout is not None:
            process.stdout.close()


def _wait_for(path: Path, process: subprocess.Popen[bytes]) -> str:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert process.poll() is None, f"exited with {process.returncode}"
        assert time.monotonic() < deadline, f"{path.name} not written in 60 s"
        time.sleep(0.02)
    return path.read_text().strip()


def _runtimes(url: str) -> list[dict[str, object]]:
    with urllib.request.urlopen(url + "/_local/runtimes", timeout=10) as response:
        runtimes: list[dict[str, object]] = json.loads(response.read())["runtimes"]
    return runtimes


def _warm_and_busy(url: str, endpoint_pid: int) -> dict[int, int]:
    """Give the endpoint an idle and a busy runtime; returns the endpoint's and every
    process below it: pid -> start time."""
    client = make_client(url, read_timeout=60)
    invoke(client, "echo", {})

    def hang() -> None:
        with contextlib.suppress(Exception):  # the endpoint goes away under this call on purpose
            client.invoke(FunctionName="sleep", Payload=b'{"seconds": 300}')

    threading.Thread(target=hang, daemon=True).start()
    deadline = time.monotonic() + 10
    while not any(rt["function"] == "sleep" and rt["state"] == "busy" for rt in _runtimes(url)):
        assert time.monotonic() < deadline, "the sleep function never became busy"
        time.sleep(0.02)
    start = process_start(endpoint_pid)
    assert start is not None
    processes = {endpoint_pid: start, **descendants(endpoint_pid)}
    assert len(processes) >= 3, processes  # the endpoint, a warm and a busy runtime
    return processes


def _assert_gone(processes: Mapping[int, int | None], what: str) -> None:
    deadline = time.monotonic() + GONE_BOUND
    while alive := [pid for pid, start in processes.items() if process_alive(pid, start)]:
        assert time.monotonic() < deadline, f"{what}: still running {GONE_BOUND} s later: {alive}"
        time.sleep(0.05)


def test_background_endpoint_stops_when_the_script_that_started_it_is_killed(tmp_path: Path) -> None:
    env = _env(PY=sys.executable, CONFIG=str(CONFIG), WORK=str(tmp_path))
    with _session(["bash", "-c", DEMO_LIKE], env) as script:
        url = _wait_for(tmp_path / "url", script)
        processes = _warm_and_busy(url, int((tmp_path / "pid").read_text()))
        os.kill(script.pid, signal.SIGKILL)  # the script only: its EXIT trap would not run
        _assert_gone(processes, "the endpoint of a killed script")
    assert "(--exit-with-pid) has exited; stopping" in (tmp_path / "log").read_text()


def test_endpoint_of_a_killed_test_process_stops() -> None:
    # A test process killed with SIGKILL (a pytest-timeout gone wrong, an OOM kill, a
    # cancelled CI job) runs no fixture teardown: the launcher's endpoint stops by itself.
    with _session([sys.executable, "-c", TEST_LIKE, str(CONFIG)], _env()) as test_process:
        assert test_process.stdout is not None
        url, pid = test_process.stdout.readline().decode().split()
        processes = _warm_and_busy(url, int(pid))
        os.kill(test_process.pid, signal.SIGKILL)
        _assert_gone(processes, "the endpoint of a killed test process")


def test_endpoint_stops_cleanly_when_the_watched_process_exits(tmp_path: Path) -> None:
    # The watched process need not be the endpoint's parent: here it is a sibling.
    ready = tmp_path / "ready"
    with _session(["sleep", "300"], _env()) as owner:
        command = [sys.executable, "-m", "local_lambda", "--config", str(CONFIG), "--port", "0"]
        command += ["--ready-file", str(ready), "--exit-with-pid", str(owner.pid)]
        with _session(command, _env()) as endpoint:
            url = _wait_for(ready, endpoint)
            processes = _warm_and_busy(url, endpoint.pid)
            owner.terminate()
            assert endpoint.wait(GONE_BOUND) == 0  # stopped as by SIGTERM: the clean way
            _assert_gone(processes, "runtimes")
    assert not ready.exists()


def _reaped_pid() -> int:
    """The pid of a process that has exited and been reaped."""
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


@pytest.mark.parametrize("background", [False, True])
def test_exit_with_pid_of_no_process_is_refused(background: bool) -> None:
    for pid, message in [(0, "0 is not a process id"), (_reaped_pid(), "no process")]:
        command = [sys.executable, "-m", "local_lambda", "--config", str(CONFIG), "--exit-with-pid", str(pid)]
        if background:
            command.append("--background")
        done = subprocess.run(
            command, cwd=PACKAGE_ROOT, env=_env(), capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 2, done.stderr
        assert f"--exit-with-pid: {message}" in done.stderr
        assert done.stdout == ""  # no URL: nothing was started


@pytest.mark.parametrize("method", ["pidfd", "procfs", "kill"])
def test_process_watch_notices_an_exit(method: str, monkeypatch: pytest.MonkeyPatch) -> None:
    if method != "pidfd":
        monkeypatch.delattr(os, "pidfd_open", raising=False)
    else:
        assert hasattr(os, "pidfd_open"), "this Linux has pidfd_open: the endpoint's first choice"
    if method == "kill":
        monkeypatch.setattr(lifetime, "_PROCFS", False)
    process = subprocess.Popen(["sleep", "300"])
    try:
        watch = ProcessWatch(process.pid)
        assert watch.alive()
        waiter = threading.Thread(target=watch.wait, daemon=True)
        waiter.start()
        waiter.join(0.3)
        assert waiter.is_alive()  # still waiting: the process lives
        process.kill()
        if method == "kill":
            process.wait()  # kill(pid, 0) cannot tell a zombie from a living process
        waiter.join(GONE_BOUND)
        assert not waiter.is_alive()
        assert not watch.alive()
        watch.close()
    finally:
        process.kill()
        process.wait()
