"""The patient API (for a patient's own app, e.g. a Mynaportal-like client):

* `POST /api/v1/patient/challenges` — a single-use nonce (5 minutes).
* `POST /api/v1/patient/sessions` — `{"certificate", "challenge", "signature"}`: the card's
  signature (base64) over `patient_payload(challenge)` → 201 `{"token", "expires_at"}`;
  refusals 401/403/409 with `{"error": {"code": <card problem>}}`.
* With `Authorization: Bearer <token>`:
  `GET /api/v1/patient/consents`, `POST /api/v1/patient/consents/{id}` (`{"items": […]}`),
  `POST /api/v1/patient/consents/withdraw-all`, `GET /api/v1/patient/access-log`.
"""

from __future__ import annotations

import base64
import binascii

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi.central.auth import presented_key
from onshi.central.responses import RowId, json_response, problem
from onshi.consent_web.pages import anchor_of, central_of
from onshi.domain.actors import Channel
from onshi.domain.card import CardProblem
from onshi.domain.consent import parse_items
from onshi.domain.dates import format_wire_datetime, now_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.qualification import Qualification
from onshi.services import consent_web_patient as patients
from onshi.services.consent_web_sessions import (
    SignInRefused,
    patient_actor,
    patient_challenge,
    patient_sign_in,
)
from onshi.store import web_sessions
from onshi.store.web_sessions import SessionKind
from onshi.wire.result_codes import CARD_ERRORS

router = APIRouter(prefix="/api/v1/patient", tags=["patient"])
ACTOR = patient_actor(Channel.API)


class SignInBody(BaseModel):
    certificate: str = Field(max_length=8000, description="利用者証明用電子証明書 (PEM)")
    challenge: str = Field(max_length=64, description="from POST /api/v1/patient/challenges")
    signature: str = Field(max_length=2000, description="the card's signature over patient_payload, base64")


class ItemsBody(BaseModel):
    items: list[str] = Field(max_length=5, description="surgery / treatment / checkup / limit / disease")


async def _patient(request: Request) -> Qualification | Response:
    db = central_of(request).db
    async with db.read() as conn:
        session = await web_sessions.get(conn, presented_key(request) or "", SessionKind.PATIENT, now_jst())
    found = await patients.qualification_of(db, session.person) if session and session.person else None
    if found is None:
        headers = {"WWW-Authenticate": 'Bearer realm="onshi-patient"'}
        return problem(
            401,
            "invalid_session",
            "患者セッションが無効です（もう一度カードでサインインしてください）",
            headers,
        )
    return found


@router.post("/challenges", summary="患者サインイン用チャレンジの発行")
async def challenge(request: Request) -> Response:
    issued = await patient_challenge(central_of(request).db)
    return json_response({"challenge": issued.nonce, "expires_at": format_wire_datetime(issued.expires_at)})


@router.post("/sessions", summary="マイナンバーカードによる患者サインイン")
async def sign_in(body: SignInBody, request: Request) -> Response:
    central = central_of(request)
    try:
        signature = base64.b64decode(body.signature, validate=True)
    except (binascii.Error, ValueError):
        signature = b""
    session = await patient_sign_in(
        central.db,
        central.audit,
        anchor_of(central),
        body.certificate,
        body.challenge,
        signature,
        Channel.API,
    )
    if isinstance(session, SignInRefused):
        status = 409 if session.problem is CardProblem.CHALLENGE else 401
        message = " ".join(filter(None, [CARD_ERRORS[session.problem].summary_ja, session.message_ja]))
        return problem(status, session.problem.value, message)
    content = {"token": session.token, "expires_at": format_wire_datetime(session.expires_at)}
    return json_response(content, 201)


@router.get("/consents", summary="同意照会")
async def consents(request: Request) -> Response:
    patient = await _patient(request)
    if isinstance(patient, Response):
        return patient
    grants = await patients.grants_of(central_of(request).db, patient)
    return json_response({"consents": [grant.as_json() for grant in grants]})


@router.post("/consents/withdraw-all", summary="すべての同意を取消す")
async def withdraw_all(request: Request) -> Response:
    patient = await _patient(request)
    if isinstance(patient, Response):
        return patient
    withdrawn = await patients.withdraw_all(central_of(request).db, ACTOR, patient)
    return json_response({"withdrawn": withdrawn})


@router.post("/consents/{grant_id}", summary="同意の更新（項目の変更）")
async def update(grant_id: RowId, body: ItemsBody, request: Request) -> Response:
    patient = await _patient(request)
    if isinstance(patient, Response):
        return patient
    db = central_of(request).db
    try:
        new = await patients.update(db, ACTOR, patient, grant_id, parse_items(body.items))
    except InvalidValue as error:
        status = 404 if error.field == "grant_id" else 422
        return problem(status, f"invalid_{error.field}", error.message_ja)
    view = next(g for g in await patients.grants_of(db, patient) if g.grant.id == new.id)
    return json_response({"consent": view.as_json()})


@router.get("/access-log", summary="アクセス履歴（資格確認・情報閲覧・同意の記録）")
async def access_log(request: Request) -> Response:
    patient = await _patient(request)
    if isinstance(patient, Response):
        return patient
    entries = await patients.accesses(central_of(request).db, patient)
    return json_response({"entries": [patients.access_json(entry) for entry in entries]})
