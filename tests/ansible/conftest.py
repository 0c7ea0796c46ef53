"""Fixtures for the ephemeral.aws integration tests (helpers: playbook_support.py)."""

from __future__ import annotations

import fcntl
import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playbook_support import ANSIBLE_CORES, ROOT, AnsibleCore, PlaybookRunner

from tests.support.recording_lambda import RecordingLambda, recording_lambda


@pytest.fixture(scope="session", params=ANSIBLE_CORES)
def ansible_core(request: pytest.FixtureRequest) -> AnsibleCore:
    """Every release of scripts/ansible_cores.txt, each in its venv (made here if missing).

    Under pytest-xdist each worker asks for every release: a lock per release lets one worker
    make a missing venv while the others wait for it, instead of racing to make it too.
    """
    with (ROOT / f".venv-ansible-{request.param}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        out = subprocess.run(
            [str(ROOT / "scripts/ansible_core_venv.sh"), request.param],
            check=True,
            capture_output=True,
            text=True,
            timeout=600,
        )
    core = AnsibleCore(request.param, Path(out.stdout.strip().splitlines()[-1]))
    assert core.version == request.param
    return core


@pytest.fixture
def playbook_runner(
    ansible_core: AnsibleCore, lambda_endpoint: Any, tmp_path: Path, tally: Counter[str]
) -> Iterator[PlaybookRunner]:
    yield PlaybookRunner(core=ansible_core, endpoint_url=lambda_endpoint.url, tmp=tmp_path, tally=tally)


@pytest.fixture
def recording_endpoint() -> Iterator[RecordingLambda]:
    with recording_lambda() as server:
        yield server
