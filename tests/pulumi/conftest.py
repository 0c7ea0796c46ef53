"""Fixtures of the Pulumi package's tests.

Every test runs with planted, recognizable AWS credentials in the environment (the local
endpoint does not check signatures) so that leak tests can search for them, and with no
AWS config files, profile or region from the machine.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

# The engine-like test engine lives with the example that runs under it (examples/ never
# imports from tests/); the tests import it from there.
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "examples" / "pulumi"))
from pulumi_test_settings import PLANTED_ACCESS_KEY, PLANTED_SECRET_KEY, PLANTED_SESSION_TOKEN

import lambda_invocation_core


@pytest.fixture(autouse=True)
def aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    unset = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ENDPOINT_URL")
    for name in unset:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", PLANTED_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", PLANTED_SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", PLANTED_SESSION_TOKEN)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    # Clients capture credentials when they are built; each test builds its own.
    lambda_invocation_core.clear_client_cache()
    yield
    lambda_invocation_core.clear_client_cache()
