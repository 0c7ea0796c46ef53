"""Every Python that pyproject's classifiers claim runs the product: the core invokes the local
endpoint, and the Pulumi provider checks and creates, on each one with the newest releases
(nox sessions python-3.X; the oldest Python runs on the version floors in the other tests
here). A claimed Python missing from the machine fails the run: nothing skips."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from local_lambda.launcher import RunningEndpoint
from tests.support.environments import python_environment
from tests.support.venv_scripts import INVOKE, run_script

ROOT = Path(__file__).resolve().parents[2]


def _claimed() -> list[str]:
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts/floors.py"), "--pythons"],
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout.split()[1:]  # the oldest runs on the floors (test_core_on_floors.py)


MAIN_PYTHON = "{}.{}".format(*sys.version_info[:2])  # the main run's: .venv


@pytest.fixture(scope="session")
def python_venvs() -> dict[str, Path]:
    return {
        version: Path(sys.prefix) if version == MAIN_PYTHON else python_environment(version)
        for version in _claimed()
    }


# The provider as the engine drives it: check fills the defaults, create invokes.
_PROVIDER = r"""
import json, sys
from pulumi_lambda_invocation.provider import LambdaInvocationProvider

provider = LambdaInvocationProvider()
news = {"function_name": "echo", "payload": json.dumps({"via": "provider"}),
        "region": "us-east-1", "endpoint_url": sys.argv[1]}
checked = provider.check({}, news)
created = provider.create(checked.inputs)
print(json.dumps({"failures": len(checked.failures or []), "result": json.loads(created.outs["result"])}))
"""


@pytest.mark.parametrize("version", _claimed())
def test_the_product_runs_on_every_claimed_python(
    version: str,
    python_venvs: dict[str, Path],
    lambda_endpoint: RunningEndpoint,
    aws_sandbox: dict[str, str],
) -> None:
    python = python_venvs[version] / "bin/python"
    proc = run_script(python, INVOKE, aws_sandbox, lambda_endpoint.url)
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    assert out["python"] == version
    assert out["core"] == str(ROOT / "core/lambda_invocation_core/__init__.py")  # this tree's core
    assert out["ok"]["status"] == 200 and out["ok"]["function_error"] is None
    assert out["ok"]["result"]["event"] == {"marker": "floor-marker"}
    assert out["failed"] == {"function_error": "Unhandled", "error_type": "ValueError"}
    assert out["missing"] == {"code": "ResourceNotFoundException", "status": 404}
    assert out["invalid"] == "function_name"

    proc = run_script(python, _PROVIDER, aws_sandbox, lambda_endpoint.url)
    assert proc.returncode == 0, proc.stderr
    provider = json.loads(proc.stdout)
    assert provider["failures"] == 0
    assert provider["result"]["event"] == {"via": "provider"}
