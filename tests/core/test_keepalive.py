"""Keepalive timers are set on the live socket of the Lambda client's pooled connection."""

from __future__ import annotations

import socket
from typing import Any

import lambda_invocation_core as core
from lambda_invocation_core.client import get_client
from lambda_invocation_core.keepalive import (
    KEEPALIVE_COUNT,
    KEEPALIVE_IDLE,
    KEEPALIVE_INTERVAL,
    apply_keepalive,
)
from tests.support.scripted_lambda import ScriptedLambda


def _pooled_sockets(client: Any) -> list[socket.socket]:
    manager = client._endpoint.http_session._manager
    sockets = []
    for key in list(manager.pools.keys()):
        pool = manager.pools[key]
        while not pool.pool.empty():
            connection = pool.pool.get_nowait()
            if connection is not None and connection.sock is not None:
                sockets.append(connection.sock)
    return sockets


def test_live_socket_has_keepalive_timers(scripted_lambda: ScriptedLambda) -> None:
    settings = core.ConnectionSettings(
        region="us-east-1",
        access_key="AKIDEXAMPLE",
        secret_key="keepalive-secret-key",
        endpoint_url=scripted_lambda.url,
    )
    result = core.invoke("f", {}, connection=settings)
    assert result.status_code == 200
    sockets = _pooled_sockets(get_client(settings))
    assert len(sockets) == 1
    sock = sockets[0]
    assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) != 0
    idle = getattr(socket, "TCP_KEEPIDLE", None) or socket.TCP_KEEPALIVE  # type: ignore[attr-defined,unused-ignore]
    assert sock.getsockopt(socket.IPPROTO_TCP, idle) == KEEPALIVE_IDLE
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == KEEPALIVE_INTERVAL
    assert sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == KEEPALIVE_COUNT


def test_client_without_socket_options_is_left_alone() -> None:
    class Session:
        _socket_options = None

    class Endpoint:
        http_session = Session()

    class Client:
        _endpoint = Endpoint()

    assert apply_keepalive(Client()) is False
    assert Session._socket_options is None
    assert apply_keepalive(object()) is False
