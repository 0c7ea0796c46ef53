"""Invoke a function through the shared core and show what came back, secrets masked.

    python examples/core/invoke_sample.py --endpoint-url http://127.0.0.1:PORT [--function NAME]

(http://localhost:PORT and http://[::1]:PORT count as local too.)

Credentials and region come from the usual AWS chain; against the local endpoint any
values do, so fake ones are used when none are set.
"""

from __future__ import annotations

import argparse
import ipaddress
import os
import sys
from urllib.parse import urlsplit

import lambda_invocation_core as core


def is_loopback(url: str) -> bool:
    """True for a plain-HTTP URL on this machine: localhost, 127.0.0.0/8 or ::1."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme != "http":
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint-url", default=os.environ.get("LAMBDA_ENDPOINT_URL"))
    parser.add_argument("--function", default="sample-secret")
    parser.add_argument("--qualifier", default="live")
    args = parser.parse_args()
    local = args.endpoint_url is not None and is_loopback(args.endpoint_url)
    connection = core.ConnectionSettings(
        region=os.environ.get("AWS_REGION", "us-east-1"),
        endpoint_url=args.endpoint_url,
        access_key="local" if local else None,
        secret_key="local" if local else None,
    )
    try:
        outcome = core.invoke(
            args.function,
            {"service": "billing", "environment": "demo"},
            qualifier=args.qualifier,
            client_context={"custom": {"caller": "examples/core"}},
            log_type="Tail",
            fail_on_function_error=True,
            connection=connection,
        )
    except core.LambdaInvocationError as error:
        print(f"invoke failed: {error}", file=sys.stderr)
        return 1
    keys = sorted(outcome.result_json) if isinstance(outcome.result_json, dict) else []
    print("core: invoked", args.function, "qualifier", args.qualifier)
    print(f"  status_code      {outcome.status_code}")
    print(f"  executed_version {outcome.executed_version}")
    print(f"  function_error   {outcome.function_error}")
    print(f"  result           [secret: {len(outcome.result)} characters, JSON keys {keys}]")
    print(f"  log_result       [secret: {len(outcome.log_text or '')} characters of log]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
