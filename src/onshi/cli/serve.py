"""`onshi serve`: run central (uvicorn, N stateless worker processes behind one port)."""

from __future__ import annotations

import typer
import uvicorn

from onshi.cli._common import ensure_schema, settings
from onshi.store.engine import DatabaseUrl


def serve(
    port: int = typer.Option(8000, help="TCP port"),
    host: str = typer.Option("127.0.0.1", help="interface to listen on"),
    workers: int = typer.Option(1, help="worker processes (each holds its own connection pool)"),
    access_log: bool = typer.Option(False, help="log one line per request"),
) -> None:
    """Serve the central APIs on $ONSHI_DATABASE_URL."""
    ensure_schema(DatabaseUrl.parse(settings().database_url))
    uvicorn.run(
        "onshi.central.app:app_factory",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        loop="uvloop",
        http="httptools",
        access_log=access_log,
        log_level="info",
    )
