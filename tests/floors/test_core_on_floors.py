"""The core on its floors: Python 3.9 (requires-python) with exactly the boto3 floor, invoking
the local endpoint (which runs in the project venv)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from local_lambda.launcher import RunningEndpoint
from tests.support.venv_scripts import INVOKE, run_script


def test_invoke_through_the_core(
    floors: dict[str, str],
    floor_venvs: dict[str, Path],
    lambda_endpoint: RunningEndpoint,
    aws_sandbox: dict[str, str],
) -> None:
    python = floor_venvs["core"] / "bin/python"
    proc = run_script(python, INVOKE, aws_sandbox, lambda_endpoint.url)
    assert proc.returncode == 0, proc.stderr
    out: dict[str, Any] = json.loads(proc.stdout)
    assert (out["python"], out["boto3"]) == (floors["python"], floors["boto3"])
    assert out["core"].endswith("core/lambda_invocation_core/__init__.py")  # this tree's core
    ok = out["ok"]
    assert ok["status"] == 200 and ok["version"] == "$LATEST" and ok["function_error"] is None
    assert ok["result"]["event"] == {"marker": "floor-marker"}
    assert ok["result"]["client_context"]["custom"] == {"k": "v"}
    assert "echo marker=floor-marker" in ok["log"]
    assert out["failed"] == {"function_error": "Unhandled", "error_type": "ValueError"}
    assert out["missing"] == {"code": "ResourceNotFoundException", "status": 404}
    assert out["invalid"] == "function_name"


_ASSUME_ROLE = r"""
import json, sys
import lambda_invocation_core as core

connection = core.ConnectionSettings(
    region="us-east-1", endpoint_url=sys.argv[1],
    role_arn="arn:aws:iam::123456789012:role/floor", role_session_name="floor-test",
)
print(json.dumps(core.invoke("echo", {"k": "v"}, connection=connection).result_json))
"""


def test_role_assumption_on_the_boto3_floor(
    floor_venvs: dict[str, Path], lambda_endpoint: RunningEndpoint, aws_sandbox: dict[str, str], sts_url: str
) -> None:
    """botocore's AssumeRole fetcher and AWS_ENDPOINT_URL_STS, as the floor botocore has them."""
    env = {**aws_sandbox, "AWS_ENDPOINT_URL_STS": sts_url}
    proc = run_script(floor_venvs["core"] / "bin/python", _ASSUME_ROLE, env, lambda_endpoint.url)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["event"] == {"k": "v"}


_TENANT = r"""
import sys
import lambda_invocation_core as core

connection = core.ConnectionSettings(region="us-east-1", endpoint_url=sys.argv[1])
try:
    core.invoke("echo", {}, tenant_id="customer-42", connection=connection)
except core.LambdaInvocationError as error:
    print(type(error).__name__, error)
"""


def test_tenant_id_is_refused_with_a_typed_error_on_the_boto3_floor(
    floors: dict[str, str],
    floor_venvs: dict[str, Path],
    lambda_endpoint: RunningEndpoint,
    aws_sandbox: dict[str, str],
) -> None:
    proc = run_script(floor_venvs["core"] / "bin/python", _TENANT, aws_sandbox, lambda_endpoint.url)
    assert proc.returncode == 0, proc.stderr  # a raw botocore exception would escape: exit 1
    error_class, message = proc.stdout.split(" ", 1)
    assert error_class == "BotocoreTooOldError"
    assert "tenant_id" in message and ">= 1.41.0" in message, message
    assert f"boto3 {floors['boto3']}" in message, message  # what is installed: the floor
