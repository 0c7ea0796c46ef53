"""A scripted Lambda Invoke endpoint on loopback for the core's transport tests.

Each test queues the responses the server gives, in order, and reads back the requests
it received. Real sockets, real boto3: only the function behind the endpoint is scripted,
so that faults (throttles, timeouts, dropped connections, AWS error shapes) can be
produced on demand and every request that reached the server can be counted.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler

from tests.support.loopback_http import LoopbackServer, QuietHandler


@dataclass
class Reply:
    status: int = 200
    body: bytes = b'{"ok":true}'
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    # Read the request, then close the socket without answering.
    drop: bool = False
    # Announce this Content-Length, send the body, then close: the body breaks off mid-read.
    claimed_length: int | None = None


@dataclass
class SeenRequest:
    path: str
    headers: dict[str, str]
    body: bytes


def aws_error(code: str, status: int, message: str = "refused") -> Reply:
    return Reply(
        status=status,
        body=json.dumps({"Type": "User", "message": message}).encode(),
        headers={"x-amzn-ErrorType": f"{code}:http://internal.amazon.com/", "x-amzn-RequestId": "req-42"},
    )


class ScriptedLambda(LoopbackServer):
    def __init__(self) -> None:
        super().__init__(self._handler_class())
        self.replies: list[Reply] = []
        self.requests: list[SeenRequest] = []
        self.lock = threading.Lock()

    def queue(self, *replies: Reply) -> None:
        with self.lock:
            self.replies.extend(replies)

    def _next_reply(self, request: SeenRequest) -> Reply:
        with self.lock:
            self.requests.append(request)
            return self.replies.pop(0) if self.replies else Reply()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        scripted = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                reply = scripted._next_reply(
                    SeenRequest(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                if reply.delay:
                    time.sleep(reply.delay)
                if reply.drop:
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True
                    return
                self.answer(reply.status, reply.body, reply.headers, reply.claimed_length or len(reply.body))
                if reply.claimed_length:
                    self.wfile.flush()
                    self.connection.shutdown(socket.SHUT_RDWR)
                    self.close_connection = True

            # GET: SSO's GetRoleCredentials (REST); answered from the same queue.
            do_GET = do_POST

        return Handler
