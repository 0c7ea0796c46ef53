"""A stand-in EC2 instance metadata service (IMDSv2) on loopback, for credential-chain tests.

botocore's InstanceMetadataFetcher asks it for a session token (PUT /latest/api/token),
the instance role's name, then that role's credentials; point it here with
AWS_EC2_METADATA_SERVICE_ENDPOINT. ``paths`` records every request that reached it.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler

from .loopback_http import LoopbackServer, QuietHandler

ROLE = "instance-role"
ACCESS_KEY = "AKIDINSTANCEROLE"
_CREDENTIALS = "/latest/meta-data/iam/security-credentials/"


class FakeImds(LoopbackServer):
    def __init__(self) -> None:
        super().__init__(self._handler_class())
        self.paths: list[str] = []
        self.lock = threading.Lock()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        imds = self

        class Handler(QuietHandler):
            def _answer(self, body: str) -> None:
                with imds.lock:
                    imds.paths.append(f"{self.command} {self.path}")
                data = body.encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_PUT(self) -> None:
                self._answer("imds-session-token")

            def do_GET(self) -> None:
                if self.path == _CREDENTIALS:
                    self._answer(ROLE)
                    return
                expires = datetime.now(timezone.utc) + timedelta(hours=6)
                self._answer(
                    json.dumps(
                        {
                            "Code": "Success",
                            "AccessKeyId": ACCESS_KEY,
                            "SecretAccessKey": "instance-role-secret",
                            "Token": "instance-role-token",
                            "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        }
                    )
                )

        return Handler
