"""Fixtures of the core's tests: the scripted endpoint, moto's STS over TLS, a fresh client cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.support.loopback_http import serving
from tests.support.scripted_lambda import ScriptedLambda
from tests.support.tls_sts import TlsSts, serving_tls_sts


@pytest.fixture
def scripted_lambda() -> Iterator[ScriptedLambda]:
    with serving(ScriptedLambda()) as server:
        yield server


@pytest.fixture(autouse=True)
def _no_ambient_retry_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    # The core honours these (retry_config.py); a developer's own would change the counts tested.
    monkeypatch.delenv("AWS_MAX_ATTEMPTS", raising=False)
    monkeypatch.delenv("AWS_RETRY_MODE", raising=False)


@pytest.fixture(autouse=True)
def _fresh_client_cache() -> Iterator[None]:
    from lambda_invocation_core import clear_client_cache

    clear_client_cache()
    yield
    clear_client_cache()


@pytest.fixture(scope="session")
def tls_sts(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TlsSts]:
    """moto's STS behind TLS with a certificate from a private CA (trustme)."""
    with serving_tls_sts(tmp_path_factory.mktemp("tls-sts")) as server:
        yield server
