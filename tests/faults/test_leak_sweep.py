"""Leak sweep: a secret marker in payload, client context, result and log never reaches a
log record or an error message, with every logger of the process at DEBUG."""

from __future__ import annotations

import base64
import json
import logging
from collections import Counter
from typing import Any

import pytest

import lambda_invocation_core as core
from local_lambda.launcher import RunningEndpoint
from tests.support.logs import CapturedLogs

MARKER = "LEAK-MARKER-9c41e7"


def test_core_paths_at_debug(
    fault_endpoint: RunningEndpoint, debug_logs: CapturedLogs, tally: Counter[str]
) -> None:
    settings = core.ConnectionSettings(
        region="us-east-1", access_key="AKIDLOCAL", secret_key="local-secret", endpoint_url=fault_endpoint.url
    )
    context = base64.b64encode(json.dumps({"custom": {"token": MARKER}}).encode()).decode()
    errors: list[str] = []
    outcome = core.invoke(
        "echo", {"marker": MARKER}, client_context=context, log_type="Tail", connection=settings
    )
    # The marker did travel: in the result and the log, where the caller asked for it.
    assert MARKER in outcome.result and MARKER in (outcome.log_text or "")
    attempts: list[dict[str, Any]] = [
        {"function_name": "echo", "payload": {"marker": MARKER}, "qualifier": "no-such-alias"},
        {"function_name": "count", "payload": {"count_file": f"/nonexistent/{MARKER}"}},
        {"function_name": "echo", "payload": f"{{not json {MARKER}"},
        {"function_name": "echo", "payload": {}, "client_context": f"{MARKER}=="},
        {"function_name": f"bad name {MARKER}", "payload": {}},
    ]
    for attempt in attempts:
        with pytest.raises(core.LambdaInvocationError) as caught:
            core.invoke(**attempt, fail_on_function_error=True, connection=settings)
        errors += [str(caught.value), repr(caught.value)]
    places = debug_logs.texts + errors
    leaks = [text for text in places if MARKER in text or "local-secret" in text]
    tally["leak sweep (core at DEBUG): log records and error messages inspected"] += len(places)
    tally["leak sweep (core at DEBUG): leaks found"] += len(leaks)
    assert any(text.startswith("botocore") for text in debug_logs.texts), "botocore logging was not on"
    assert leaks == []


def test_botocore_still_logs_at_debug_outside_an_invoke(debug_logs: CapturedLogs) -> None:
    """The filter drops records only inside our Invoke calls."""
    logging.getLogger("botocore.endpoint").debug("outside %s", "invoke")
    assert "botocore.endpoint DEBUG outside invoke" in debug_logs.texts
