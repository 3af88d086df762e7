"""What the statistics pages share: templates, rendering with the consent web's safe headers,
the stylesheet, charts as SVG responses, and the report table."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from onshi.central.context import Central
from onshi.consent_web.pages import SECURITY_HEADERS, see_other, set_session_cookie
from onshi.services.consent_web_sessions import end_session
from onshi.services.stats_report import TOTAL, Kind, Report, to_csv

HERE = Path(__file__).parent
STYLESHEET = "/stats-web/static/stats.css"
OPERATOR_COOKIE = "onshi_stats"
FACILITY_COOKIE = "onshi_mypage"
# A chart is an image: its own inline styles (matplotlib's SVG) are allowed, scripts never.
CHART_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals.update(stylesheet=STYLESHEET, total=TOTAL)


def _numeric(report: Report, index: int) -> bool:
    return report.columns[index].kind in (Kind.COUNT, Kind.RATE)


templates.env.globals.update(numeric=_numeric)


def central_of(request: Request) -> Central:
    central: Central = request.app.state.central
    return central


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def svg(body: bytes) -> Response:
    return Response(body, media_type="image/svg+xml", headers=CHART_HEADERS)


async def chart(draw: Callable[[], bytes]) -> Response:
    """Draw in a worker thread (matplotlib takes a few hundred milliseconds)."""
    return svg(await asyncio.to_thread(draw))


def csv_download(report: Report, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}.csv"', **SECURITY_HEADERS}
    return Response(to_csv(report).encode("utf-8"), media_type="text/csv; charset=utf-8", headers=headers)


def signed_in(request: Request, to: str, cookie: str, token: str, lifetime: timedelta) -> Response:
    """After a sign-in: the session cookie, then on to the signed-in page."""
    response = see_other(to)
    set_session_cookie(response, request, cookie, token, int(lifetime.total_seconds()))
    return response


async def signed_out(request: Request, cookie: str, to: str) -> Response:
    """End the session the cookie names (if any) and go back to the sign-in page."""
    await end_session(central_of(request).db, request.cookies.get(cookie, ""))
    response = see_other(to)
    response.delete_cookie(cookie)
    return response


__all__ = ["see_other", "set_session_cookie"]


@cache
def _stylesheet() -> bytes:
    return (HERE / "static" / "stats.css").read_bytes()


static_router = APIRouter(include_in_schema=False)


@static_router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
