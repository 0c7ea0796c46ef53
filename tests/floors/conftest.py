"""The lowest-versions run: venvs with exactly the declared floors (scripts/floor_venvs.sh).

Fixtures:
  floors       (session)  the declared floors, as scripts/floors.py reads them:
                          {"python": "3.9", "boto3": ..., "pulumi": ..., "ansible-core": ...}
  floor_venvs  (session)  {"core": Path, "ansible": Path}: the venvs, created or reused here
                          (scripts/test.sh creates them before pytest starts)

The local endpoint runs in the project venv (awslambdaric needs Python >= 3.11); the code
under test runs in the floor venvs, as subprocesses. Nothing here skips: a missing
interpreter or a failed install is an error.

The Pulumi and Ansible floor tests reuse the helpers of tests/pulumi and tests/ansible,
which import each other by module name (their folders are not packages): those folders go
on sys.path here, as pytest and their conftest.py files put them there when they run
(examples/pulumi too: the Pulumi tests' engine may live there).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
for _folder in ("tests/pulumi", "examples/pulumi", "tests/ansible"):
    if str(ROOT / _folder) not in sys.path:
        sys.path.append(str(ROOT / _folder))


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
    out = subprocess.run([str(ROOT / "scripts/floor_venvs.sh")], capture_output=True, text=True, timeout=900)
    assert out.returncode == 0, out.stderr
    venvs = dict(line.split("=", 1) for line in out.stdout.splitlines() if "=" in line)
    return {name: Path(path) for name, path in venvs.items()}


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
