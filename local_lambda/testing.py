"""Deprecated: the old home of the test helpers, kept as re-exports until every import moves.

    running the endpoint, building clients   local_lambda.launcher
    the process table (/proc)                local_lambda.procfs
    CapturedLogs                             tests.support.logs
    count_executions                         tests.support.functions
    invoke, InvokeResult                     tests.support.raw_invoke

The names from tests/ are loaded only when asked for, so that importing this module does not
need the repository's tests/ folder on sys.path.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .launcher import (
    PACKAGE_ROOT,
    EndpointStartError,
    LeftoverProcesses,
    RunningEndpoint,
    make_client,
    running_endpoint,
    start_endpoint,
)
from .procfs import (
    ProcessInfo,
    descendants,
    in_process_groups,
    process_alive,
    process_info,
    process_start,
    process_table,
)

if TYPE_CHECKING:
    from tests.support.functions import count_executions
    from tests.support.logs import CapturedLogs
    from tests.support.raw_invoke import InvokeResult, invoke

_FROM_TESTS = {
    "CapturedLogs": "tests.support.logs",
    "count_executions": "tests.support.functions",
    "invoke": "tests.support.raw_invoke",
    "InvokeResult": "tests.support.raw_invoke",
}

__all__ = [
    "PACKAGE_ROOT",
    "CapturedLogs",
    "EndpointStartError",
    "InvokeResult",
    "LeftoverProcesses",
    "ProcessInfo",
    "RunningEndpoint",
    "count_executions",
    "descendants",
    "in_process_groups",
    "invoke",
    "make_client",
    "process_alive",
    "process_info",
    "process_start",
    "process_table",
    "running_endpoint",
    "start_endpoint",
]


def __getattr__(name: str) -> Any:
    if name in _FROM_TESTS:
        return getattr(importlib.import_module(_FROM_TESTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
