"""A stand-in Lambda endpoint on loopback that records how each request was signed.

The local endpoint (local_lambda) does not expose request headers to tests; the role
assumption tests need the access key id and the session token that signed the Invoke
request. This server answers every Invoke with ``{}`` (HTTP 200, version $LATEST) and
records the function name and the signing headers. Used as an STS endpoint, it refuses
AssumeRole with AccessDenied, to test how a refusal is reported. Real sockets throughout.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

_INVOKE_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")
_CREDENTIAL = re.compile(r"Credential=(?P<key>[A-Z0-9]+)/")
STS_REFUSAL = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
    b"<Message>User is not authorized to perform: sts:AssumeRole</Message></Error>"
    b"<RequestId>sts-refusal-1</RequestId></ErrorResponse>"
)


@dataclass(frozen=True)
class SeenRequest:
    function_name: str | None  # None for a request that was not an Invoke (an STS call)
    access_key_id: str | None  # from the SigV4 Authorization header
    security_token: str | None
    tenant_id: str | None


class RecordingLambda:
    def __init__(self) -> None:
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def invokes(self, function_name: str) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.function_name == function_name]

    def sts_calls(self) -> list[SeenRequest]:
        with self._lock:
            return [r for r in self.requests if r.function_name is None]

    def _record(self, request: SeenRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", "0")))
                match = _INVOKE_PATH.fullmatch(self.path.split("?", 1)[0])
                credential = _CREDENTIAL.search(self.headers.get("Authorization", ""))
                recorder._record(
                    SeenRequest(
                        function_name=unquote(match.group("name")) if match else None,
                        access_key_id=credential.group("key") if credential else None,
                        security_token=self.headers.get("X-Amz-Security-Token"),
                        tenant_id=self.headers.get("X-Amz-Tenant-Id"),
                    )
                )
                if match:
                    self._answer(200, b"{}", "application/json", {"X-Amz-Executed-Version": "$LATEST"})
                else:
                    self._answer(403, STS_REFUSAL, "text/xml", {})

            def _answer(self, status: int, body: bytes, content_type: str, headers: dict[str, str]) -> None:
                self.send_response(status)
                for name, value in {
                    "Content-Type": content_type,
                    "x-amzn-RequestId": "req-1",
                    **headers,
                }.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)


@contextmanager
def recording_lambda() -> Iterator[RecordingLambda]:
    server = RecordingLambda()
    server.start()
    try:
        yield server
    finally:
        server.stop()
