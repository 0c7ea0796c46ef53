"""Processes a test run left running: find them, report them (pid and command name only),
end them. Linux only (it reads /proc); standard library only, so it runs before any venv.

What belongs to a run:
- every process below its root process (pytest's controller, or the `run` wrapper below);
- a process whose environment carries the run's marker, an exact NAME=VALUE entry: pytest-
  xdist gives each run its own PYTEST_XDIST_TESTRUNUID, `run` exports EPHEMERAL_AWS_RUN_ID.
  That finds what was re-parented away from the root (a detached endpoint, a daemon).
  Environments are compared, never printed.
Other engineers' runs in the same checkout have other roots and markers: they never count.

In pytest: tests/conftest.py's pytest_sessionfinish calls check_session() in the controller.

For the whole test command (lint, venvs, pytest, ansible-test...), from the checkout:

    python3 -m tests.support.leftovers run [--grace S] -- COMMAND [ARGS...]

runs COMMAND with EPHEMERAL_AWS_RUN_ID set, as a child subreaper (Linux's
PR_SET_CHILD_SUBREAPER: whatever COMMAND's processes leave behind is re-parented to it, not
to init, even with a scrubbed environment), and when COMMAND ends lists what is left, ends
it (SIGTERM, then SIGKILL) and exits with COMMAND's status, or 1 if COMMAND passed but
something was left. Where the command cannot be wrapped:

    export EPHEMERAL_AWS_RUN_ID=$(python3 -c 'import uuid; print(uuid.uuid4().hex)')
    touch "$since_file"; ...the test command...
    python3 -m tests.support.leftovers check --since-file "$since_file"

checks the processes carrying $EPHEMERAL_AWS_RUN_ID that started after the file was
written (status 1 and a report if any; --kill ends them too).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from local_lambda.procfs import (
    descendants,
    now_ticks,
    process_alive,
    process_info,
    process_start,
    process_table,
)

if TYPE_CHECKING:
    import pytest

RUN_ID_ENV = "EPHEMERAL_AWS_RUN_ID"
XDIST_RUN_ENV = "PYTEST_XDIST_TESTRUNUID"
# xdist's workers are the controller's children and may still be exiting when its
# sessionfinish runs; a process that exits within this time was no leftover.
SESSION_GRACE = 10.0
_PR_SET_CHILD_SUBREAPER = 36

# What a command line looks like, as a label for the report (the command line itself may
# hold a secret, so it is never printed). First match wins.
_KINDS = (
    (b"_local_lambda_lifeline", "awslambdaric runtime (local_lambda)"),
    (b"awslambdaric", "awslambdaric runtime"),
    (b"local_lambda", "local_lambda endpoint"),
    (b"moto", "moto server"),
    (b"ansible-playbook", "ansible-playbook"),
    (b"ansible-test", "ansible-test"),
    (b"pulumi", "pulumi"),
    (b"xdist", "pytest-xdist worker"),
    (b"pytest", "pytest"),
)


@dataclass(frozen=True)
class Leftover:
    pid: int
    start: int  # clock ticks after boot: tells it apart from a later process with its pid
    ppid: int
    name: str  # /proc's comm: the executable's name, at most 15 characters
    kind: str  # a label from _KINDS, or ""

    def describe(self) -> str:
        kind = f" [{self.kind}]" if self.kind else ""
        return f"pid {self.pid} (parent {self.ppid}): {self.name}{kind}"


def _read(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError:  # gone, or another user's process
        return None


def _carries(pid: int, markers: Mapping[str, str]) -> bool:
    environ = _read(f"/proc/{pid}/environ")
    if not environ or not markers:
        return False
    entries = set(environ.split(b"\0"))
    return any(f"{name}={value}".encode() in entries for name, value in markers.items())


def _kind(pid: int) -> str:
    cmdline = _read(f"/proc/{pid}/cmdline") or b""
    return next((label for needle, label in _KINDS if needle in cmdline), "")


def _ancestors(pid: int) -> set[int]:
    found = set()
    info = process_info(pid)
    while info is not None and info.ppid > 0 and info.ppid not in found:
        found.add(info.ppid)
        info = process_info(info.ppid)
    return found


def find(
    *,
    root: int | None = None,
    markers: Mapping[str, str] | None = None,
    since: int | None = None,
    ignore: Collection[int] = (),
) -> list[Leftover]:
    """Living processes of a run: below `root`, or carrying one of `markers` (NAME=VALUE in
    their environment) and started at or after `since` (clock ticks after boot).

    Never this process, its ancestors, or `ignore`.
    """
    me = os.getpid()
    excluded = {me, *_ancestors(me), *ignore}
    found: dict[int, int] = {}
    if root is not None:
        found.update(descendants(root))
    if markers:
        for info in process_table().values():
            if (
                info.alive
                and info.pid not in found
                and (since is None or info.start >= since)
                and _carries(info.pid, markers)
            ):
                found[info.pid] = info.start
    leftovers = []
    for pid in sorted(set(found) - excluded):
        now = process_info(pid)
        if now is None or not now.alive or now.start != found[pid]:
            continue  # exited (or its pid reused) while we looked
        comm = (_read(f"/proc/{pid}/comm") or b"?").decode("utf-8", "replace").strip()
        leftovers.append(Leftover(pid, now.start, now.ppid, comm, _kind(pid)))
    return leftovers


def find_after_grace(grace: float, **criteria: object) -> list[Leftover]:
    """find(**criteria), again and again for up to `grace` seconds, until nothing is left."""
    deadline = time.monotonic() + grace
    while True:
        leftovers = find(**criteria)  # type: ignore[arg-type]
        if not leftovers or time.monotonic() >= deadline:
            return leftovers
        _reap_orphans()
        time.sleep(0.1)


def end(leftovers: Sequence[Leftover], timeout: float = 5.0) -> None:
    """SIGTERM each leftover, then SIGKILL those still there after `timeout` seconds; only a
    process with the recorded start time is signalled, never a later one with its pid."""
    for sig, wait in ((signal.SIGTERM, timeout), (signal.SIGKILL, timeout)):
        alive = [left for left in leftovers if process_alive(left.pid, left.start)]
        for left in alive:
            with contextlib.suppress(OSError):
                os.kill(left.pid, sig)
        deadline = time.monotonic() + wait
        while alive and time.monotonic() < deadline:
            _reap_orphans()
            alive = [left for left in alive if process_alive(left.pid, left.start)]
            time.sleep(0.05)


def _reap_orphans() -> None:
    """As a subreaper, collect the exit status of adopted orphans (left alone, each would stay
    a zombie until we exit). Our own subprocess.Popen children are never reaped here: we
    only call this once they have been waited for."""
    if not _is_subreaper:
        return
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


_is_subreaper = False


def _become_subreaper() -> bool:
    global _is_subreaper
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        _is_subreaper = libc.prctl(_PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (OSError, AttributeError):
        _is_subreaper = False
    return _is_subreaper


def report(leftovers: Sequence[Leftover], what: str) -> list[str]:
    lines = [f"{len(leftovers)} process(es) {what} still running (now ended):"]
    lines += [f"  {left.describe()}" for left in leftovers]
    return lines


# ------------------------------------------------------------------------- in pytest


def check_session(session: pytest.Session, grace: float = SESSION_GRACE) -> None:
    """For pytest_sessionfinish in the controller: fail the run if a process of it is left.

    Reports them (pid, command name), ends them, and turns a passing exit status into 1.
    """
    import pytest

    markers = {}
    nodemanager = getattr(session.config.pluginmanager.get_plugin("dsession"), "nodemanager", None)
    run_uid = getattr(nodemanager, "testrunuid", None)
    if isinstance(run_uid, str):
        markers[XDIST_RUN_ENV] = run_uid  # what the workers, and so their children, carry
    leftovers = find_after_grace(grace, root=os.getpid(), markers=markers, since=process_start(os.getpid()))
    if not leftovers:
        return
    lines = report(leftovers, "started by this pytest run are")
    end(leftovers)
    terminal = session.config.pluginmanager.get_plugin("terminalreporter")
    if terminal is not None:
        terminal.write_sep("=", "leftover processes", red=True)
        for line in lines:
            terminal.write_line(line)
    else:
        print("\n".join(lines), file=sys.stderr)
    if session.exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


# ------------------------------------------------------------------------- command line


def _run(command: Sequence[str], grace: float) -> int:
    # A run of its own, even inside another one (a test of this module, under the whole test
    # command's `run`): an inherited marker would make it take the outer run's processes,
    # those of concurrent tests, for its own leftovers and end them.
    run_id = uuid.uuid4().hex
    env = {**os.environ, RUN_ID_ENV: run_id}
    subreaper = _become_subreaper()
    since = now_ticks() - 1
    child = subprocess.Popen(command, env=env)
    # Ctrl-C reaches COMMAND too (same process group); wait for it rather than die first.
    # A SIGTERM for us is passed on.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda signum, frame: child.send_signal(signum))
    status = child.wait()
    leftovers = find_after_grace(grace, root=os.getpid(), markers={RUN_ID_ENV: run_id}, since=since)
    if not subreaper:
        print("leftovers: no PR_SET_CHILD_SUBREAPER here: orphans with a scrubbed environment go unseen")
    if leftovers:
        end(leftovers)
        print("\n".join(report(leftovers, f"left by {command[0]} were")), file=sys.stderr)
        return status or 1
    print(f"leftovers: none ({command[0]} exited with {status})", file=sys.stderr)
    return status


def _check(since_file: Path, kill: bool) -> int:
    run_id = os.environ.get(RUN_ID_ENV)
    if not run_id:
        print(f"leftovers: {RUN_ID_ENV} is not set: export it before the run starts", file=sys.stderr)
        return 2
    # mtime in clock ticks after boot, the unit of /proc's start times.
    boot = time.time() - time.clock_gettime(time.CLOCK_BOOTTIME)
    since = int((since_file.stat().st_mtime - boot) * os.sysconf("SC_CLK_TCK"))
    leftovers = find(markers={RUN_ID_ENV: run_id}, since=since)
    if not leftovers:
        print("leftovers: none", file=sys.stderr)
        return 0
    if kill:
        end(leftovers)
    lines = report(leftovers, "of this run are")
    if not kill:
        lines[0] = lines[0].replace(" (now ended)", "")
    print("\n".join(lines), file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python3 -m tests.support.leftovers", description=__doc__.split("\n")[0]
    )
    sub = parser.add_subparsers(dest="mode", required=True)
    run = sub.add_parser("run", help="run COMMAND, then find, report and end what it left running")
    run.add_argument("--grace", type=float, default=5.0, help="seconds to let processes exit first (5)")
    run.add_argument("command", nargs=argparse.REMAINDER, help="-- COMMAND [ARGS...]")
    check = sub.add_parser("check", help=f"find processes carrying ${RUN_ID_ENV}, started after FILE")
    check.add_argument("--since-file", type=Path, required=True, help="touched when the run started")
    check.add_argument("--kill", action="store_true", help="end them too (SIGTERM, then SIGKILL)")
    args = parser.parse_args(argv)
    if args.mode == "run":
        command = args.command[1:] if args.command[:1] == ["--"] else args.command
        if not command:
            parser.error("run: no COMMAND given")
        return _run(command, args.grace)
    return _check(args.since_file, args.kill)


if __name__ == "__main__":
    sys.exit(main())
