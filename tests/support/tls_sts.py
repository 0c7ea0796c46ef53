"""moto's STS served over TLS with a certificate from a private CA (trustme), on loopback."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class TlsSts:
    url: str  # https://127.0.0.1:PORT
    ca_bundle: str  # path of the private CA's certificate (PEM)


@contextlib.contextmanager
def serving_tls_sts(folder: Path) -> Iterator[TlsSts]:
    import trustme

    # moto >= 5.2 has its own request handler; the moto the floors' Python 3.9 gets has none
    # (werkzeug's own then).
    from moto.moto_server import werkzeug_app
    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app
    from werkzeug.serving import make_server

    handler = getattr(werkzeug_app, "MotoRequestHandler", None)

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1")
    ca_bundle = folder / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_bundle))
    chain, key = folder / "server.pem", folder / "server.key"
    certificate.private_key_pem.write_to_path(str(key))
    chain.write_bytes(b"".join(blob.bytes() for blob in certificate.cert_chain_pems))
    server = make_server(
        "127.0.0.1",
        0,
        DomainDispatcherApplication(create_backend_app),
        threaded=True,
        request_handler=handler,
        ssl_context=(str(chain), str(key)),
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield TlsSts(url=f"https://127.0.0.1:{server.server_address[1]}", ca_bundle=str(ca_bundle))
    finally:
        server.shutdown()
        server.server_close()
