"""A stand-in Lambda endpoint on loopback that records who signed each request, and for where.

The local endpoint (local_lambda) runs real functions but checks no signature and does not
expose request headers to tests; this one runs nothing. For every request it records the
function name (None for a request that is not an Invoke, such as an STS call), the access
key id and the region of the SigV4 credential scope, the session token, the tenant id, and
which of the candidate secret keys it was given produces the request's signature (the secret
key itself never travels: checking the signature is the only way to tell which one signed;
the check is AWS's documented SigV4 algorithm, computed here from the request as received).

It answers a signed Invoke with ``{}`` (HTTP 200, version $LATEST) and an unsigned one with
HTTP 400. Used as an STS endpoint, it refuses every call with AccessDenied, to test how a
refusal is reported. Real sockets throughout.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from urllib.parse import quote, unquote

from .loopback_http import LoopbackServer, QuietHandler, serving

_INVOKE_PATH = re.compile(r"/2015-03-31/functions/(?P<name>[^/]+)/invocations")
_AUTHORIZATION = re.compile(
    r"AWS4-HMAC-SHA256 Credential=(?P<key>[^/]+)/(?P<date>\d{8})/(?P<region>[^/]+)/(?P<service>[^/]+)"
    r"/aws4_request, ?SignedHeaders=(?P<signed>[^,]+), ?Signature=(?P<signature>[0-9a-f]{64})"
)
STS_REFUSAL = (
    b"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
    b"<Message>User is not authorized to perform: sts:AssumeRole</Message></Error>"
    b"<RequestId>sts-refusal-1</RequestId></ErrorResponse>"
)


@dataclass(frozen=True)
class SeenRequest:
    function_name: str | None  # None for a request that was not an Invoke (an STS call)
    access_key_id: str | None  # from the SigV4 Authorization header; None when it has none
    region: str | None  # of the SigV4 credential scope
    security_token: str | None
    tenant_id: str | None
    # The candidate secret key whose signature matches, or None when none does.
    secret_key: str | None
    user_agent: str | None = None


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


class RecordingLambda(LoopbackServer):
    def __init__(self, candidate_secrets: Sequence[str] = ()) -> None:
        super().__init__(self._handler_class())
        self.candidate_secrets = tuple(candidate_secrets)
        self._requests: list[SeenRequest] = []
        self._lock = threading.Lock()

    def seen(self) -> list[SeenRequest]:
        """Every request, in the order they came."""
        with self._lock:
            return list(self._requests)

    def invokes(self, function_name: str) -> list[SeenRequest]:
        return [r for r in self.seen() if r.function_name == function_name]

    def sts_calls(self) -> list[SeenRequest]:
        return [r for r in self.seen() if r.function_name is None]

    @property
    def unsigned(self) -> int:
        """How many requests were not a SigV4-signed Invoke."""
        return sum(1 for r in self.seen() if r.function_name is None or r.access_key_id is None)

    def _record(self, request: SeenRequest) -> None:
        with self._lock:
            self._requests.append(request)

    def _signer(
        self, auth: re.Match[str], path: str, query: str, headers: dict[str, str], body: bytes
    ) -> str | None:
        """The candidate secret whose signature of the request is the one it carries."""
        for secret in self.candidate_secrets:
            signature = sigv4_signature(
                secret,
                method="POST",
                path=path,
                query=query,
                headers=headers,
                signed_headers=auth.group("signed").split(";"),
                body=body,
                amz_date=headers["x-amz-date"],
                scope=(auth.group("date"), auth.group("region"), auth.group("service")),
            )
            if hmac.compare_digest(signature, auth.group("signature")):
                return secret
        return None

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        recorder = self

        class Handler(QuietHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                path, _, query = self.path.partition("?")
                invoke = _INVOKE_PATH.fullmatch(path)
                auth = _AUTHORIZATION.fullmatch(self.headers.get("Authorization", "").strip())
                headers = {name.lower(): value for name, value in self.headers.items()}
                recorder._record(
                    SeenRequest(
                        function_name=unquote(invoke.group("name")) if invoke else None,
                        access_key_id=auth.group("key") if auth else None,
                        region=auth.group("region") if auth else None,
                        security_token=self.headers.get("X-Amz-Security-Token"),
                        tenant_id=self.headers.get("X-Amz-Tenant-Id"),
                        secret_key=recorder._signer(auth, path, query, headers, body) if auth else None,
                        user_agent=self.headers.get("User-Agent"),
                    )
                )
                if invoke and auth:
                    self.answer(200, b"{}", {"X-Amz-Executed-Version": "$LATEST"})
                elif invoke:
                    self.answer(400, b'{"message": "not a signed Invoke"}', {})
                else:
                    self.answer(403, STS_REFUSAL, {"Content-Type": "text/xml"})

        return Handler


@contextmanager
def recording_lambda(candidate_secrets: Sequence[str] = ()) -> Iterator[RecordingLambda]:
    """A running RecordingLambda; ``candidate_secrets``: the secret keys it tells apart."""
    with serving(RecordingLambda(candidate_secrets)) as server:
        yield server
