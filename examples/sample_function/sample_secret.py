"""The product's sample Lambda function: hands out secret-looking credentials.

It returns a fresh password and token on every call, built from the event
(`{"service": ..., "environment": ...}`), and logs one line that names the request but
never the secret, the way a well-behaved function should.
"""

from __future__ import annotations

import logging
import os
import secrets
import time
from typing import Any

logger = logging.getLogger()
logger.setLevel(logging.INFO)  # Lambda's Python runtime leaves the root logger at WARNING


def handler(event: Any, context: Any) -> dict[str, Any]:
    event = event if isinstance(event, dict) else {}
    service = str(event.get("service", "app"))
    environment = str(event.get("environment", "dev"))
    prefix = os.environ.get("SECRET_PREFIX", "s3cr3t")
    caller = None
    if context.client_context is not None and context.client_context.custom:
        caller = context.client_context.custom.get("caller")
    logger.info("issuing credentials for %s/%s to %s", service, environment, caller or "an anonymous caller")
    return {
        "service": service,
        "environment": environment,
        "username": f"{service}_{environment}_app",
        "db_password": f"{prefix}-{secrets.token_urlsafe(18)}",
        "api_token": f"tok_{secrets.token_hex(20)}",
        "expires_at": int(time.time()) + 3600,
        "issued_by": f"{context.function_name}:{context.function_version}",
    }
