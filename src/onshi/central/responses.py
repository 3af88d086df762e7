"""Responses in the wire's two forms (JSON {"XmlMsg": …} and XML files) and API problems."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import asyncpg
import orjson
from fastapi import Path
from sqlalchemy.exc import DBAPIError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Send

from onshi import wire
from onshi.domain.dates import now_jst
from onshi.wire.qualification import ResultHeader, file_error_document
from onshi.wire.result_codes import TECHNICAL_FAILURE

# The errors answered as a technical failure (technical_failure: 503, eligibility not checked),
# by the app's exception handlers and by the hot paths that answer before them.
TECHNICAL_FAILURES: tuple[type[Exception], ...] = (
    DBAPIError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    OSError,
    TimeoutError,
)

log = logging.getLogger("onshi.central")

XML_TYPES = ("application/xml", "text/xml")


def json_response(content: Any, status_code: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(orjson.dumps(content), status_code, headers, media_type="application/json")


async def send_json(send: Send, content: bytes) -> None:
    """What `json_response(…)` (status 200) sends, as the two ASGI messages: for the hot paths,
    which answer below FastAPI and need no Response object (same headers, same order)."""
    headers = [
        (b"content-length", str(len(content)).encode("latin-1")),
        (b"content-type", b"application/json"),
    ]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": content})


def wants_xml(request: Request, default: bool = False) -> bool:
    accept = request.headers.get("accept", "")
    if any(kind in accept for kind in XML_TYPES):
        return True
    if "application/json" in accept:
        return False
    return default


def wire_response(
    request: Request,
    document: dict[str, Any],
    kind: wire.MessageKind,
    status_code: int = 200,
    encoding: str = wire.UTF8,
    xml_default: bool = False,
    headers: dict[str, str] | None = None,
) -> Response:
    """A wire document as XML (when asked for, or when the request was XML) or as JSON."""
    if wants_xml(request, xml_default):
        media = f"application/xml; charset={'Shift_JIS' if encoding == wire.SHIFT_JIS else 'UTF-8'}"
        return Response(wire.to_xml(document, kind, encoding), status_code, headers, media_type=media)
    return json_response(wire.to_json(document), status_code, headers)


def problem(status_code: int, code: str, message: str, headers: dict[str, str] | None = None) -> Response:
    """An API error that is not a wire document (authentication, bad API usage)."""
    return json_response({"error": {"code": code, "message": message}}, status_code, headers)


RETRY_AFTER_SECONDS = "5"


def technical_failure(request: Request, error: Exception) -> Response:
    """The database or another component failed: say eligibility was NOT checked (never a verdict)."""
    log.warning("technical failure on %s: %s", request.url.path, type(error).__name__)
    headers = {"Retry-After": RETRY_AFTER_SECONDS}
    if request.url.path.startswith("/api/v1/confirmations"):
        document = file_error_document(ResultHeader("0000000000", now_jst()), TECHNICAL_FAILURE)
        kind = wire.MessageKind.SINGLE_INQUIRY_RESULT
        return wire_response(
            request,
            document,
            kind,
            TECHNICAL_FAILURE.http_status,
            headers=headers,
            xml_default=request.url.path.endswith("/xml"),
        )
    return problem(TECHNICAL_FAILURE.http_status, "unavailable", TECHNICAL_FAILURE.summary_ja, headers)


# A database id in a path: 1 … 2⁶³−1 (a larger number is a 422, not an overflow in the driver).
RowId = Annotated[int, Path(ge=1, le=2**63 - 1)]
