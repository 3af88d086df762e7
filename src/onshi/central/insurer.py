"""Insurer API: qualification feeds (the same import as `onshi insurer import`)."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy import select
from starlette.responses import Response

from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.csv_upload import CSV_BODY
from onshi.central.responses import RowId, json_response, problem
from onshi.domain.actors import ActorKind
from onshi.feeds.insurer_csv import FeedFormatError
from onshi.feeds.text import NotUtf8
from onshi.services.parallel_import import import_file
from onshi.store.schema import import_rejections, imports

router = APIRouter(prefix="/api/v1/insurer", tags=["insurer"])
FEEDERS = frozenset({ActorKind.INSURER, ActorKind.OPERATOR})
MAX_FEED_BYTES = 4 * 1024**3


@router.post(
    "/feeds",
    summary="資格情報の登録（CSV）",
    openapi_extra=CSV_BODY,
)
async def upload_feed(request: Request) -> Response:
    """Body: the CSV file (text/csv, UTF-8). An insurer's key may only load its own insurer's
    rows; other rows are rejected and reported like any bad row."""
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FEEDERS, None)
    with tempfile.NamedTemporaryFile(prefix="onshi-feed-", suffix=".csv") as spool:
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_FEED_BYTES:
                return problem(413, "too_large", f"feed exceeds {MAX_FEED_BYTES} bytes")
            spool.write(chunk)
        spool.flush()
        allowed = {actor.id} if actor.kind is ActorKind.INSURER else None
        source = request.headers.get("x-filename", "api")
        try:
            report = await import_file(central.db, central.audit, Path(spool.name), actor, source, allowed)
        except NotUtf8 as error:
            return problem(415, "not_utf8", f"CSVはUTF-8で送ってください（{error.position}バイト目）")
        except FeedFormatError as error:
            return problem(400, "bad_feed", str(error))
    return json_response({"ok": report.ok, **report.as_dict()})


@router.get("/imports/{import_id}", summary="登録結果の照会")
async def import_status(import_id: RowId, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FEEDERS, None)
    async with central.db.read() as conn:
        row = (await conn.execute(select(imports).where(imports.c.id == import_id))).mappings().first()
        if row is None or (actor.kind is ActorKind.INSURER and row["actor_id"] != actor.id):
            return problem(404, "not_found", "no such import")
        rejected = await conn.execute(
            select(import_rejections.c.line, import_rejections.c.reason_ja, import_rejections.c.reason_en)
            .where(import_rejections.c.import_id == import_id)
            .order_by(import_rejections.c.line)
        )
        result = _plain_row(row)
        result["rejected"] = [_plain_row(r) for r in rejected.mappings()]
    return json_response(result)


def _plain_row(row: Mapping[Any, Any]) -> dict[str, Any]:
    """A row as JSON-ready data (SQLAlchemy keys are str subclasses, dates become ISO text)."""
    return {
        str(key): value.isoformat() if hasattr(value, "isoformat") else value for key, value in row.items()
    }
