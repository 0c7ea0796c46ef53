"""Fixtures of the core's tests: the scripted endpoint and a fresh client cache."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scripted_lambda import ScriptedLambda


@pytest.fixture
def scripted_lambda() -> Iterator[ScriptedLambda]:
    server = ScriptedLambda()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


@pytest.fixture(autouse=True)
def _fresh_client_cache() -> Iterator[None]:
    from lambda_invocation_core import clear_client_cache

    clear_client_cache()
    yield
    clear_client_cache()
