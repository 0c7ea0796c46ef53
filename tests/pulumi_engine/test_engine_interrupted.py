"""An interrupted `pulumi up` under the real engine: SIGINT, then SIGKILL, to the CLI while
the function of a create runs (it sleeps, then its body writes one line to the count file).

What the pinned engine (v3.277) does, and these tests prove:
- the killed CLI leaves the stack locked (file backend: `pulumi cancel` releases it) and a
  pending `creating` operation in the checkpoint; the function itself runs to its end on
  the endpoint, once;
- the next `pulumi up` warns ("Attempting to deploy or update resources with 1 pending
  operations") and issues a fresh Create: the function is invoked again. The pending
  operation stays in the checkpoint after that up (every up warns) until `pulumi refresh
  --clear-pending-creates`. With a derived
  idempotency key and Powertools, that second invocation carries the same key and is
  answered with the first run's result: the body ran once;
- without a key, the body runs again. `pulumi refresh --clear-pending-creates` (the
  engine's non-interactive repair) drops the pending create and invokes nothing; the next
  `up` creates (and invokes) again all the same: the function must tolerate a second run.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from local_lambda.procfs import descendants, process_start
from tests.pulumi_engine.project import COMMAND_TIMEOUT, STACK, PulumiProject
from tests.support.powertools_endpoint import PowertoolsEndpoint

pytestmark = [pytest.mark.timeout(600)]  # as in test_engine_lifecycle.py

PROGRAM = Path(__file__).resolve().parent / "interrupted_program.py"
# Long enough to interrupt in, short enough for a test; the tests wait for its end.
SECONDS = "6"
PENDING_WARNING = "Attempting to deploy or update resources with 1 pending operations"


def _use_program(project: PulumiProject, **config: str) -> None:
    shutil.copyfile(PROGRAM, project.project_dir / "__main__.py")
    project.init_stack(seconds=SECONDS, **config)


def _checkpoint(project: PulumiProject) -> dict[str, Any]:
    """The stack's checkpoint file as the backend holds it (readable while the CLI holds the
    lock, unlike `pulumi stack export`)."""
    path = project.backend_dir / ".pulumi" / "stacks" / "engine-test" / f"{STACK}.json"
    try:
        text = path.read_text(encoding="utf-8")
        checkpoint: dict[str, Any] = json.loads(text)
    except (FileNotFoundError, json.JSONDecodeError):  # not written yet, or being written
        return {}
    return checkpoint


def _pending(checkpoint: dict[str, Any]) -> list[dict[str, Any]]:
    deployment = (checkpoint.get("checkpoint") or {}).get("latest") or checkpoint.get("deployment") or {}
    pending: list[dict[str, Any]] = deployment.get("pending_operations") or []
    return pending


def _pending_slow(project: PulumiProject) -> list[dict[str, Any]]:
    return [op for op in _pending(_checkpoint(project)) if op["resource"]["urn"].endswith("::slow")]


def _wait_for(what: str, condition: Any, timeout: float = 60) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def _interrupted_up(project: PulumiProject) -> dict[str, Any]:
    """`pulumi up` interrupted while the create's function runs: SIGINT (the CLI starts to
    cancel and waits for the call in flight), then SIGKILL a second later. Returns the pending
    operation the checkpoint kept. The CLI runs in a session of its own, so that whatever it
    started can be ended with it (only what this test started)."""
    process = subprocess.Popen(
        [
            str(project.bin_dir / "pulumi"),
            "--non-interactive",
            "--color",
            "never",
            "up",
            "--yes",
            "--skip-preview",
        ],
        cwd=project.project_dir,
        env=project.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    plugins: dict[int, int] = {}
    try:
        # The engine records the pending create before it calls the provider (the stack's
        # own create is pending first, for a moment: only the resource's counts).
        [operation] = _wait_for("the pending create", lambda: _pending_slow(project))
        time.sleep(1)  # the provider's call reaches the function
        process.send_signal(signal.SIGINT)
        time.sleep(1)
        # The CLI's plugins, listed before the SIGKILL: they run in process groups of their
        # own, and once the CLI is gone they are re-parented where nothing names them.
        plugins = descendants(process.pid)
        process.kill()
        output, _ = process.communicate(timeout=COMMAND_TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        for pid, start in plugins.items():
            if process_start(pid) == start:  # the same process, not a reused pid
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    assert "received; cancelling" in output  # the SIGINT arrived while the create ran
    assert operation["type"] == "creating"
    found: dict[str, Any] = operation
    return found


def test_interrupted_up_with_a_derived_key_runs_the_body_once(
    pulumi_project: PulumiProject, powertools_endpoint: PowertoolsEndpoint
) -> None:
    project = pulumi_project
    _use_program(project, keyed="true", powertoolsUrl=powertools_endpoint.url)
    operation = _interrupted_up(project)
    key = operation["resource"]["inputs"]["idempotency_key"]
    assert isinstance(key, str) and key.startswith("pulumi-")

    # The function was not interrupted: its body ends, and Powertools stores the result.
    _wait_for("the body's run", lambda: project.count_file.exists())
    _wait_for("the stored result", lambda: powertools_endpoint.record_status(key) == "COMPLETED")
    assert len(project.count_file.read_text().splitlines()) == 1

    # The killed CLI left its lock; the next up is refused until `pulumi cancel`.
    locked = project.run("up", "--yes", "--skip-preview", check=False)
    assert locked.returncode != 0 and "locked" in locked.stderr
    project.run("cancel", "--yes")

    # The next up warns about the pending create and creates again, with the same key: the
    # function answers with the first run's result, its body does not run again.
    run = project.up(preview=False)
    assert PENDING_WARNING in run.stdout
    assert len(project.count_file.read_text().splitlines()) == 1
    assert project.resource("slow") is not None
    revealed = project.outputs(show_secrets=True)
    answer = json.loads(revealed["slow_result"])
    assert answer["body_runs"] == 1
    project.secrets["slow result"] = revealed["slow_result"]

    # The completed create does not clear the pending operation: a further up warns again
    # (and invokes nothing: the resource is in the state) until a refresh clears it.
    assert len(_pending(project.export())) == 1
    run = project.up(preview=False)
    assert PENDING_WARNING in run.stdout
    project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
    assert _pending(project.export()) == [] and project.resource("slow") is not None
    run = project.up(preview=False)
    assert PENDING_WARNING not in run.stdout
    assert len(project.count_file.read_text().splitlines()) == 1
    assert project.leaks() == []


def test_interrupted_up_without_a_key_runs_again_and_refresh_clears_the_pending_create(
    pulumi_project: PulumiProject,
) -> None:
    project = pulumi_project
    _use_program(project)
    _interrupted_up(project)
    _wait_for("the body's run", lambda: project.invocations()["slow"] == 1)
    project.run("cancel", "--yes")
    assert len(_pending(project.export())) == 1

    # The engine's repair, non-interactive: drop the pending create. Nothing is invoked,
    # and nothing is in the state (the create never finished there).
    run = project.run("refresh", "--yes", "--skip-preview", "--clear-pending-creates")
    assert _pending(project.export()) == []
    assert project.resource("slow") is None
    assert project.invocations()["slow"] == 1

    # The next up creates, and the function runs a second time: nothing tells the engine
    # that the first run happened. No pending operation is left to warn about.
    run = project.up(preview=False)
    assert PENDING_WARNING not in run.stdout
    assert project.invocations()["slow"] == 2
    assert project.resource("slow") is not None
    project.secrets["slow result"] = project.outputs(show_secrets=True)["slow_result"]
    assert project.leaks() == []
