"""Mutual TLS for terminals: hand the verified client certificate to the application.

uvicorn verifies a client certificate against the facility CA during the handshake (a
forged, foreign or expired certificate never gets a connection), but does not pass it on.
This protocol adds it to each request's scope in the ASGI TLS extension's form
(`scope["extensions"]["tls"]["client_cert_chain"]`, PEM), where `central.auth` reads it to
find the facility and refuse revoked certificates.
"""

from __future__ import annotations

import ssl
from typing import Any

from starlette.requests import Request
from starlette.types import Scope
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol


class ClientCertificateProtocol(HttpToolsProtocol):
    _client_certificate: str | None = None

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        ssl_object = transport.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        self._client_certificate = ssl.DER_cert_to_PEM_cert(der) if der else None

    def on_message_begin(self) -> None:
        super().on_message_begin()
        chain = [self._client_certificate] if self._client_certificate else []
        self.scope["extensions"] = {"tls": {"client_cert_chain": chain}}


def client_cert_chain(scope: Scope) -> list[str]:
    """The PEM chain of the client certificate the TLS layer verified (empty: none presented)."""
    chain: list[str] = scope.get("extensions", {}).get("tls", {}).get("client_cert_chain") or []
    return chain


def client_certificate_der(request: Request) -> bytes | None:
    """The DER of the client certificate the TLS layer verified, if one was presented."""
    chain = client_cert_chain(request.scope)
    return ssl.PEM_cert_to_DER_cert(chain[0]) if chain else None


def server_ssl_options(certfile: str, keyfile: str, client_ca: str) -> dict[str, Any]:
    """uvicorn options: our server certificate, client certificates optional (API-key callers
    have none) but verified against the facility CA whenever presented."""
    return {
        "ssl_certfile": certfile,
        "ssl_keyfile": keyfile,
        "ssl_ca_certs": client_ca,
        "ssl_cert_reqs": ssl.CERT_OPTIONAL,
    }
