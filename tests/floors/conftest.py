"""The lowest-versions run: environments with exactly the declared floors (nox sessions
floor-core and floor-ansible).

Fixtures:
  floors       (session)  the declared floors, as scripts/floors.py reads them:
                          {"python": "3.9", "boto3": ..., "pulumi": ..., "ansible-core": ...}
  floor_venvs  (session)  {"core": Path, "ansible": Path}: the environments (the full run
                          makes them before pytest starts)

The local endpoint runs in the project venv (awslambdaric needs Python >= 3.11); the code
under test runs in the floor venvs, as subprocesses. Nothing here skips: a missing
interpreter or a failed install is an error.

The Pulumi and Ansible floor tests reuse the helpers of tests/support.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.environments import floor_environments

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def floors() -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts/floors.py"), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    found: dict[str, str] = json.loads(out.stdout)
    return found


@pytest.fixture(scope="session")
def floor_venvs() -> dict[str, Path]:
    return floor_environments()


@pytest.fixture
def aws_sandbox(tmp_path: Path) -> dict[str, str]:
    """An environment for a floor venv's process: fake credentials, no AWS files or region
    from the machine, the user's PATH and HOME only."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
