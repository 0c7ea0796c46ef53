"""A threaded HTTP server on a free loopback port, and a quiet HTTP/1.1 handler to serve with.

The base of the test suite's stand-in endpoints (tests/support/recording_lambda.py,
tests/support/scripted_lambda.py): real sockets, one daemon thread serving, one thread per
connection. Runs on the floors' Python too (tests/floors run tests/core with it).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar


class QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet test output
        pass

    def answer(
        self, status: int, body: bytes, headers: Mapping[str, str], content_length: int | None = None
    ) -> None:
        """Answer with ``body`` (JSON and request id ``req-1`` unless ``headers`` say otherwise);
        ``content_length`` announces another length than the body's."""
        self.send_response(status)
        defaults = {"Content-Type": "application/json", "x-amzn-RequestId": "req-1"}
        for name, value in {**defaults, **headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if content_length is None else content_length))
        self.end_headers()
        self.wfile.write(body)


class LoopbackServer:
    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


Server = TypeVar("Server", bound=LoopbackServer)


@contextmanager
def serving(server: Server) -> Iterator[Server]:
    server.start()
    try:
        yield server
    finally:
        server.stop()
