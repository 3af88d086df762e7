"""What every consent-web page shares: templates, rendering with safe headers, cookies, the
stylesheet, and reading the central context."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from cryptography import x509
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from onshi.card.jlis import trust_anchor
from onshi.central.context import Central
from onshi.consent_web import labels
from onshi.domain.consent import ConsentItem
from onshi.domain.dates import JST, format_ja

HERE = Path(__file__).parent
FACILITY_COOKIE = "onshi_zaitaku"
PATIENT_COOKIE = "onshi_patient"
ONLINE_CARE_COOKIE = "onshi_online_care"
STYLESHEET = "/consent-web/static/consent.css"
# No scripts at all; no framing; forms may post back to central (and online care redirects on).
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'none'; frame-ancestors 'none'; base-uri 'none'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

templates = Jinja2Templates(directory=str(HERE / "templates"))
ITEM_HELP = {
    ConsentItem.SURGERY: "過去に受けた手術の情報（手術名・実施日）を、この医療機関等に提供します。",
    ConsentItem.TREATMENT: "過去の診療・処方・調剤の情報（病名を除く診療行為や薬の名前・量など）を提供します。",
    ConsentItem.CHECKUP: "特定健診・後期高齢者健診の結果（身長・体重・血圧・血液検査など）を提供します。40歳以上の方が対象です。",
    ConsentItem.LIMIT: "限度額適用認定証の情報（所得区分）を提供します。窓口での支払いが自己負担限度額までになります。",
    ConsentItem.DISEASE: "特定疾病療養受療証の情報（人工透析・血友病など）を提供します。",
}
templates.env.globals.update(items=tuple(ConsentItem), item_help=ITEM_HELP, stylesheet=STYLESHEET)


def _ja_datetime(value: object) -> str:
    """2024年4月1日（令和6年4月1日） 09:30 for datetimes and ISO strings."""
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if isinstance(value, datetime):
        local = value.astimezone(JST)
        return f"{format_ja(local.date())} {local:%H:%M}"
    return format_ja(value) if isinstance(value, date) else ""


def _short_datetime(value: datetime) -> str:
    """2026/04/01 09:30 (JST), for tables."""
    return f"{value.astimezone(JST):%Y/%m/%d %H:%M}"


def _item_label(value: str) -> str:
    try:
        return ConsentItem(value).label_ja
    except ValueError:
        return value


templates.env.filters["ja_datetime"] = _ja_datetime
templates.env.filters["short_datetime"] = _short_datetime
templates.env.globals.update(detail_text=labels.detail_text, outcome_text=labels.outcome_text)
templates.env.filters["item_label"] = _item_label


def central_of(request: Request) -> Central:
    central: Central = request.app.state.central
    return central


def anchor_of(central: Central) -> x509.Certificate:
    return trust_anchor(central.settings.jlis_dir)


def render(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
    response = templates.TemplateResponse(request, name, context, status_code=status)
    response.headers.update(SECURITY_HEADERS)
    return response


def see_other(url: str) -> RedirectResponse:
    response = RedirectResponse(url, 303)
    response.headers["Cache-Control"] = "no-store"
    return response


def set_session_cookie(response: Response, request: Request, name: str, token: str, max_age: int) -> None:
    """HttpOnly and SameSite=Strict always; Secure when the page was served over TLS."""
    response.set_cookie(
        name, token, max_age=max_age, httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )


@cache
def _stylesheet() -> bytes:
    return (HERE / "static" / "consent.css").read_bytes()


static_router = APIRouter(include_in_schema=False)


@static_router.get(STYLESHEET)
async def stylesheet() -> Response:
    return Response(_stylesheet(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})
