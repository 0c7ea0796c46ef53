# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/log_redaction.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""Keeping payloads, client contexts and results out of botocore's and urllib3's debug logs.

botocore and urllib3 log request bodies, signed headers (X-Amz-Client-Context) and
response bodies at DEBUG. Those records are dropped while the current thread is inside
an Invoke call, so turning on debug logging (Pulumi, Ansible -vvvv, a user's
basicConfig) cannot print a payload, client context or result; STS AssumeRole, made
while signing the Invoke, is covered too. Other AWS calls still log as usual.

The filter is attached when the first Invoke starts (not at import), and re-attached if
something removed it: ``invoke_logs_dropped()`` checks on every entry.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

TRANSPORT_LOGGERS = (
    "botocore.endpoint",
    "botocore.parsers",
    "botocore.auth",
    "botocore.awsrequest",
    "botocore.httpsession",
    "botocore.client",
    "botocore.hooks",
    "botocore.retryhandler",
    "botocore.credentials",
    "urllib3.connectionpool",
)
_inside_invoke = threading.local()
_install_lock = threading.Lock()


class InvokeDebugFilter(logging.Filter):
    """Drops DEBUG records of the thread that is inside an Invoke call."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno > logging.DEBUG or not getattr(_inside_invoke, "active", False)


DEBUG_FILTER = InvokeDebugFilter()
_loggers = tuple(logging.getLogger(name) for name in TRANSPORT_LOGGERS)


def install_log_redaction() -> None:
    """Attach the filter to every transport logger that lacks it; idempotent and thread-safe."""
    if all(DEBUG_FILTER in logger.filters for logger in _loggers):
        return
    with _install_lock:
        for logger in _loggers:
            if DEBUG_FILTER not in logger.filters:
                logger.addFilter(DEBUG_FILTER)


@contextlib.contextmanager
def invoke_logs_dropped() -> Iterator[None]:
    """Inside this block, this thread's transport DEBUG records are dropped."""
    install_log_redaction()
    _inside_invoke.active = True
    try:
        yield
    finally:
        _inside_invoke.active = False
