"""The patient menu (/patient): sign in with card and PIN, then 同意照会・更新, すべての同意を取消す
(with a confirmation step) and アクセス履歴. Shows consents, never clinical records."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, Response

from onshi.central.responses import RowId
from onshi.consent_web.pages import (
    PATIENT_COOKIE,
    anchor_of,
    central_of,
    render,
    see_other,
    set_session_cookie,
)
from onshi.domain.actors import Channel
from onshi.domain.consent import ConsentItem
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.qualification import Qualification
from onshi.services import consent_web_patient as patients
from onshi.services.consent_web_pin import MAX_CARD_FILE_BYTES, PinRefused, unlock_with_pin
from onshi.services.consent_web_sessions import (
    PATIENT_SESSION,
    SignInRefused,
    end_session,
    patient_actor,
    patient_challenge,
    patient_payload,
    patient_sign_in,
)
from onshi.store import web_sessions
from onshi.store.web_sessions import SessionKind
from onshi.wire.result_codes import CARD_ERRORS

router = APIRouter(prefix="/patient", include_in_schema=False)
TITLE = "マイナ保険証 患者メニュー"
ACTOR = patient_actor(Channel.WEB)


async def _patient(request: Request) -> Qualification | None:
    db = central_of(request).db
    async with db.read() as conn:
        session = await web_sessions.get(
            conn, request.cookies.get(PATIENT_COOKIE, ""), SessionKind.PATIENT, now_jst()
        )
    if session is None or session.person is None:
        return None
    return await patients.qualification_of(db, session.person)


def _login_page(request: Request, error: str | None = None, status: int = 200) -> HTMLResponse:
    return render(request, "patient_login.html", {"title": TITLE, "error": error}, status)


@router.get("/", response_class=HTMLResponse)
async def menu(request: Request) -> Response:
    patient = await _patient(request)
    if patient is None:
        return _login_page(request)
    return render(request, "patient_menu.html", {"title": TITLE, "patient": patient})


@router.post("/login")
async def login(
    request: Request, card: Annotated[UploadFile, File()], pin: Annotated[str, Form(max_length=8)] = ""
) -> Response:
    """The server plays the patient's device: it opens the card with the PIN (counted server-side),
    signs a fresh patient challenge and signs in as any card client would."""
    central = central_of(request)
    data = await card.read(MAX_CARD_FILE_BYTES + 1)
    anchor = anchor_of(central)
    unlocked = await unlock_with_pin(central.db, central.audit, anchor, ACTOR, data, pin.strip())
    if isinstance(unlocked, PinRefused):
        return _login_page(request, unlocked.message_ja, 401)
    challenge = await patient_challenge(central.db)
    signature = unlocked.sign(patient_payload(challenge.nonce))
    session = await patient_sign_in(
        central.db, central.audit, anchor, unlocked.certificate_pem, challenge.nonce, signature, Channel.WEB
    )
    if isinstance(session, SignInRefused):
        message = f"{CARD_ERRORS[session.problem].summary_ja}。{session.message_ja}"
        return _login_page(request, message, 403)
    response = see_other("/patient/")
    set_session_cookie(response, request, PATIENT_COOKIE, session.token, int(PATIENT_SESSION.total_seconds()))
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await end_session(central_of(request).db, request.cookies.get(PATIENT_COOKIE, ""))
    response = see_other("/patient/")
    response.delete_cookie(PATIENT_COOKIE)
    return response


async def _consents_page(
    request: Request, patient: Qualification, status: int = 200, **messages: object
) -> HTMLResponse:
    grants = await patients.grants_of(central_of(request).db, patient)
    context = {
        "title": TITLE,
        "patient": patient,
        "grants": grants,
        "allowed": patients.allowed_items(patient),
    }
    return render(
        request,
        "patient_consents.html",
        {"updated": None, "withdrawn": None, "error": None, **context, **messages},
        status,
    )


@router.get("/consents", response_class=HTMLResponse)
async def consents(request: Request, updated: int | None = None, withdrawn: int | None = None) -> Response:
    patient = await _patient(request)
    if patient is None:
        return see_other("/patient/")
    return await _consents_page(request, patient, updated=updated, withdrawn=withdrawn)


@router.post("/consents/{grant_id}")
async def update(request: Request, grant_id: RowId) -> Response:
    patient = await _patient(request)
    if patient is None:
        return see_other("/patient/")
    form = await request.form()
    chosen = frozenset(item for item in ConsentItem if form.get(item.value) == "yes")
    try:
        new = await patients.update(central_of(request).db, ACTOR, patient, grant_id, chosen)
    except InvalidValue as error:
        return await _consents_page(request, patient, 400, error=error.message_ja)
    return see_other(f"/patient/consents?updated={new.id}")


@router.get("/withdraw", response_class=HTMLResponse)
async def withdraw_page(request: Request) -> Response:
    patient = await _patient(request)
    if patient is None:
        return see_other("/patient/")
    live = [g for g in await patients.grants_of(central_of(request).db, patient) if g.live]
    return render(request, "patient_withdraw.html", {"title": TITLE, "patient": patient, "live": live})


@router.post("/withdraw")
async def withdraw(request: Request, confirmed: Annotated[str, Form(max_length=4)] = "") -> Response:
    patient = await _patient(request)
    if patient is None:
        return see_other("/patient/")
    if confirmed != "1":
        return see_other("/patient/withdraw")
    withdrawn = await patients.withdraw_all(central_of(request).db, ACTOR, patient)
    return see_other(f"/patient/consents?withdrawn={len(withdrawn)}")


@router.get("/access-log", response_class=HTMLResponse)
async def access_log(request: Request) -> Response:
    patient = await _patient(request)
    if patient is None:
        return see_other("/patient/")
    entries = await patients.accesses(central_of(request).db, patient)
    return render(
        request, "patient_access_log.html", {"title": TITLE, "patient": patient, "entries": entries}
    )
