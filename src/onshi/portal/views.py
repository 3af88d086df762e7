"""What every portal page shares: templates and their filters, safe headers, the cookie, the
stylesheet, and short fixed notices shown after a form was accepted (post → redirect → get)."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from onshi.central.context import Central
from onshi.consent_web.pages import SECURITY_HEADERS
from onshi.domain.dates import JST, format_ja
from onshi.domain.milestones import Milestone
from onshi.domain.portal.onboarding import Application, Stage
from onshi.domain.portal.roles import Role

HERE = Path(__file__).parent
PORTAL_COOKIE = "onshi_portal"
STYLESHEET = "/portal/static/portal.css"
SITE = "医療機関等向け総合ポータルサイト"

templates = Jinja2Templates(directory=str(HERE / "templates"))

# Notices after a redirect: only these fixed texts can be shown (no text from the query string).
NOTICES = {
    "registered": "アカウントを登録しました。続いて顔認証付きカードリーダーを申し込んでください。",
    "submitted": "申請を提出しました。審査の結果はこのページでお知らせします。",
    "revoked": "電子証明書を失効させました。",
    "operating": "運用開始日を登録しました。",
    "notified": "事前届出を受け付けました。",
    "surveyed": "導入意向調査への回答を受け付けました。ご協力ありがとうございました。",
    "subsidy": "補助金の申請を受け付けました。",
    "approved": "承認しました。",
    "returned": "差し戻しました。",
    "judged": "個別判断により承認しました。",
}


def _ja_date(value: object) -> str:
    if isinstance(value, datetime):
        local = value.astimezone(JST)
        return f"{format_ja(local.date())} {local:%H:%M}"
    if isinstance(value, date):
        return format_ja(value)
    if isinstance(value, str) and value:
        return format_ja(date.fromisoformat(value[:10]))
    return ""


def _short(value: object) -> str:
    if isinstance(value, datetime):
        return f"{value.astimezone(JST):%Y/%m/%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y/%m/%d}"
    return "" if value is None else str(value)


def _yen(value: object) -> str:
    return "—" if value is None else f"{int(str(value)):,}円"


def _kind_label(value: str) -> str:
    if value == "subsidy":
        return "補助金申請"
    try:
        return Application(value).label_ja
    except ValueError:
        return value


STATUS_LABELS = {"pending": "審査中", "approved": "承認", "returned": "差戻し"}

templates.env.filters.update(ja_date=_ja_date, short=_short, yen=_yen, kind_label=_kind_label)
templates.env.globals.update(
    stylesheet=STYLESHEET, site=SITE, Stage=Stage, Role=Role,
    Milestone=Milestone, status_labels=STATUS_LABELS,
)  # fmt: skip


def central_of(request: Request) -> Central:
    central: Central = request.app.state.central
    return central


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    notice = NOTICES.get(request.query_params.get("done", ""))
    response = templates.TemplateResponse(request, name, {"notice": notice, **context}, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def see_other(url: str) -> RedirectResponse:
    response = RedirectResponse(url, 303)
    response.headers["Cache-Control"] = "no-store"
    return response


def to_login() -> RedirectResponse:
    return see_other("/portal/login")


def set_cookie(response: Response, request: Request, token: str, max_age: int) -> None:
    """HttpOnly and SameSite=Strict (the portal's forms need no cross-site posts); Secure over TLS."""
    response.set_cookie(
        PORTAL_COOKIE,
        token,
        max_age=max_age,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


@cache
def _stylesheet() -> bytes:
    return (HERE / "static" / "portal.css").read_bytes()


static_router = APIRouter(include_in_schema=False)


@static_router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
