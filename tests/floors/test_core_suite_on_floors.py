"""The core's own test suite (tests/core) run on the floors: Python 3.9 (requires-python)
with boto3 1.34.0, by the floor venv's pytest.

Five modules stay out, because they test what needs more than the floors, not the core
on them:
  test_model_support.py  sends tenant_id, which needs a botocore model with TenantId
                         (tests/floors/test_core_on_floors.py checks the refusal instead)
  test_packaging.py      lists the core's imports with sys.stdlib_module_names (Python 3.10)
  test_assume_role.py    its TLS STS stand-in uses moto's server classes, which the moto
                         releases for this botocore lack
  test_durable_execution_name.py  sends durable_execution_name, which needs a botocore
                         model with DurableExecutionName (BotocoreTooOldError otherwise)
  test_invoke_error_table.py  checks the core against the newest model's Invoke errors,
                         which this botocore's model does not list yet
"""

from __future__ import annotations

import os
import re
import subprocess
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NEEDS_MORE_THAN_THE_FLOORS = (
    "test_model_support.py",
    "test_packaging.py",
    "test_assume_role.py",
    "test_durable_execution_name.py",
    "test_invoke_error_table.py",
)


@pytest.mark.timeout(900)  # a whole suite: about a minute, more on a busy machine
def test_the_core_suite_passes_on_the_floors(
    floors: dict[str, str], floor_venvs: dict[str, Path], tally: Counter[str]
) -> None:
    ignored = [f"--ignore=tests/core/{name}" for name in NEEDS_MORE_THAN_THE_FLOORS]
    for name in NEEDS_MORE_THAN_THE_FLOORS:
        assert (ROOT / "tests/core" / name).is_file(), f"{name} is gone: update this list"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST_")}
    python = str(floor_venvs["core"] / "bin/python")
    proc = subprocess.run(
        [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-rfEs", *ignored, "tests/core"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    summary = proc.stdout[-3000:]
    assert proc.returncode == 0, summary + proc.stderr[-3000:]
    assert "skipped" not in summary, summary
    passed = re.search(r"(\d+) passed", summary)
    assert passed is not None, summary
    tally[f"floors: tests/core passed on Python {floors['python']} with boto3 {floors['boto3']}"] += int(
        passed.group(1)
    )
