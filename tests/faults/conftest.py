"""Fault and load suite wiring: its own endpoint (counts go to the `tally` fixture)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local_lambda.launcher import RunningEndpoint, running_endpoint


@pytest.fixture(scope="module")
def fault_endpoint() -> Iterator[RunningEndpoint]:
    with running_endpoint(Path(__file__).parent / "config.json") as endpoint:
        yield endpoint
