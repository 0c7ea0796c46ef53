"""The Pulumi package on its floors: the provider that the floor pulumi serializes, run by the
real provider host (`python -u -m pulumi.dynamic`) of the floor venv, driven over gRPC as the
engine drives it. Helpers: tests/support/pulumi_provider_host.py."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_lambda.launcher import RunningEndpoint
from tests.support.functions import count_executions
from tests.support.pulumi_engine_double import PROVIDER_KEY
from tests.support.pulumi_provider_host import Host, _configure, _dict, host_inputs, provider_host

MARKER = "floor-pulumi-marker-31c9"

# What a LambdaInvocation puts in its __provider input, made by the floor pulumi.
_SERIALIZE = (
    "from pulumi.dynamic.dynamic import serialize_provider\n"
    "from pulumi_lambda_invocation import LambdaInvocationProvider\n"
    "print(serialize_provider(LambdaInvocationProvider()))\n"
)


@pytest.fixture
def floor_python(floor_venvs: dict[str, Path]) -> Path:
    return floor_venvs["core"] / "bin/python"


@pytest.fixture
def floor_provider(floor_python: Path, tmp_path: Path) -> str:
    out = subprocess.run(
        [str(floor_python), "-c", _SERIALIZE], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture
def floor_host(floor_python: Path, tmp_path: Path, aws_sandbox: dict[str, str]) -> Iterator[Host]:
    with provider_host(str(floor_python), tmp_path, aws_sandbox) as host:
        yield host


def test_check_and_create_through_the_floor_provider_host(
    floor_host: Host, floor_provider: str, lambda_endpoint: RunningEndpoint, count_file: str
) -> None:
    _configure(floor_host)
    news = {
        PROVIDER_KEY: floor_provider,
        "function_name": "count",
        "payload": json.dumps({"count_file": count_file, "marker": MARKER}),
        "log_type": "Tail",
        "endpoint_url": lambda_endpoint.url,
    }
    inputs = host_inputs(floor_host, {}, news)
    assert inputs["fail_on_function_error"] is True  # defaults filled in by Check

    created = floor_host.create(inputs)
    outs = _dict(created.properties)
    assert json.loads(outs["result"])["count"] == 1
    assert outs["executed_version"] == "$LATEST" and outs["status_code"] == 200
    assert count_executions(count_file) == 1

    bad = {**news, "function_name": MARKER + " !", "log_type": "Loud"}
    failures = {f.property: f.reason for f in floor_host.check({}, bad).failures}
    assert sorted(failures) == ["function_name", "log_type"]
    assert all(MARKER not in reason for reason in failures.values())
