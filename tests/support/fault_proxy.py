"""A TCP relay in front of the local endpoint that breaks answers on purpose.

Each fault lets the request through and waits for the endpoint's whole answer (so the
function has finished) before it breaks that answer on the way back to the client:

  "drop"      close the client connection without relaying anything
  "hold"      keep the answer for ``hold_seconds`` (set it past the client's read timeout),
              then try to relay it
  "truncate"  relay the headers and half of the body, then close: the body breaks off mid-read

``faulty_connections`` limits the fault to the first N client connections (None: all), so a
request sent again gets through. ``connections`` counts client connections: after a fault
the client cannot reuse its connection, so there it is the number of requests sent. Used by
the fault suite (tests/faults) and by the idempotency tests of the core, the collection and
the Pulumi provider.
"""

from __future__ import annotations

import re
import socket
import ssl
import threading
import time
from collections import Counter
from typing import Literal

Fault = Literal["drop", "hold", "truncate"]

_TALLY_NAMES = {
    "drop": "faults injected: connection dropped after the request was sent",
    "hold": "faults injected: answer held past the read timeout",
    "truncate": "faults injected: answer body cut off mid-read",
}
_CONTENT_LENGTH_RE = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


class Relay:
    def __init__(
        self,
        upstream_port: int,
        tally: Counter[str],
        fault: Fault | None = None,
        tls: ssl.SSLContext | None = None,
        *,
        faulty_connections: int | None = None,
        hold_seconds: float = 0.0,
    ):
        self.upstream_port = upstream_port
        self.tally = tally
        self.fault = fault
        self.tls = tls
        self.faulty_connections = faulty_connections
        self.hold_seconds = hold_seconds
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.connections = 0
        self.faults = 0
        self.closed = False
        self._lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            with self._lock:
                index = self.connections
                self.connections += 1
            faulty = self.fault is not None and (
                self.faulty_connections is None or index < self.faulty_connections
            )
            threading.Thread(target=self._serve, args=(client, faulty), daemon=True).start()

    def _serve(self, client: socket.socket, faulty: bool) -> None:
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        try:
            if faulty:
                self._break_answer(client, _read_response(upstream))
            else:
                while data := upstream.recv(65536):
                    client.sendall(data)
        except OSError:
            pass
        finally:
            client.close()
            upstream.close()

    def _break_answer(self, client: socket.socket, answer: bytes) -> None:
        assert self.fault is not None
        with self._lock:
            self.faults += 1
        self.tally[_TALLY_NAMES[self.fault]] += 1
        if self.fault == "hold":
            time.sleep(self.hold_seconds)
            client.sendall(answer)
        elif self.fault == "truncate":
            head, _, body = answer.partition(b"\r\n\r\n")
            client.sendall(head + b"\r\n\r\n" + body[: len(body) // 2])
        client.shutdown(socket.SHUT_RDWR)

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.closed = True
        self.listener.close()


def _read_response(upstream: socket.socket) -> bytes:
    """One whole HTTP response (headers and a Content-Length body), or what came before EOF."""
    data = b""
    while True:
        head_end = data.find(b"\r\n\r\n")
        if head_end >= 0:
            length = _CONTENT_LENGTH_RE.search(data[:head_end])
            if length is None or len(data) - head_end - 4 >= int(length.group(1)):
                return data
        chunk = upstream.recv(65536)
        if not chunk:
            return data
        data += chunk
