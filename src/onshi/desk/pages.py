"""What every desk page shares: templates, the staff session check, rendering, redirects."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from onshi.desk import store
from onshi.desk.context import Desk
from onshi.desk.patients import COMPARED_FIELDS
from onshi.desk.results import Outcome
from onshi.domain.dates import format_ja, today_jst

HERE = Path(__file__).parent
COOKIE = "onshi_desk"
templates = Jinja2Templates(directory=str(HERE / "templates"))
templates.env.globals["outcome_label"] = lambda value: Outcome(value).label if value else ""
templates.env.globals["fields"] = COMPARED_FIELDS


def _ja(value: object) -> str:
    """A date for staff (2024年4月1日（令和6年4月1日）); ISO strings from JSON too."""
    if isinstance(value, str) and value:
        value = date.fromisoformat(value)
    return format_ja(value) if isinstance(value, date) else ""


templates.env.filters["ja"] = _ja
SOURCE_LABELS = {
    "face": "カードリーダー",
    "inquiry": "再確認",
    "reconciled": "再照会（復旧後）",
    "emergency": "緊急時（一括照会結果）",
}
templates.env.globals["source_label"] = lambda value: SOURCE_LABELS.get(value, value)


class LoginRequired(Exception):
    pass


def get_desk(request: Request) -> Desk:
    desk: Desk = request.app.state.desk
    return desk


async def staff(request: Request) -> str:
    """The logged-in staff login, for every page (else to /login)."""
    token = request.cookies.get(COOKIE)
    if not token:
        raise LoginRequired
    async with get_desk(request).db.read() as conn:
        login = await store.session_login(conn, token)
    if login is None:
        raise LoginRequired
    request.state.staff = login
    return login


Staff = Annotated[str, Depends(staff)]


def page(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    context = {"staff": getattr(request.state, "staff", None), "today": today_jst(), **context}
    return templates.TemplateResponse(request, name, context, status_code=status)


def back(url: str) -> RedirectResponse:
    return RedirectResponse(url, 303)
