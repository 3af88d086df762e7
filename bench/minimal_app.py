"""The reference for the confirmation bench: the least a lookup endpoint can be on the same
server stack (uvicorn + Starlette + asyncpg). `POST /api/v1/confirmations` takes the bench's
JSON body, runs one indexed point query on the qualifications table (by card number), and
answers the row as JSON: no authentication, domain rules, audit or wire document.
`asyncpg.create_pool` with its defaults, as a minimal app would have it.

    BENCH_DSN=postgresql://… uvicorn bench.minimal_app:app --workers N
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import orjson
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

QUERY = "SELECT * FROM qualifications WHERE insurer_number = $1 AND symbol = $2 AND number = $3 LIMIT 1"
pool: Any = None


def _default(value: Any) -> str:
    return str(value)


async def lookup(request: Request) -> Response:
    body = orjson.loads(await request.body())
    async with pool.acquire() as conn:
        row = await conn.fetchrow(
            QUERY, body["insurer_number"], body["insured_card_symbol"], body["insured_identification_number"]
        )
    content = orjson.dumps(dict(row) if row else {}, default=_default)
    return Response(content, media_type="application/json")


async def health(_: Request) -> Response:
    return Response(b'{"status":"ok"}', media_type="application/json")


@contextlib.asynccontextmanager
async def lifespan(_: Starlette) -> AsyncIterator[None]:
    global pool
    dsn = os.environ["BENCH_DSN"].replace("postgresql+asyncpg://", "postgresql://")
    size = int(os.environ.get("BENCH_POOL_SIZE", "4"))
    pool = await asyncpg.create_pool(dsn, min_size=size, max_size=size)
    yield
    await pool.close()


app = Starlette(
    routes=[Route("/api/v1/confirmations", lookup, methods=["POST"]), Route("/healthz", health)],
    lifespan=lifespan,
)
