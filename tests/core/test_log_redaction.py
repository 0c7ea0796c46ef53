"""The debug-log filter: attached by the first Invoke, not at import; re-attached if removed."""

from __future__ import annotations

import logging
import subprocess
import sys

import lambda_invocation_core as core
from lambda_invocation_core.log_redaction import DEBUG_FILTER, TRANSPORT_LOGGERS
from tests.support.logs import CapturedLogs
from tests.support.scripted_lambda import Reply, ScriptedLambda

SECRET = "redaction-MARKER-51d2"


def test_importing_the_core_changes_no_logger() -> None:
    code = (
        "import logging, lambda_invocation_core\n"
        "from lambda_invocation_core.log_redaction import TRANSPORT_LOGGERS\n"
        "print(sum(len(logging.getLogger(name).filters) for name in TRANSPORT_LOGGERS))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0"


def test_filter_is_reattached_before_each_invoke(
    scripted_lambda: ScriptedLambda, debug_logs: CapturedLogs
) -> None:
    for name in TRANSPORT_LOGGERS:
        logging.getLogger(name).removeFilter(DEBUG_FILTER)
    scripted_lambda.queue(Reply(body=f'{{"answer":"{SECRET}"}}'.encode()))
    settings = core.ConnectionSettings(
        region="us-east-1", access_key="AKIDEXAMPLE", secret_key="x", endpoint_url=scripted_lambda.url
    )
    result = core.invoke("f", {"question": SECRET}, connection=settings)
    assert SECRET in result.result
    assert all(DEBUG_FILTER in logging.getLogger(name).filters for name in TRANSPORT_LOGGERS)
    assert any(text.startswith("botocore") for text in debug_logs.texts), "botocore logging was not on"
    assert [text for text in debug_logs.texts if SECRET in text] == []
    # Attached once, however many invokes ran.
    core.invoke("f", {}, connection=settings)
    assert all(logging.getLogger(name).filters.count(DEBUG_FILTER) == 1 for name in TRANSPORT_LOGGERS)
