"""examples/ansible/run.sh removes the password file it writes, on success and on failure.

Each case runs the script with TMPDIR pointed at a fresh, empty folder (where it makes its
default output folder) and checks the folder is empty afterwards.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_lambda.launcher import running_endpoint

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / "examples" / "ansible" / "run.sh"
DEMO_SH = ROOT / "scripts" / "demo.sh"


def _run(tmpdir: Path, url: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": f"{ROOT / '.venv' / 'bin'}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "ANSIBLE_NOCOLOR": "1",
        "TMPDIR": str(tmpdir),
        "LAMBDA_ENDPOINT_URL": url,
        **extra,
    }
    return subprocess.run([str(RUN_SH)], env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def short_tmpdir() -> Iterator[Path]:
    """A fresh, empty TMPDIR with a short path: ansible-core 2.21 puts its RPC host's Unix
    socket under TMPDIR, and a socket path may not pass 107 bytes (a folder under pytest's
    tmp_path, under xdist's worker folder too, can)."""
    folder = Path(tempfile.mkdtemp(prefix="ex-", dir="/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _left_behind(tmpdir: Path) -> list[str]:
    return sorted(str(path.relative_to(tmpdir)) for path in tmpdir.rglob("*"))


def test_success_removes_the_password_file(short_tmpdir: Path) -> None:
    tmpdir = short_tmpdir
    with running_endpoint(ROOT / "examples" / "local_lambda.json") as endpoint:
        done = _run(tmpdir, endpoint.url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    # The playbook did write it (the copy task changed), in a folder under our TMPDIR.
    assert "changed: [localhost]" in done.stdout
    assert f"run.sh: the password was used from {tmpdir}/ephemeral-aws-example." in done.stdout
    assert _left_behind(tmpdir) == []


def test_unreachable_endpoint_fails_and_leaves_nothing(short_tmpdir: Path) -> None:
    tmpdir = short_tmpdir
    with socket.socket() as sock:  # a loopback port nobody listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = _run(tmpdir, f"http://127.0.0.1:{port}")
    assert done.returncode != 0
    assert "sample-secret" in done.stdout  # it failed in the invoke task, not before
    assert _left_behind(tmpdir) == []


def _fake_playbook(tmp_path: Path, then: str) -> Path:
    """A stand-in for ansible-playbook that writes the password file, as the playbook's copy
    task does, prints its folder, then runs `then` (fail, hang until a signal...)."""
    fake = tmp_path / "ansible-playbook"
    fake.write_text(
        f'#!/bin/sh\nprintf "s3cr3t-x\\n" > "$EXAMPLE_OUT_DIR/db_password"\necho "$EXAMPLE_OUT_DIR"\n{then}\n'
    )
    fake.chmod(0o755)
    return fake


def _commands_in_session(session: int) -> list[str]:
    """The command names (/proc's comm) of the processes in `session`."""
    names = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            text = stat.read_text()
            name, _, rest = text[text.index("(") + 1 :].rpartition(")")
            if int(rest.split()[3]) == session:  # state, ppid, pgrp, session
                names.append(name)
    return names


def _as_from_a_terminal() -> None:
    """preexec_fn: the signal dispositions a terminal gives a foreground job.

    A background job (`cmd &`, nohup, CI runners) starts with SIGINT and SIGQUIT ignored,
    every process below it inherits that across exec, and a shell cannot trap a signal that
    was ignored when it started: Ctrl-C simulated at such a script would do nothing. Runs in
    the child between fork and exec, so it changes nothing in pytest itself.
    """
    for sig in (signal.SIGINT, signal.SIGQUIT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_SETMASK, set())  # nor any signal blocked by our thread


def _start_waiting_stand_in(command: Path, tmpdir: Path, fake: Path) -> subprocess.Popen[bytes]:
    """Start `command` (own session and process group) with the stand-in playbook; return
    once the stand-in has written the file and has become its `sleep` (exec'd): a signal
    between its commands could be held by its shell until the sleep ends."""
    env = {**os.environ, "TMPDIR": str(tmpdir), "ANSIBLE_PLAYBOOK": str(fake)}
    env["LAMBDA_ENDPOINT_URL"] = "http://127.0.0.1:9"  # run.sh needs one; demo.sh sets its own
    process = subprocess.Popen(
        [str(command)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_as_from_a_terminal,
    )
    try:
        deadline = time.monotonic() + 120
        while not (list(tmpdir.glob("*/db_password")) and "sleep" in _commands_in_session(process.pid)):
            assert time.monotonic() < deadline, "the stand-in never wrote the file and waited"
            assert process.poll() is None, process.returncode
            time.sleep(0.02)
    except BaseException:
        _kill_session(process)
        raise
    return process


def _kill_session(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(OSError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _signal_once_written(command: Path, tmpdir: Path, fake: Path, sig: int) -> None:
    """Run `command` with the stand-in, signal its process group once the file exists."""
    process = _start_waiting_stand_in(command, tmpdir, fake)
    try:
        os.killpg(process.pid, sig)  # as Ctrl-C or a kill of the job would: the whole group
        assert process.wait(30) == 128 + sig
    finally:
        _kill_session(process)


def test_failure_after_the_password_is_written_still_removes_it(short_tmpdir: Path, tmp_path: Path) -> None:
    tmpdir = short_tmpdir
    done = _run(tmpdir, "http://127.0.0.1:9", ANSIBLE_PLAYBOOK=str(_fake_playbook(tmp_path, "exit 3")))
    assert done.returncode == 3
    out_dir = Path(done.stdout.splitlines()[0])
    assert out_dir.parent == tmpdir
    assert not out_dir.exists()
    assert _left_behind(tmpdir) == []


def test_a_given_output_folder_keeps_the_password(short_tmpdir: Path, tmp_path: Path) -> None:
    # EXAMPLE_OUT_DIR is the caller's folder: run.sh leaves what it wrote there.
    tmpdir, out = short_tmpdir, tmp_path / "out"
    fake = _fake_playbook(tmp_path, "exit 0")
    done = _run(tmpdir, "http://127.0.0.1:9", ANSIBLE_PLAYBOOK=str(fake), EXAMPLE_OUT_DIR=str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "db_password").read_text() == "s3cr3t-x\n"
    assert _left_behind(tmpdir) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_after_the_password_is_written_still_removes_it(
    short_tmpdir: Path, tmp_path: Path, sig: int
) -> None:
    tmpdir = short_tmpdir
    _signal_once_written(RUN_SH, tmpdir, _fake_playbook(tmp_path, "exec sleep 60"), sig)
    assert _left_behind(tmpdir) == []


def _demo(tmpdir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmpdir), **extra}
    env.pop("LAMBDA_ENDPOINT_URL", None)
    return subprocess.run([str(DEMO_SH)], env=env, capture_output=True, text=True, timeout=300)


def test_demo_leaves_no_file_behind(short_tmpdir: Path) -> None:
    tmpdir = short_tmpdir
    done = _demo(tmpdir)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"run.sh: the password was used from {tmpdir}/ephemeral-aws-example." in done.stdout
    assert _left_behind(tmpdir) == []


def test_demo_failing_after_the_password_is_written_leaves_no_file_behind(
    short_tmpdir: Path, tmp_path: Path
) -> None:
    tmpdir = short_tmpdir
    done = _demo(tmpdir, ANSIBLE_PLAYBOOK=str(_fake_playbook(tmp_path, "exit 4")))
    assert done.returncode == 4, done.stdout[-3000:] + done.stderr[-2000:]
    assert _left_behind(tmpdir) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_demo_stopped_by_a_signal_leaves_no_file_behind(short_tmpdir: Path, tmp_path: Path, sig: int) -> None:
    tmpdir = short_tmpdir
    _signal_once_written(DEMO_SH, tmpdir, _fake_playbook(tmp_path, "exec sleep 60"), sig)
    assert _left_behind(tmpdir) == []


def test_demo_killed_with_sigkill_takes_its_endpoint_along(short_tmpdir: Path, tmp_path: Path) -> None:
    # SIGKILL runs no EXIT trap: the endpoint (its own session, so not in the demo's process
    # group) stops because demo.sh started it with --exit-with-pid $$, runtimes included.
    from local_lambda.procfs import descendants, process_alive, process_start

    tmpdir = short_tmpdir
    process = _start_waiting_stand_in(DEMO_SH, tmpdir, _fake_playbook(tmp_path, "exec sleep 60"))
    try:
        [pid_file] = tmpdir.glob("tmp.*/endpoint.pid")  # demo.sh's mktemp -d work folder
        endpoint = int(pid_file.read_text())
        # The demo's first step invoked the sample function: a warm runtime is still there.
        runtimes = descendants(endpoint)
        assert runtimes, "the demo's endpoint has no runtime process"
        watched = {endpoint: process_start(endpoint), **runtimes}
        os.kill(process.pid, signal.SIGKILL)  # demo.sh only: run.sh and the stand-in live on
        deadline = time.monotonic() + 10  # ~0.1 s on an idle machine
        while alive := [pid for pid, start in watched.items() if process_alive(pid, start)]:
            assert time.monotonic() < deadline, f"still running 10 s after the demo was killed: {alive}"
            time.sleep(0.05)
    finally:
        _kill_session(process)
