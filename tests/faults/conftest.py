"""Fault and load suite wiring: its own endpoint, fault injectors, and a printed tally.

The tally (calls made, executions counted, faults injected) is printed at the end of the
pytest run, so a CI log shows what the suite actually exercised.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fault_tools import TALLY

from local_lambda.testing import RunningEndpoint, running_endpoint


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if TALLY:
        terminalreporter.write_sep("-", "fault and load suite")
        for name in sorted(TALLY):
            terminalreporter.write_line(f"{name}: {TALLY[name]}")


@pytest.fixture(scope="module")
def fault_endpoint() -> Iterator[RunningEndpoint]:
    with running_endpoint(Path(__file__).parent / "config.json") as endpoint:
        yield endpoint
