"""`GET /healthz` is answered by CentralApp itself (the outermost layer), with the FastAPI
route's very bytes: status, headers and body."""

from __future__ import annotations

import asyncio
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from onshi.central.app import create_app
from onshi.config import Settings


def call(app: Any, method: str = "GET", path: str = "/healthz") -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "path": path,
        "raw_path": path.encode(), "root_path": "", "scheme": "http", "query_string": b"", "headers": [],
        "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80),
    }  # fmt: skip
    asyncio.run(app(scope, receive, send))
    return sent


def test_healthz_is_answered_before_fastapi_with_the_routes_bytes(tmp_path: Path) -> None:
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'h.db'}", pool_size=1))
    fast = call(app)
    route = call(partial(FastAPI.__call__, app))
    assert fast == route
    assert fast[0]["status"] == 200 and b'"status":"ok"' in fast[1]["body"]
    # Other methods still get FastAPI's answer (405), not the liveness one.
    assert call(app, "POST")[0]["status"] == 405
