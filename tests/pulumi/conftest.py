"""Fixtures of the Pulumi package's tests.

Every test runs with planted, recognizable AWS credentials in the environment (the local
endpoint does not check signatures) so that leak tests can search for them, and with no
AWS config files, profile or region from the machine.

Fixtures of the provider-host tests (test_pulumi_provider_host.py, test_pulumi_diff.py,
test_pulumi_idempotency.py):
  serialized_provider (module)   the __provider a real LambdaInvocation sends to the engine
  host                (function) Pulumi's provider host, run from site-packages:
                                 tests/support/pulumi_provider_host.py
"""

from __future__ import annotations

import filecmp
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pulumi.runtime import rpc

import lambda_invocation_core
from pulumi_lambda_invocation import LambdaInvocation
from tests.support.pulumi_engine_double import PROVIDER_KEY, EngineDouble
from tests.support.pulumi_provider_host import Host, installed_package_dir, provider_host
from tests.support.pulumi_test_settings import (
    PLANTED,
    PLANTED_ACCESS_KEY,
    PLANTED_SECRET_KEY,
    PLANTED_SESSION_TOKEN,
    REGION,
)

REPO = Path(__file__).resolve().parents[2]


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


@pytest.fixture(scope="module")
def serialized_provider() -> str:
    """The __provider a real LambdaInvocation sends to the engine (from a preview)."""

    def program() -> None:
        LambdaInvocation("inv", function_name="echo", payload={"k": "v"})

    run = EngineDouble({"aws:region": REGION}).preview(program)
    inputs = rpc.deserialize_properties(run.requests["inv"].object)
    assert rpc.is_rpc_secret(inputs[PROVIDER_KEY])
    value = rpc.unwrap_rpc_secret(inputs[PROVIDER_KEY])
    assert isinstance(value, str)
    return value


@pytest.fixture
def host(tmp_path: Path, aws_environment: None) -> Iterator[Host]:
    installed = installed_package_dir(tmp_path)
    stale = [
        source.name
        for source in (REPO / "pulumi_lambda_invocation").glob("*.py")
        if not filecmp.cmp(source, installed / source.name, shallow=False)
    ]
    if stale:
        pytest.fail(f"the installed package differs from the source {stale}: run scripts/nox -s dev")

    def no_planted_secret(stderr: bytes) -> None:
        for planted in PLANTED:
            assert planted.encode() not in stderr

    # tmp_path: a neutral directory, the provider comes from site-packages
    with provider_host(sys.executable, tmp_path, dict(os.environ), no_planted_secret) as running:
        yield running
