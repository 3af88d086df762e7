"""A facility's "my page" (/mypage; seed 000 1-3: マイページからマイナ保険証の利用率等をご覧いただけます):
sign in with the facility code and key, then its own monthly utilisation rate, the trend, and
whether it qualifies for the support money and the lump sum, with the reasons."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityCode
from onshi.domain.statistics.support import POSTER_AND_FLYER
from onshi.services.stats_declarations import DECLARABLE, declare
from onshi.services.stats_report import Report
from onshi.services.stats_reports import facility_report
from onshi.services.stats_sessions import FACILITY_SESSION, facility_login
from onshi.stats_web.operator import facility_trend
from onshi.stats_web.pages import (
    FACILITY_COOKIE,
    central_of,
    chart,
    csv_download,
    render,
    see_other,
    signed_in,
    signed_out,
)
from onshi.store import web_sessions
from onshi.store.web_sessions import SessionKind, WebSession

PREFIX = "/mypage"
LOGIN = f"{PREFIX}/login"
router = APIRouter(prefix=PREFIX, include_in_schema=False)


async def _session(request: Request) -> WebSession | None:
    async with central_of(request).db.read() as conn:
        return await web_sessions.get(
            conn, request.cookies.get(FACILITY_COOKIE, ""), SessionKind.FACILITY, now_jst()
        )


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(request, "mypage_login.html", {"failed": False, "code": ""})


@router.post("/login")
async def login(
    request: Request,
    facility_code: Annotated[str, Form(max_length=16)],
    api_key: Annotated[str, Form(max_length=200)],
) -> Response:
    central = central_of(request)
    token = await facility_login(central.db, central.audit, facility_code, api_key)
    if token is None:
        return render(request, "mypage_login.html", {"failed": True, "code": facility_code}, 401)
    return signed_in(request, f"{PREFIX}/", FACILITY_COOKIE, token, FACILITY_SESSION)


@router.post("/logout")
async def logout(request: Request) -> Response:
    return await signed_out(request, FACILITY_COOKIE, LOGIN)


async def _own_report(request: Request) -> tuple[WebSession, Report] | None:
    session = await _session(request)
    if session is None or session.facility_code is None:
        return None
    return session, await facility_report(central_of(request).db, FacilityCode(session.facility_code))


@router.get("/", response_class=HTMLResponse)
async def home(request: Request) -> Response:
    found = await _own_report(request)
    if found is None:
        return see_other(LOGIN)
    session, report = found
    context = {"session": session, "facility": report, "declarable": DECLARABLE}
    return render(request, "mypage.html", context)


@router.post("/declarations")
async def save_declaration(
    request: Request, poster_and_flyer: Annotated[str, Form(max_length=4)] = ""
) -> Response:
    session = await _session(request)
    if session is None or session.facility_code is None:
        return see_other(LOGIN)
    actor = Actor(ActorKind.FACILITY, session.facility_code, Channel.WEB, session.credential_id)
    await declare(central_of(request).db, actor, POSTER_AND_FLYER, poster_and_flyer == "1")
    return see_other(f"{PREFIX}/#support")


@router.get("/chart.svg")
async def own_chart(request: Request) -> Response:
    found = await _own_report(request)
    if found is None:
        return see_other(LOGIN)
    report = found[1]
    return await chart(lambda: facility_trend(report))


@router.get("/rates.csv")
async def own_csv(request: Request) -> Response:
    found = await _own_report(request)
    if found is None:
        return see_other(LOGIN)
    session, report = found
    return csv_download(report, f"utilisation-{session.facility_code}")
