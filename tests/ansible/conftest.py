"""Fixtures for the ephemeral.aws integration tests (helpers: tests/support/playbook_support.py)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.environments import ansible_core_environment
from tests.support.playbook_support import ANSIBLE_CORES, AnsibleCore, PlaybookRunner
from tests.support.recording_lambda import RecordingLambda, recording_lambda


@pytest.fixture(scope="session", params=ANSIBLE_CORES)
def ansible_core(request: pytest.FixtureRequest) -> AnsibleCore:
    """Every release of scripts/ansible_cores.txt, each in its environment (nox: ansible-RELEASE)."""
    core = AnsibleCore(request.param, ansible_core_environment(request.param))
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
