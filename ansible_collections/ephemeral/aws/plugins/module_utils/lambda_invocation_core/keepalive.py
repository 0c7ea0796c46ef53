# Copyright: Contributors to ephemeral-lambda-invocation and the ephemeral.aws collection
# Licence: see LICENSE and LICENSES/ at the collection root
# SPDX-License-Identifier: Apache-2.0 OR GPL-3.0-or-later
# GENERATED from core/lambda_invocation_core/keepalive.py by scripts/sync_module_utils.py: edit core/, then re-run it.
"""TCP keepalive timers on the Lambda client's connections.

botocore's ``tcp_keepalive=True`` sets only ``SO_KEEPALIVE``; with Linux's default
``TCP_KEEPIDLE`` of 7200 s the first probe comes long after a NAT gateway (about 350 s
idle) has dropped the connection. botocore has no public setting for the timers, so they
are appended to the socket options its HTTP session hands to urllib3 for every new
connection (``URLLib3Session._socket_options``, the same list object its pool managers
hold, in botocore 1.34.0 and later). Where that attribute is absent the client keeps
botocore's options. Each timer is set only where the platform has it (macOS names the
idle timer ``TCP_KEEPALIVE``).
"""

from __future__ import annotations

import socket
from typing import Any

__all__ = ["KEEPALIVE_COUNT", "KEEPALIVE_IDLE", "KEEPALIVE_INTERVAL", "apply_keepalive", "keepalive_options"]

KEEPALIVE_IDLE = 60  # seconds idle before the first probe
KEEPALIVE_INTERVAL = 30  # seconds between probes
KEEPALIVE_COUNT = 5  # unanswered probes before the connection is dropped


def keepalive_options() -> list[tuple[int, int, int]]:
    """The socket options for keepalive timers this platform supports."""
    options = [(socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1)]
    idle = getattr(socket, "TCP_KEEPIDLE", None) or getattr(socket, "TCP_KEEPALIVE", None)
    for name, value in (
        (idle, KEEPALIVE_IDLE),
        (getattr(socket, "TCP_KEEPINTVL", None), KEEPALIVE_INTERVAL),
        (getattr(socket, "TCP_KEEPCNT", None), KEEPALIVE_COUNT),
    ):
        if name is not None:
            options.append((socket.IPPROTO_TCP, name, value))
    return options


def apply_keepalive(client: Any) -> bool:
    """Add the keepalive timers to the client's connections; False if botocore gives no way."""
    http_session = getattr(getattr(client, "_endpoint", None), "http_session", None)
    socket_options = getattr(http_session, "_socket_options", None)
    if not isinstance(socket_options, list):
        return False
    for option in keepalive_options():
        if option not in socket_options:
            socket_options.append(option)
    return True
