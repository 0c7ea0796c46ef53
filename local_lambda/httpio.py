"""Small HTTP/1.1 plumbing shared by the Invoke API and the per-runtime Runtime API.

We use http.server's request parsing but our own accept loop (thread per connection,
TCP_NODELAY, no poll interval on shutdown) and write each response in a single send:
headers and body in separate segments plus Nagle's algorithm and delayed ACKs cost
~40-80 ms per request on loopback.
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from collections.abc import Callable, Iterable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any

_SINGLE_WRITE_LIMIT = 256 * 1024
_DISCARD_CHUNK = 256 * 1024


class BodyTooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class Handler(BaseHTTPRequestHandler):
    """Keep-alive request handler with helpers to read bodies and write whole responses."""

    protocol_version = "HTTP/1.1"
    server_version = "local-lambda"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # per-request logging on stderr would swamp the function logs

    def read_body(self, limit: int) -> bytes:
        """The request body; raises BodyTooLarge after consuming it when it exceeds `limit`.

        The body is always consumed so the connection stays usable and the client (which
        sends the whole body before reading) gets our error instead of a reset.
        """
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked(limit)
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            length = -1
        if length < 0:
            self.close_connection = True
            raise BodyTooLarge(0)
        if length > limit:
            self._discard(length)
            raise BodyTooLarge(length)
        return self.rfile.read(length) if length else b""

    def _discard(self, length: int) -> None:
        while length > 0:
            chunk = self.rfile.read(min(length, _DISCARD_CHUNK))
            if not chunk:
                self.close_connection = True
                return
            length -= len(chunk)

    def _read_chunked(self, limit: int) -> bytes:
        parts: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                self.close_connection = True
                raise BodyTooLarge(0) from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                break
            total += size
            if total > limit:
                self._discard(size)
                parts.clear()
            else:
                parts.append(self.rfile.read(size))
            self.rfile.readline(8)  # CRLF after the chunk
        if total > limit:
            raise BodyTooLarge(total)
        return b"".join(parts)

    def send(self, status: int, body: bytes = b"", headers: Iterable[tuple[str, str]] = ()) -> None:
        lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}"]
        lines.extend(f"{name}: {value}" for name, value in headers)
        if status != HTTPStatus.NO_CONTENT:
            lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        try:
            if len(body) <= _SINGLE_WRITE_LIMIT:
                self.wfile.write(head + body)
            else:
                self.wfile.write(head)
                self.wfile.write(body)
        except OSError:
            self.close_connection = True  # client went away; nothing else to do

    def send_json(self, status: int, document: Any, headers: Iterable[tuple[str, str]] = ()) -> None:
        body = json.dumps(document).encode("utf-8")
        self.send(status, body, [("Content-Type", "application/json"), *headers])


def serve(
    listener: socket.socket,
    handle: Callable[[socket.socket, tuple[str, int]], None],
    name: str,
) -> threading.Thread:
    """Accept connections on `listener` until it is shut down; one daemon thread each."""

    def connection(conn: socket.socket, addr: tuple[str, int]) -> None:
        try:
            handle(conn, addr)
        except OSError:
            pass  # peer reset or socket closed under us during shutdown
        finally:
            conn.close()

    def accept_loop() -> None:
        while True:
            try:
                conn, addr = listener.accept()
            except OSError:
                return  # listener shut down or closed
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=connection, args=(conn, addr), name=f"{name}-conn", daemon=True).start()

    thread = threading.Thread(target=accept_loop, name=f"{name}-accept", daemon=True)
    thread.start()
    return thread


def listen(host: str, port: int, backlog: int = 128) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


def stop_listening(sock: socket.socket) -> None:
    """Wake a thread blocked in accept() (shutdown does, close alone does not) and close."""
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()
