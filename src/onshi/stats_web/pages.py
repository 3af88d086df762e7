"""What the statistics pages share: templates, rendering with the consent web's safe headers,
the stylesheet, charts as SVG responses, and the report table."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from onshi.central.context import Central
from onshi.consent_web.pages import SECURITY_HEADERS, see_other, set_session_cookie
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


__all__ = ["see_other", "set_session_cookie"]


@cache
def _stylesheet() -> bytes:
    return (HERE / "static" / "stats.css").read_bytes()


static_router = APIRouter(include_in_schema=False)


@static_router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
