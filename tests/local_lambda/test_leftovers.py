"""tests/support/leftovers.py: the end-of-run check finds what a run left running, says so
by pid and command name only, ends it, and fails the run.

It lives with the endpoint's tests: endpoints and runtimes are what it is mostly for.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from local_lambda.launcher import PACKAGE_ROOT
from local_lambda.procfs import process_alive
from tests.support.leftovers import RUN_ID_ENV, find

SECRET = "leftover-env-value-" + uuid.uuid4().hex  # must never appear in a report


def _pids_in(text: str) -> set[int]:
    return {int(word) for line in text.splitlines() if "pid " in line for word in [line.split()[1]]}


def _run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tests.support.leftovers", *args],
        cwd=PACKAGE_ROOT,
        env=env or dict(os.environ),
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_find_sees_children_and_marked_strangers_only() -> None:
    marker = uuid.uuid4().hex
    child = subprocess.Popen(["sleep", "300"])
    marked = subprocess.Popen(
        ["sleep", "300"], env={**os.environ, RUN_ID_ENV: marker}, start_new_session=True
    )
    unmarked = subprocess.Popen(["sleep", "300"], start_new_session=True)
    try:
        below = {left.pid for left in find(root=os.getpid())}
        assert {child.pid, marked.pid, unmarked.pid} <= below  # all still our children
        # Not below a root: only the marker counts, and the name is the command's.
        [only] = find(markers={RUN_ID_ENV: marker})
        assert (only.pid, only.name) == (marked.pid, "sleep")
        assert find(markers={RUN_ID_ENV: marker}, ignore=[marked.pid]) == []
    finally:
        for process in (child, marked, unmarked):
            process.kill()
            process.wait()


def test_run_finds_ends_and_fails_on_orphans_even_with_a_scrubbed_environment() -> None:
    # `sleep &` in a shell that exits at once: the sleep is an orphan, in a new session,
    # with an environment that has no marker; only the subreaper still sees it.
    leaver = f"env -i SECRET={SECRET} setsid sleep 300 & echo started"
    done = _run_cli("run", "--grace", "0.5", "--", "sh", "-c", leaver)
    assert done.returncode == 1, done.stderr
    assert "started" in done.stdout
    assert "1 process(es) left by sh were still running (now ended):" in done.stderr
    [pid] = _pids_in(done.stderr)
    assert ": sleep" in done.stderr
    assert SECRET not in done.stdout + done.stderr
    assert not process_alive(pid)


def test_run_passes_a_clean_command_and_its_status_through() -> None:
    clean = _run_cli("run", "--", "sh", "-c", "sleep 0.1 & wait; exit 0")
    assert (clean.returncode, clean.stderr.strip()) == (0, "leftovers: none (sh exited with 0)")
    failing = _run_cli("run", "--", "sh", "-c", "exit 7")
    assert failing.returncode == 7


def test_check_since_file_reports_marked_processes_started_after_it(tmp_path: Path) -> None:
    marker = uuid.uuid4().hex
    env = {**os.environ, RUN_ID_ENV: marker}
    before = subprocess.Popen(["sleep", "300"], env=env, start_new_session=True)  # an earlier run's
    since = tmp_path / "since"
    time.sleep(0.05)  # /proc counts start times in 10 ms ticks
    since.touch()
    time.sleep(0.05)
    left = subprocess.Popen(["sleep", "300"], env=env, start_new_session=True)
    try:
        found = _run_cli("check", "--since-file", str(since), env=env)
        assert found.returncode == 1
        assert _pids_in(found.stderr) == {left.pid}
        assert process_alive(left.pid)  # reported only
        ended = _run_cli("check", "--since-file", str(since), "--kill", env=env)
        assert ended.returncode == 1 and "(now ended)" in ended.stderr
        assert left.wait(10) < 0
        assert _run_cli("check", "--since-file", str(since), env=env).returncode == 0
        no_marker = _run_cli("check", "--since-file", str(since), env=dict(os.environ, **{RUN_ID_ENV: ""}))
        assert no_marker.returncode == 2
    finally:
        for process in (before, left):
            process.kill()
            process.wait()


LEAVING_TEST = """\
import os, subprocess

def test_leaves_processes_running():
    env = {**os.environ, "SECRET": "%s"}
    # A child, and a grandchild re-parented away from pytest (its shell exits at once).
    subprocess.Popen(["sleep", "300"], env=env)
    subprocess.run(["sh", "-c", "setsid sleep 301 &"], env=env, check=True)
"""


def _inner_pytest(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    (tmp_path / "test_leaving.py").write_text(LEAVING_TEST % SECRET)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(PACKAGE_ROOT), str(PACKAGE_ROOT / "core")])
    # tests/conftest.py as a plugin: its pytest_sessionfinish is what is tested.
    command = [sys.executable, "-m", "pytest", "-p", "tests.conftest", "-p", "no:cacheprovider", *args]
    command += ["--rootdir", str(tmp_path), "-c", os.devnull, str(tmp_path / "test_leaving.py")]
    return subprocess.run(command, cwd=PACKAGE_ROOT, env=env, capture_output=True, text=True, timeout=240)


def test_pytest_run_that_leaves_processes_fails(tmp_path: Path) -> None:
    try:
        done = _inner_pytest(tmp_path)
    finally:
        _end_strays()
    assert done.returncode == 1, done.stdout[-3000:]
    assert "1 passed" in done.stdout
    assert "leftover processes" in done.stdout
    # Serially, the child is below pytest; the re-parented grandchild has no run marker.
    [pid] = _pids_in(done.stdout)
    assert not process_alive(pid)
    assert SECRET not in done.stdout + done.stderr


def test_xdist_run_that_leaves_processes_fails_and_finds_re_parented_ones(tmp_path: Path) -> None:
    try:
        done = _inner_pytest(tmp_path, "-n", "1")
    finally:
        _end_strays()
    assert done.returncode == 1, done.stdout[-3000:]
    assert "2 process(es) started by this pytest run are still running (now ended):" in done.stdout
    pids = _pids_in(done.stdout)
    assert len(pids) == 2
    assert not any(process_alive(pid) for pid in pids)
    assert SECRET not in done.stdout + done.stderr


def _end_strays() -> None:
    """What an inner run did not find (the serial run's re-parented `sleep 301`), found by
    the secret its environment carries."""
    for left in find(markers={"SECRET": SECRET}):
        os.kill(left.pid, 9)
