"""examples/core/invoke_sample.py: a loopback endpoint by any of its names needs no AWS credentials.

Here, not in tests/core: tests/floors reruns tests/core on a Python without awslambdaric,
which cannot run the sample function."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from local_lambda.launcher import RunningEndpoint, running_endpoint

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "examples" / "core" / "invoke_sample.py"


@pytest.fixture(scope="module")
def sample_endpoint() -> Iterator[RunningEndpoint]:
    with running_endpoint(ROOT / "examples" / "local_lambda.json") as endpoint:
        yield endpoint


def _run(url: str) -> subprocess.CompletedProcess[str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("AWS_") and name not in {"LAMBDA_ENDPOINT_URL"}
    }
    env["AWS_CONFIG_FILE"] = env["AWS_SHARED_CREDENTIALS_FILE"] = os.devnull  # no credentials anywhere
    return subprocess.run(
        [sys.executable, str(SAMPLE), "--endpoint-url", url],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost"])
def test_a_loopback_url_by_name_or_address_invokes(sample_endpoint: RunningEndpoint, host: str) -> None:
    port = urlsplit(sample_endpoint.url).port
    completed = _run(f"http://{host}:{port}")
    assert completed.returncode == 0, completed.stderr
    assert "status_code      200" in completed.stdout
    assert "s3cr3t" not in completed.stdout + completed.stderr  # the secret result stays masked


def test_a_remote_url_is_not_given_fake_credentials() -> None:
    # Nothing listens there and no credentials exist: the core refuses before connecting.
    completed = _run("http://192.0.2.1:9")
    assert completed.returncode == 1
    assert "credentials" in completed.stderr.lower()
