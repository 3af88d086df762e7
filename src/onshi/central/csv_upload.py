"""The row-by-row CSV feeds over HTTP (clinical records, public expense): one way to receive
them — the feed name checked, the body size bounded, UTF-8 required, the report as JSON."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence

from starlette.requests import Request
from starlette.responses import Response

from onshi.central.responses import json_response, problem
from onshi.domain.actors import Actor, ActorKind
from onshi.services.insurer_import import ImportReport

MAX_FEED_BYTES = 256 * 1024**2
# The OpenAPI of a route whose body is a CSV file (FastAPI cannot infer it from the signature).
CSV_BODY: dict[str, object] = {
    "requestBody": {"content": {"text/csv": {"schema": {"type": "string"}}}, "required": True}
}
Importer = Callable[[str, list[str], str], Awaitable[ImportReport]]  # feed, lines, source


async def receive_feed(
    request: Request,
    feed: str,
    feeds: Sequence[str],
    importer: Importer,
    format_errors: tuple[type[Exception], ...],
) -> Response:
    """Read the body and run `importer`; 404 unknown feed, 413 too large, 415 not UTF-8,
    400 unusable file (one of `format_errors`), else 200 with the import report."""
    if feed not in feeds:
        return problem(404, "unknown_feed", f"feed は {' / '.join(feeds)} のいずれかです")
    data = bytearray()
    async for chunk in request.stream():
        data += chunk
        if len(data) > MAX_FEED_BYTES:
            return problem(413, "too_large", f"feed exceeds {MAX_FEED_BYTES} bytes")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return problem(415, "not_utf8", f"CSVはUTF-8で送ってください（{error.start}バイト目）")
    source = request.headers.get("x-filename", "api")[:100]
    lines = text.splitlines(keepends=True)  # keep the ends: a quoted cell may hold a line break
    try:
        report = await importer(feed, lines, source)
    except format_errors as error:
        return problem(400, "bad_feed", str(error))
    return json_response({"ok": report.ok, **report.as_dict()})


def own_rows_only(actor: Actor, restricted_kind: ActorKind) -> Collection[str] | None:
    """A feeder (insurer, payer) loads its own rows only; an operator loads anyone's."""
    return {actor.id} if actor.kind is restricted_kind else None
