"""Fixtures for the ephemeral.aws integration tests (helpers: playbook_support.py)."""

from __future__ import annotations

import subprocess
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playbook_support import ROOT, AnsibleCore, PlaybookRunner

from tests.support.recording_lambda import RecordingLambda, recording_lambda


@pytest.fixture(scope="session", params=["current", "oldest"])
def ansible_core(request: pytest.FixtureRequest) -> AnsibleCore:
    if request.param == "current":
        return AnsibleCore("current", ROOT / ".venv")
    out = subprocess.run(
        [str(ROOT / "scripts/ansible_oldest_venv.sh")],
        check=True,
        capture_output=True,
        text=True,
        timeout=600,
    )
    return AnsibleCore("oldest", Path(out.stdout.strip().splitlines()[-1]))


@pytest.fixture
def playbook_runner(
    ansible_core: AnsibleCore, lambda_endpoint: Any, tmp_path: Path, tally: Counter[str]
) -> Iterator[PlaybookRunner]:
    yield PlaybookRunner(core=ansible_core, endpoint_url=lambda_endpoint.url, tmp=tmp_path, tally=tally)


@pytest.fixture
def recording_endpoint() -> Iterator[RecordingLambda]:
    with recording_lambda() as server:
        yield server
