"""オンライン診療等: the app's API and the patient's pages.

* `POST /api/v1/online-care/sessions` (facility key) — `{"return_url", "state"}` → 201
  `{"session", "url", "expires_at"}`: `url` is the one-time URL for the patient.
* `GET /online-care/start/{token}` — the patient's browser opens it once (it is then bound to
  that browser by a cookie); consent per item, the check, card and PIN (context ONLINE_CARE).
  At the end the browser is sent to `return_url?session=<id>&state=<state>`.
* `GET /api/v1/online-care/sessions/{id}` (the creating facility's key) — the outcome, once:
  `{"status": "completed", "grant_id", "items", "qualification": …}` or a refusal; 404 for
  anyone else, before completion, a second time, or too late.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field
from starlette.datastructures import FormData

from onshi.central.auth import authenticate
from onshi.central.responses import json_response, problem
from onshi.consent_web.flow import (
    Flow,
    confirm_step,
    identity_page,
    refused_message,
    register_step,
    select_page,
)
from onshi.consent_web.forms import Selection
from onshi.consent_web.pages import ONLINE_CARE_COOKIE, central_of, render, see_other, set_session_cookie
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.consent import ConsentContext
from onshi.domain.dates import format_wire_datetime
from onshi.domain.errors import InvalidValue
from onshi.services import consent_web_online_care as service
from onshi.services.card_confirmation import CardConfirmed
from onshi.services.consent_web_confirm import summary
from onshi.services.consent_web_pin import PinRefused
from onshi.store.online_care import OnlineCareSession
from onshi.store.web_sessions import IdentityMode

router = APIRouter()
FACILITY = frozenset({ActorKind.FACILITY})
TITLE = "オンライン資格確認（オンライン診療等）"
PREFIX = "/online-care"


class SessionBody(BaseModel):
    return_url: str = Field(max_length=service.MAX_URL, description="where the patient's browser returns")
    state: str = Field("", max_length=service.MAX_STATE, description="echoed back to return_url as is")


@router.post(
    "/api/v1/online-care/sessions",
    summary="オンライン診療等：同意・本人確認のURLの発行",
    tags=["online care"],
)
async def create(body: SessionBody, request: Request) -> Response:
    central = central_of(request)
    actor = await authenticate(central, request, FACILITY, service.CREATE_ACTION)
    try:
        created = await service.create_session(central.db, central.audit, actor, body.return_url, body.state)
    except InvalidValue as error:
        return problem(422, f"invalid_{error.field}", error.message_ja)
    url = str(request.url_for("online_care_start", token=created.start_token))
    content = {"session": created.id, "url": url, "expires_at": format_wire_datetime(created.expires_at)}
    return json_response(content, 201)


@router.get(
    "/api/v1/online-care/sessions/{session_id}",
    summary="オンライン診療等：結果の取得（1回のみ）",
    tags=["online care"],
)
async def fetch(session_id: str, request: Request) -> Response:
    central = central_of(request)
    actor = await authenticate(central, request, FACILITY, service.FETCH_ACTION)
    outcome = await service.fetch(central.db, central.audit, actor, session_id)
    if outcome is None:
        return problem(
            404,
            "not_available",
            "結果はありません（未完了・取得済み・期限切れ、または他の医療機関等のセッション）",
        )
    return json_response(outcome)


# --- the patient's pages ------------------------------------------------------------------------


def _flow(session: OnlineCareSession) -> Flow:
    return Flow(
        PREFIX, TITLE, session.facility_name, ConsentContext.ONLINE_CARE, IdentityMode.PIN, can_cancel=True
    )


def _unavailable(request: Request) -> HTMLResponse:
    context = {
        "title": TITLE,
        "heading": "このURLは使用できません",
        "message": "このURLは使用済みか、有効期限が切れています。オンライン診療等のアプリから、もう一度始めてください。",
        "links": [],
    }
    return render(request, "message.html", context, 410)


@router.get(
    PREFIX + "/start/{token}", response_class=HTMLResponse, include_in_schema=False, name="online_care_start"
)
async def start(token: str, request: Request) -> Response:
    db = central_of(request).db
    opened = await service.open_session(db, token[:128])
    if opened is None:
        # A reload by the browser that opened it continues; anyone else is refused.
        current = await service.current(db, request.cookies.get(ONLINE_CARE_COOKIE, ""))
        return select_page(request, _flow(current), Selection({})) if current else _unavailable(request)
    session, browser = opened
    response = select_page(request, _flow(session), Selection({}))
    max_age = int((session.expires_at - session.created_at).total_seconds())
    set_session_cookie(response, request, ONLINE_CARE_COOKIE, browser, max_age)
    return response


async def _posted(request: Request) -> tuple[OnlineCareSession, FormData] | Response:
    session = await service.current(central_of(request).db, request.cookies.get(ONLINE_CARE_COOKIE, ""))
    if session is None:
        return _unavailable(request)
    return session, await request.form()


@router.post(PREFIX + "/consent", response_class=HTMLResponse, include_in_schema=False)
async def back_to_selection(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    session, form = posted
    return select_page(request, _flow(session), Selection.from_form(form))


@router.post(PREFIX + "/confirm", response_class=HTMLResponse, include_in_schema=False)
async def confirm(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    session, form = posted
    return confirm_step(request, _flow(session), form)


@router.post(PREFIX + "/identity", response_class=HTMLResponse, include_in_schema=False)
async def identity(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    session, form = posted
    chosen = Selection.from_form(form)
    if not chosen.complete:
        return select_page(
            request, _flow(session), chosen, "同意の選択がありません。最初から選んでください。", 400
        )
    return identity_page(request, _flow(session), chosen)


@router.post(PREFIX + "/register", include_in_schema=False)
async def register(request: Request) -> Response:
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    session, form = posted
    flow = _flow(session)
    actor = Actor(ActorKind.FACILITY, session.facility_code, Channel.WEB)
    _, outcome = await register_step(request, flow, actor, form)
    if isinstance(outcome, Response):
        return outcome
    db = central_of(request).db
    if isinstance(outcome, CardConfirmed):
        done = await summary(db, outcome, ConsentContext.ONLINE_CARE, IdentityMode.PIN)
        await service.finish(db, session, {"status": "completed", **done})
        return see_other(service.redirect_url(session))
    if isinstance(outcome, PinRefused):
        code, message = outcome.problem.value, outcome.message_ja
    else:
        code, message = outcome.problem.value, refused_message(outcome)
    await service.finish(db, session, {"status": "refused", "error": {"code": code, "message": message}})
    context = {"title": TITLE, "heading": "本人確認ができませんでした", "message": message, "step": 2, "flow": flow,
               "links": [(service.redirect_url(session), f"{session.facility_name}のアプリに戻る")]}  # fmt: skip
    return render(request, "message.html", context, 403)


@router.post(PREFIX + "/cancel", include_in_schema=False)
async def cancel(request: Request) -> Response:
    """The patient stops: the app learns it (status cancelled) and the browser goes back."""
    posted = await _posted(request)
    if isinstance(posted, Response):
        return posted
    session, _ = posted
    await service.finish(central_of(request).db, session, {"status": "cancelled"})
    return see_other(service.redirect_url(session))
