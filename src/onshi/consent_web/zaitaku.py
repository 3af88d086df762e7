"""マイナ在宅受付Web (/zaitaku): the facility's mobile device at the patient's home.

Login with the facility code and its API key (a session in the database, an HttpOnly
SameSite=Strict cookie) → 訪問診療等（居宅同意取得型） or 往診 → the patient chooses consent per
item → the check (1 入力 2 確認 3 完了) → identity by PIN and card, or 目視確認 when the facility
chose it → consent registered and qualification shown. Forms post and redirect (303), so a
reload never registers twice.
"""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from onshi.consent_web.flow import (
    Flow,
    confirm_step,
    identity_page,
    refused_message,
    register_step,
    select_page,
)
from onshi.consent_web.forms import Selection, parse_context
from onshi.consent_web.pages import FACILITY_COOKIE, central_of, render, see_other, set_session_cookie
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.consent import ConsentContext
from onshi.domain.dates import now_jst
from onshi.services.card_confirmation import CardConfirmed, CardRefused
from onshi.services.consent_web_confirm import summary
from onshi.services.consent_web_pin import PinRefused
from onshi.services.consent_web_sessions import FACILITY_SESSION, end_session, facility_login
from onshi.store import web_sessions
from onshi.store.web_sessions import IdentityMode, SessionKind, WebSession

router = APIRouter(prefix="/zaitaku", include_in_schema=False)
CONTEXTS = frozenset({ConsentContext.HOME_VISIT, ConsentContext.HOUSE_CALL})
TITLE = "マイナ在宅受付Web"


async def _session(request: Request) -> WebSession | None:
    token = request.cookies.get(FACILITY_COOKIE, "")
    async with central_of(request).db.read() as conn:
        return await web_sessions.get(conn, token, SessionKind.FACILITY, now_jst())


def _actor(session: WebSession) -> Actor:
    assert session.facility_code is not None
    return Actor(ActorKind.FACILITY, session.facility_code, Channel.WEB, session.credential_id)


def _flow(session: WebSession, context: ConsentContext) -> Flow:
    mode = session.identity_mode or IdentityMode.PIN
    return Flow("/zaitaku", TITLE, session.facility_name or "", context, mode)


def _to_login() -> Response:
    return see_other("/zaitaku/login")


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(request, "zaitaku_login.html", {"failed": False, "code": "", "modes": tuple(IdentityMode)})


@router.post("/login")
async def login(
    request: Request,
    facility_code: Annotated[str, Form(max_length=16)],
    api_key: Annotated[str, Form(max_length=200)],
    identity_mode: Annotated[str, Form(max_length=8)] = IdentityMode.PIN.value,
) -> Response:
    central = central_of(request)
    mode = IdentityMode(identity_mode) if identity_mode in tuple(IdentityMode) else IdentityMode.PIN
    token = await facility_login(central.db, central.audit, facility_code, api_key, mode)
    if token is None:
        context = {"failed": True, "code": facility_code, "modes": tuple(IdentityMode)}
        return render(request, "zaitaku_login.html", context, 401)
    response = see_other("/zaitaku/")
    set_session_cookie(response, request, FACILITY_COOKIE, token, int(FACILITY_SESSION.total_seconds()))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await end_session(central_of(request).db, request.cookies.get(FACILITY_COOKIE, ""))
    response = see_other("/zaitaku/login")
    response.delete_cookie(FACILITY_COOKIE)
    return response


@router.get("/", response_class=HTMLResponse)
async def start(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login()
    return render(request, "zaitaku_start.html", {"session": session, "title": TITLE})


@router.get("/settings", response_class=HTMLResponse)
async def settings_page(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login()
    context = {"session": session, "title": TITLE, "modes": tuple(IdentityMode), "saved": False}
    return render(request, "zaitaku_settings.html", context)


@router.post("/settings")
async def save_settings(request: Request, identity_mode: Annotated[str, Form(max_length=8)]) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login()
    if identity_mode in tuple(IdentityMode):
        async with central_of(request).db.write() as conn:
            await web_sessions.set_identity_mode(
                conn, request.cookies.get(FACILITY_COOKIE, ""), IdentityMode(identity_mode)
            )
    return see_other("/zaitaku/")


@router.get("/consent", response_class=HTMLResponse)
async def selection(request: Request, context: str = "") -> Response:
    session = await _session(request)
    if session is None:
        return _to_login()
    chosen = parse_context(context, CONTEXTS)
    if chosen is None:
        return see_other("/zaitaku/")
    return select_page(request, _flow(session, chosen), Selection({}))


async def _posted(request: Request) -> tuple[WebSession, Flow, FormData] | Response:
    session = await _session(request)
    if session is None:
        return _to_login()
    form = await request.form()
    chosen = parse_context(str(form.get("context", "")), CONTEXTS)
    if chosen is None:
        return see_other("/zaitaku/")
    return session, _flow(session, chosen), form


@router.post("/consent", response_class=HTMLResponse)
async def back_to_selection(request: Request) -> Response:
    """「選択内容を修正する」: the selection again, as it was."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    _, flow, form = posted
    return select_page(request, flow, Selection.from_form(form))


@router.post("/confirm", response_class=HTMLResponse)
async def confirm(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    _, flow, form = posted
    return confirm_step(request, flow, form)


@router.post("/identity", response_class=HTMLResponse)
async def identity(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    _, flow, form = posted
    chosen = Selection.from_form(form)
    if not chosen.complete:
        return select_page(request, flow, chosen, "同意の選択がありません。最初から選んでください。", 400)
    return identity_page(request, flow, chosen)


@router.post("/register")
async def register(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    session, flow, form = posted
    _, outcome = await register_step(request, flow, _actor(session), form)
    if isinstance(outcome, Response):
        return outcome
    if isinstance(outcome, PinRefused | CardRefused):
        message = outcome.message_ja if isinstance(outcome, PinRefused) else refused_message(outcome)
        context = {"title": TITLE, "heading": "同意登録・資格確認ができませんでした", "message": message,
                   "links": [("/zaitaku/", "最初からやり直す")], "step": 2, "flow": flow}  # fmt: skip
        return render(request, "message.html", context, 403)
    assert isinstance(outcome, CardConfirmed)
    done = await summary(central_of(request).db, outcome, flow.context, flow.identity)
    async with central_of(request).db.write() as conn:
        await web_sessions.set_last_result(conn, request.cookies.get(FACILITY_COOKIE, ""), json.dumps(done))
    return see_other("/zaitaku/done")


@router.get("/done", response_class=HTMLResponse)
async def done(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return _to_login()
    if not session.last_result:
        return see_other("/zaitaku/")
    result = json.loads(session.last_result)
    flow = _flow(session, ConsentContext(result["context"]))
    return render(request, "consent_done.html", {"flow": flow, "result": result, "step": 3, "title": TITLE})
