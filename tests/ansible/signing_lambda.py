"""A stand-in Lambda endpoint on loopback that records who signed each Invoke, and for where.

For every Invoke request it records the function name, the access key id and the region of
the SigV4 credential scope, the session token, and which of the secret keys it was given
produces the request's signature (the secret key itself never travels: checking the signature
is the only way to tell which one signed). It answers ``{}`` (HTTP 200, version $LATEST).
Real sockets throughout; the signature check is AWS's documented SigV4 algorithm, computed
here from the request as received.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, unquote

_INVOKE_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)"
    r"/aws4_request, ?SignedHeaders=(?P<signed>[^,]+), ?Signature=(?P<signature>[0-9a-f]{64})"
)


@dataclass(frozen=True)
class SignedInvoke:
    function_name: str
    access_key_id: str
    region: str
    security_token: str | None
    # The candidate secret key whose signature matches, or None when none does.
    secret_key: str | None


def _hmac(key: bytes, message: str) -> bytes:
    return hmac.new(key, message.encode(), hashlib.sha256).digest()


def sigv4_signature(
    secret_key: str,
    *,
    method: str,
    path: str,
    query: str,
    headers: dict[str, str],
    signed_headers: Sequence[str],
    body: bytes,
    amz_date: str,
    scope: tuple[str, str, str],
) -> str:
    """The SigV4 signature of a request (path as sent, percent-encoded once more as botocore
    does for every service but S3)."""
    date, region, service = scope
    canonical_headers = "".join(f"{name}:{' '.join(headers[name].split())}\n" for name in signed_headers)
    canonical_query = "&".join(sorted(query.split("&"))) if query else ""
    canonical_request = "\n".join(
        [
            method,
            quote(path, safe="/~"),
            canonical_query,
            canonical_headers,
            ";".join(signed_headers),
            headers.get("x-amz-content-sha256") or hashlib.sha256(body).hexdigest(),
        ]
    )
    credential_scope = f"{date}/{region}/{service}/aws4_request"
    string_to_sign = "\n".join(
        [
            "AWS4-HMAC-SHA256",
            amz_date,
            credential_scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _hmac(("AWS4" + secret_key).encode(), date)
    for part in (region, service, "aws4_request"):
        key = _hmac(key, part)
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


class SigningLambda:
    def __init__(self, candidate_secrets: Sequence[str]) -> None:
        self.candidate_secrets = tuple(candidate_secrets)
        self.requests: list[SignedInvoke] = []
        self.unsigned = 0  # requests that were not a SigV4-signed Invoke
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def invokes(self, function_name: str) -> list[SignedInvoke]:
        with self._lock:
            return [r for r in self.requests if r.function_name == function_name]

    def _record(self, request: SignedInvoke | None) -> None:
        with self._lock:
            if request is None:
                self.unsigned += 1
            else:
                self.requests.append(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet test output
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path, _, query = self.path.partition("?")
                match = _INVOKE_PATH.fullmatch(path)
                auth = _AUTHORIZATION.fullmatch(self.headers.get("Authorization", "").strip())
                if not (match and auth):
                    recorder._record(None)
                    self._answer(400, b'{"message": "not a signed Invoke"}')
                    return
                headers = {name.lower(): value for name, value in self.headers.items()}
                signed = auth.group("signed").split(";")
                signature = auth.group("signature")
                signature_of = {
                    secret: sigv4_signature(
                        secret,
                        method="POST",
                        path=path,
                        query=query,
                        headers=headers,
                        signed_headers=signed,
                        body=body,
                        amz_date=headers["x-amz-date"],
                        scope=(auth.group("date"), auth.group("region"), auth.group("service")),
                    )
                    for secret in recorder.candidate_secrets
                }
                recorder._record(
                    SignedInvoke(
                        function_name=unquote(match.group("name")),
                        access_key_id=auth.group("key"),
                        region=auth.group("region"),
                        security_token=self.headers.get("X-Amz-Security-Token"),
                        secret_key=next(
                            (s for s, sig in signature_of.items() if hmac.compare_digest(sig, signature)),
                            None,
                        ),
                    )
                )
                self._answer(200, b"{}", {"X-Amz-Executed-Version": "$LATEST"})

            def _answer(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                for name, value in {
                    "Content-Type": "application/json",
                    "x-amzn-RequestId": "req-1",
                    "Content-Length": str(len(body)),
                    **(headers or {}),
                }.items():
                    self.send_header(name, value)
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
def signing_lambda(candidate_secrets: Sequence[str]) -> Iterator[SigningLambda]:
    server = SigningLambda(candidate_secrets)
    server.start()
    try:
        yield server
    finally:
        server.stop()
