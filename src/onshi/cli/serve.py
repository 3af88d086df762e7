"""`onshi serve`: run central (uvicorn, N stateless worker processes behind one port)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from onshi.central.tls import server_ssl_options
from onshi.cli._common import ensure_schema, settings
from onshi.security.facility_ca import FacilityCA
from onshi.services.facility_certificates import server_credentials
from onshi.store.engine import DatabaseUrl

HTTP_PROTOCOL = "httptools"
# uvicorn's supervisor kills a worker that does not answer its health ping within this many
# seconds. Its default (5 s) is shorter than a worker's start (imports, app) on a busy machine:
# measured under load, workers were killed while starting, over and over, and `--workers 2`
# served with one. A hung worker is still replaced, a minute later.
WORKER_HEALTHCHECK_SECONDS = 60
TLS_HTTP_PROTOCOL = "onshi.central.tls:ClientCertificateProtocol"


def serve(
    port: int = typer.Option(8000, help="TCP port"),
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    workers: int = typer.Option(1, help="worker processes (each holds its own connection pool)"),
    access_log: bool = typer.Option(False, help="log one line per request"),
    tls: bool = typer.Option(False, help="HTTPS, with terminals' client certificates (mutual TLS)"),
    tls_cert: Path | None = typer.Option(
        None, help="server certificate (default: issued by the facility CA)"
    ),
    tls_key: Path | None = typer.Option(None, help="server key"),
) -> None:
    """Serve the central APIs on $ONSHI_DATABASE_URL."""
    import uvicorn  # here: other commands start faster without the server

    config = settings()
    ensure_schema(DatabaseUrl.parse(config.database_url))
    options: dict[str, Any] = {"http": HTTP_PROTOCOL}
    if tls or tls_cert:
        options = {
            "http": TLS_HTTP_PROTOCOL,
            **tls_options(config.facility_ca_dir, config.pki_dir, host, tls_cert, tls_key),
        }
    uvicorn.run(
        "onshi.central.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        access_log=access_log,
        log_level="info",
        timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        **options,
    )


def tls_options(
    ca_dir: Path, pki_dir: Path, host: str, cert: Path | None, key: Path | None
) -> dict[str, Any]:
    """Server certificate (given, or issued once for `host`) and the facility CA as the
    authority for client certificates."""
    if cert is None or key is None:
        cert, key, _ = server_credentials(ca_dir, pki_dir / "server", (host, "localhost"))
    client_ca = FacilityCA.open(ca_dir).certificate_path
    return server_ssl_options(str(cert), str(key), str(client_ca))
