"""Terminal API: the request files a facility's terminal picked up from its `req` folder.

`POST /api/v1/terminal/requests` — body: the file's bytes; headers: `X-Onshi-Filename` (the
request file's name, percent-encoded) and `X-Onshi-Request-Id` (the terminal's journal id
for the file). Answer: 200 with the result file (`X-Onshi-Result-Filename`) — error results
included, they are final — or 503 when the result could not be produced (the terminal
retries). A resend with the same request id gets the stored result: no second run, no
second audit record, whatever happened to the first answer on its way back. A resend that
arrives while the first send is still being answered gets 503 (the terminal retries): a
claim row makes the first send the only one that runs, unless its process died (the claim's
lease expires).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from urllib.parse import quote, unquote

from fastapi import APIRouter, Request
from starlette.responses import Response

from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.responses import problem
from onshi.domain.actors import ActorKind
from onshi.services.request_files import NotARequest, answer_file
from onshi.store import terminal_requests
from onshi.store.database import Database
from onshi.store.terminal_requests import StoredResult
from onshi.terminal.protocol import FILENAME_HEADER, REQUEST_ID_HEADER, REQUESTS_PATH, RESULT_FILENAME_HEADER

log = logging.getLogger(__name__)
router = APIRouter(tags=["terminal"])
FACILITY = frozenset({ActorKind.FACILITY})
REQUEST_ID = re.compile(r"[A-Za-z0-9_.-]{1,100}")
RETRY_LATER = {"Retry-After": "1"}


@router.post(
    REQUESTS_PATH,
    summary="端末の要求ファイル（req フォルダ）を処理し、結果ファイルを返す",
    openapi_extra={
        "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def terminal_request(request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, "terminal.request")
    request_id = request.headers.get(REQUEST_ID_HEADER, "")
    filename = unquote(request.headers.get(FILENAME_HEADER, ""))
    if not REQUEST_ID.fullmatch(request_id) or not filename or "/" in filename:
        return problem(400, "bad_request", f"{REQUEST_ID_HEADER} と {FILENAME_HEADER} が必要です")
    async with central.db.read() as conn:
        stored = await terminal_requests.find(conn, actor.id, request_id)
    if stored is None:
        async with central.db.write() as conn:
            claimed = await terminal_requests.claim(conn, actor.id, request_id)
        if not claimed:  # the same request is being answered by an earlier send
            return problem(
                503, "in_progress", "この要求は処理中です。しばらくして再送してください", RETRY_LATER
            )
        try:
            async with renewing_claim(central.db, actor.id, request_id):
                result_name, answer = await answer_file(
                    central.db, central.audit, actor, filename, await request.body()
                )
        except NotARequest as error:
            return problem(422, "not_a_request", str(error))
        async with central.db.write() as conn:
            stored = await terminal_requests.keep(
                conn, actor.id, request_id, filename, StoredResult(result_name, answer.to_xml())
            )
    return Response(
        stored.result,
        200,
        {RESULT_FILENAME_HEADER: quote(stored.result_filename)},
        media_type="application/xml",
    )


@contextlib.asynccontextmanager
async def renewing_claim(db: Database, facility_code: str, request_id: str) -> AsyncIterator[None]:
    """The claim renewed every third of its lease while the body runs: only a claim whose
    process died expires."""

    async def renew() -> None:
        while True:
            await asyncio.sleep(terminal_requests.CLAIM_LEASE.total_seconds() / 3)
            try:
                async with db.write() as conn:
                    await terminal_requests.renew(conn, facility_code, request_id)
            except Exception:  # the answer itself will meet the outage; keep trying
                log.warning("claim of %s/%s not renewed", facility_code, request_id, exc_info=True)

    renewer = asyncio.create_task(renew())
    try:
        yield
    finally:
        renewer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await renewer
