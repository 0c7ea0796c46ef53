"""Fault injectors shared by the fault tests."""

from __future__ import annotations

import socket
import ssl
import threading
from collections import Counter


class Relay:
    """A TCP relay in front of an endpoint, optionally TLS on the client side.

    With ``drop_response`` it forwards the request, waits for the endpoint's answer (so the
    function has run), then closes the client connection without relaying it: the
    client's request was delivered and its connection dropped before any reply.
    """

    def __init__(
        self,
        upstream_port: int,
        tally: Counter[str],
        drop_response: bool = False,
        tls: ssl.SSLContext | None = None,
    ):
        self.upstream_port = upstream_port
        self.tally = tally
        self.drop_response = drop_response
        self.tls = tls
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.faults = 0
        self.closed = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.closed:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client: socket.socket) -> None:
        try:
            if self.tls is not None:
                client = self.tls.wrap_socket(client, server_side=True)
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
        except OSError:
            client.close()
            return
        threading.Thread(target=self._pump, args=(client, upstream), daemon=True).start()
        try:
            while True:
                data = upstream.recv(65536)
                if not data:
                    break
                if self.drop_response:
                    self.faults += 1
                    self.tally["faults injected: connection dropped after the request was sent"] += 1
                    client.shutdown(socket.SHUT_RDWR)
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            client.close()
            upstream.close()

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
