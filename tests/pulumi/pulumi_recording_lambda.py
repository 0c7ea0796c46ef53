"""A stand-in Lambda endpoint that records who signed each Invoke and answers ``{}``.

The local endpoint (local_lambda) runs real functions but checks no signature; this one
runs nothing and keeps, per request, the function name, the access key id of the
signature, the session token and the region the request was signed for.
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
_CREDENTIAL = re.compile(r"Credential=(?P<key>[A-Z0-9]+)/\d{8}/(?P<region>[a-z0-9-]+)/")


@dataclass(frozen=True)
class SeenRequest:
    function_name: str
    access_key_id: str | None
    region: str | None
    security_token: str | None


class RecordingLambda:
    def __init__(self) -> None:
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"

    def seen(self) -> list[SeenRequest]:
        with self._lock:
            return list(self.requests)

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
                with recorder._lock:
                    recorder.requests.append(
                        SeenRequest(
                            function_name=unquote(match.group("name")) if match else "",
                            access_key_id=credential.group("key") if credential else None,
                            region=credential.group("region") if credential else None,
                            security_token=self.headers.get("X-Amz-Security-Token"),
                        )
                    )
                body = b"{}"
                self.send_response(200 if match else 404)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Amz-Executed-Version", "$LATEST")
                self.send_header("x-amzn-RequestId", "req-1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        return Handler


@contextmanager
def recording_lambda() -> Iterator[RecordingLambda]:
    endpoint = RecordingLambda()
    thread = threading.Thread(target=endpoint._server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        endpoint._server.shutdown()
        endpoint._server.server_close()
        thread.join(timeout=10)
