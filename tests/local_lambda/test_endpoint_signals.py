"""Bursts of SIGTERM/SIGINT at varied moments always stop the endpoint and its runtimes.

The signal handler takes no lock (a second signal used to re-enter threading.Event.set()
while the first held its lock, and the endpoint hung): any number of signals must end it.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from local_lambda.launcher import PACKAGE_ROOT, RunningEndpoint, start_endpoint
from tests.support.busy_endpoint import background_call, wait_busy
from tests.support.raw_invoke import invoke

CONFIG = Path(__file__).resolve().parent.parent / "functions" / "config.json"
ROUNDS = 3
EXIT_BOUND = 20.0  # seconds; generous for a loaded 2-core machine, the usual figure is < 1 s


def _as_from_a_terminal() -> None:
    """preexec_fn: default dispositions for the stop signals, as a terminal gives a job.

    A test run started as a background job (`&`, nohup) has SIGINT ignored, and an ignored
    signal stays ignored across exec: a burst of SIGINT before the endpoint installs its
    handlers would do nothing instead of ending it, and it would run on.
    """
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)


def _burst(pid: int, rng: random.Random, count: int) -> int:
    """Send `count` SIGTERM/SIGINT to `pid`, 0-2 ms apart; returns how many were delivered."""
    sent = 0
    for _ in range(count):
        try:
            os.kill(pid, rng.choice((signal.SIGTERM, signal.SIGINT)))
        except ProcessLookupError:
            break
        sent += 1
        time.sleep(rng.uniform(0, 0.002))
    return sent


def _burst_and_stop(endpoint: RunningEndpoint, rng: random.Random) -> None:
    endpoint.runtimes()  # remember the runtime pids, so stop() checks they are gone
    assert _burst(endpoint.pid, rng, rng.randint(2, 30)) >= 1
    # stop() adds one more SIGTERM if still running, waits, and raises LeftoverProcesses if a
    # runtime or a runtime's child survived.
    endpoint.stop(timeout=EXIT_BOUND)
    assert endpoint.process.returncode == 0


def test_signal_bursts_right_after_start_end_the_process() -> None:
    rng = random.Random(21)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(PACKAGE_ROOT), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "local_lambda", "--port", "0", "--config", str(CONFIG)]
    for delay in [0.0, 0.05, 0.2, 0.4, *(rng.uniform(0, 0.8) for _ in range(ROUNDS))]:
        process = subprocess.Popen(
            command,
            cwd=PACKAGE_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            preexec_fn=_as_from_a_terminal,
        )
        try:
            time.sleep(delay)
            _burst(process.pid, rng, rng.randint(2, 30))
            # Before its handlers are installed the default action ends it (killed by the
            # signal, or KeyboardInterrupt); after, a clean exit.
            returncode = process.wait(EXIT_BOUND)
        finally:
            with contextlib.suppress(OSError):
                process.kill()
            process.wait()
        assert returncode in (0, 1, -signal.SIGTERM, -signal.SIGINT), (delay, returncode)


def test_signal_bursts_while_idle_stop_endpoint_and_runtimes() -> None:
    rng = random.Random(5)
    for round_ in range(ROUNDS):
        endpoint = start_endpoint(CONFIG)
        try:
            if round_:  # the first round has no runtime at all; the others a warm idle one
                invoke(endpoint.client(), "echo", {})
            time.sleep(rng.uniform(0, 0.3))
        finally:
            _burst_and_stop(endpoint, rng)


def test_signal_bursts_during_a_slow_invocation_stop_endpoint_and_runtimes() -> None:
    rng = random.Random(7)
    for _ in range(ROUNDS):
        endpoint = start_endpoint(CONFIG)
        try:
            background_call(endpoint, "sleep", {"seconds": 300})
            assert wait_busy(endpoint, "sleep", 1)
            time.sleep(rng.uniform(0, 0.2))
        finally:
            _burst_and_stop(endpoint, rng)
