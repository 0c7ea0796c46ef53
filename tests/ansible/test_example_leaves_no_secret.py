"""examples/ansible/run.sh removes the password file it writes, on success and on failure.

Each case runs the script with TMPDIR pointed at a fresh, empty folder (where it makes its
default output folder) and checks the folder is empty afterwards.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest

from local_lambda.launcher import running_endpoint

ROOT = Path(__file__).resolve().parents[2]
RUN_SH = ROOT / "examples" / "ansible" / "run.sh"


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


def _left_behind(tmpdir: Path) -> list[str]:
    return sorted(str(path.relative_to(tmpdir)) for path in tmpdir.rglob("*"))


def test_success_removes_the_password_file(tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    with running_endpoint(ROOT / "examples" / "local_lambda.json") as endpoint:
        done = _run(tmpdir, endpoint.url)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    # The playbook did write it (the copy task changed), in a folder under our TMPDIR.
    assert "changed: [localhost]" in done.stdout
    assert f"run.sh: the password was used from {tmpdir}/ephemeral-aws-example." in done.stdout
    assert _left_behind(tmpdir) == []


def test_unreachable_endpoint_fails_and_leaves_nothing(tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    with socket.socket() as sock:  # a loopback port nobody listens on once it is closed
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    done = _run(tmpdir, f"http://127.0.0.1:{port}")
    assert done.returncode != 0
    assert "sample-secret" in done.stdout  # it failed in the invoke task, not before
    assert _left_behind(tmpdir) == []


def test_failure_after_the_password_is_written_still_removes_it(tmp_path: Path) -> None:
    # A stand-in for ansible-playbook that writes the file, as the playbook's copy task does,
    # and then fails, as a later task could.
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    fake = tmp_path / "ansible-playbook"
    fake.write_text(
        '#!/bin/sh\nprintf "s3cr3t-x\\n" > "$EXAMPLE_OUT_DIR/db_password"\necho "$EXAMPLE_OUT_DIR"\nexit 3\n'
    )
    fake.chmod(0o755)
    done = _run(tmpdir, "http://127.0.0.1:9", ANSIBLE_PLAYBOOK=str(fake))
    assert done.returncode == 3
    out_dir = Path(done.stdout.splitlines()[0])
    assert out_dir.parent == tmpdir
    assert not out_dir.exists()
    assert _left_behind(tmpdir) == []


def test_a_given_output_folder_keeps_the_password(tmp_path: Path) -> None:
    # EXAMPLE_OUT_DIR is the caller's folder: run.sh leaves what it wrote there.
    tmpdir, out = tmp_path / "tmp", tmp_path / "out"
    tmpdir.mkdir()
    fake = tmp_path / "ansible-playbook"
    fake.write_text('#!/bin/sh\nprintf "s3cr3t-x\\n" > "$EXAMPLE_OUT_DIR/db_password"\n')
    fake.chmod(0o755)
    done = _run(tmpdir, "http://127.0.0.1:9", ANSIBLE_PLAYBOOK=str(fake), EXAMPLE_OUT_DIR=str(out))
    assert done.returncode == 0, done.stderr
    assert (out / "db_password").read_text() == "s3cr3t-x\n"
    assert _left_behind(tmpdir) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_after_the_password_is_written_still_removes_it(tmp_path: Path, sig: int) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    fake = tmp_path / "ansible-playbook"
    fake.write_text('#!/bin/sh\nprintf "s3cr3t-x\\n" > "$EXAMPLE_OUT_DIR/db_password"\nsleep 60\n')
    fake.chmod(0o755)
    env = {**os.environ, "TMPDIR": str(tmpdir), "LAMBDA_ENDPOINT_URL": "http://127.0.0.1:9"}
    env["ANSIBLE_PLAYBOOK"] = str(fake)
    process = subprocess.Popen([str(RUN_SH)], env=env, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while not list(tmpdir.glob("*/db_password")):
            assert time.monotonic() < deadline, "the stand-in never wrote the file"
            time.sleep(0.02)
        os.killpg(process.pid, sig)  # as Ctrl-C or a kill of the job would: the whole group
        assert process.wait(30) == 128 + sig
    finally:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert _left_behind(tmpdir) == []


def _demo(tmpdir: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "TMPDIR": str(tmpdir), **extra}
    env.pop("LAMBDA_ENDPOINT_URL", None)
    return subprocess.run(
        [str(ROOT / "scripts" / "demo.sh")], env=env, capture_output=True, text=True, timeout=300
    )


def test_demo_leaves_no_file_behind(tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    done = _demo(tmpdir)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"run.sh: the password was used from {tmpdir}/ephemeral-aws-example." in done.stdout
    assert _left_behind(tmpdir) == []


def test_demo_failing_after_the_password_is_written_leaves_no_file_behind(tmp_path: Path) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    fake = tmp_path / "ansible-playbook"
    fake.write_text('#!/bin/sh\nprintf "s3cr3t-x\\n" > "$EXAMPLE_OUT_DIR/db_password"\nexit 4\n')
    fake.chmod(0o755)
    done = _demo(tmpdir, ANSIBLE_PLAYBOOK=str(fake))
    assert done.returncode == 4, done.stdout[-3000:] + done.stderr[-2000:]
    assert _left_behind(tmpdir) == []


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_demo_stopped_by_a_signal_leaves_no_file_behind(tmp_path: Path, sig: int) -> None:
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    fake = tmp_path / "ansible-playbook"
    fake.write_text('#!/bin/sh\nprintf "s3cr3t-x\\n" > "$EXAMPLE_OUT_DIR/db_password"\nsleep 60\n')
    fake.chmod(0o755)
    env = {**os.environ, "TMPDIR": str(tmpdir), "ANSIBLE_PLAYBOOK": str(fake)}
    env.pop("LAMBDA_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "demo.sh")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not list(tmpdir.glob("*/db_password")):
            assert time.monotonic() < deadline, "the stand-in never wrote the file"
            assert process.poll() is None, process.returncode
            time.sleep(0.05)
        os.killpg(process.pid, sig)
        assert process.wait(30) == 128 + sig
    finally:
        with contextlib.suppress(OSError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert _left_behind(tmpdir) == []
