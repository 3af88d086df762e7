"""Facility API: confirmation with the My Number Card (電子資格確認), for card readers.

* `POST /api/v1/card/challenges` — a single-use nonce (valid 5 minutes) for the facility's next
  card use, and the facility code the card must sign with it.
* `POST /api/v1/card/confirmations` — the card's certificate and its signature over the
  challenge, facility code, consent choices and (on a first registration for insurance use)
  the card-surface data. The answer is the face-reader result document
  (`OQSsiquc01res_face_…`): JSON ({"XmlMsg": …}) by default, the XML file with
  `Accept: application/xml`. HTTP 200 for any verdict; a refusal has the status of its code
  (docs/wire-codes.md, ONSP3xxx); 503 with ONSE9502 when the card could not be verified.
"""

from __future__ import annotations

import base64
import binascii
import logging
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.exc import DBAPIError
from starlette.responses import Response

from onshi import wire
from onshi.card.jlis import CertificateAuthorityUnreadable, trust_anchor
from onshi.card.protocol import REGISTERED_HEADER
from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.responses import json_response, wire_response
from onshi.domain.actors import Actor, ActorKind
from onshi.domain.card import CardProblem
from onshi.domain.consent import ConsentChoices, ConsentContext, ConsentItem
from onshi.domain.dates import format_wire_datetime, now_jst
from onshi.services.card_confirmation import (
    CardConfirmation,
    CardReads,
    CardReadsFailed,
    CardRefused,
    Challenge,
    confirm_by_card,
    issue_challenge,
)
from onshi.services.face_result import card_result_document, unverifiable_document
from onshi.wire.result_codes import CARD_ERRORS

log = logging.getLogger("onshi.central.card")
router = APIRouter(prefix="/api/v1/card", tags=["card"])
FACILITY = frozenset({ActorKind.FACILITY})
ACTION = "card.confirm"
KIND = wire.MessageKind.SINGLE_INQUIRY_RESULT
# Technical failures answered "could not verify" (never a verdict). Others (an audit commit
# that failed) reach the app's handlers: onshi.central.responses.technical_failure.
UNVERIFIABLE = (DBAPIError, OSError, TimeoutError, CertificateAuthorityUnreadable, CardReadsFailed)


class ConsentBody(BaseModel):
    """同意 per item (domain.md §5); 特定健診等情報 only from age 40."""

    surgery: bool = Field(False, description="手術情報")
    treatment: bool = Field(False, description="診療情報および薬剤情報")
    checkup: bool = Field(False, description="特定健診等情報 (40歳以上)")
    limit: bool = Field(False, description="限度額情報")
    disease: bool = Field(False, description="特定疾病療養受療証情報")

    def choices(self) -> ConsentChoices:
        return ConsentChoices.of(item for item in ConsentItem if getattr(self, item.value))


class SurfaceBody(BaseModel):
    """券面事項 read from the card (first registration only)."""

    name: str = Field(max_length=100, description="氏名")
    name_kana: str = Field(max_length=100, description="氏名カナ")
    birthdate: str = Field(pattern=r"^\d{8}$", description="生年月日 YYYYMMDD")
    sex: Literal["1", "2", "3"] = Field(description="性別 (OQSCD007)")
    address: str = Field(max_length=200, description="住所")


class CardConfirmationBody(BaseModel):
    certificate: str = Field(max_length=8000, description="利用者証明用電子証明書 (PEM)")
    challenge: str = Field(max_length=64, description="from POST /api/v1/card/challenges")
    signature: str = Field(max_length=2000, description="the card's signature, base64")
    consent: ConsentBody = Field(default_factory=ConsentBody)
    surface: SurfaceBody | None = None
    context: Literal["counter", "home_visit", "house_call", "online_care"] = Field(
        "counter",
        description="同意の場面: 窓口 / 居宅同意取得型 / 往診 / オンライン診療等 (signed unless counter)",
    )


@router.post("/challenges", summary="カード認証用チャレンジの発行")
async def challenge(request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, ACTION)
    return challenge_response(await issue_challenge(central.db, actor))


def challenge_response(issued: Challenge) -> Response:
    """The answer to a challenge request (shared with onshi.central.hot_card)."""
    return json_response(
        {
            "challenge": issued.nonce,
            "facility_code": issued.facility_code,
            "expires_at": format_wire_datetime(issued.expires_at),
        }
    )


def _unverifiable(request: Request, facility_code: str) -> Response:
    """A technical failure: say the card could not be verified — never a verdict on coverage."""
    status = CARD_ERRORS[CardProblem.UNVERIFIABLE].http_status
    document = unverifiable_document(facility_code, now_jst())
    return wire_response(request, document, KIND, status, headers={"Retry-After": "5"})


def _signature(text: str) -> bytes:
    """Undecodable base64 becomes an empty signature, which then fails verification (ONSP3004)."""
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return b""


@router.post("/confirmations", summary="資格確認（マイナンバーカード・顔認証付きカードリーダー）")
async def confirm(body: CardConfirmationBody, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, ACTION)
    return await answer(central, request, actor, confirmation_of(body))


def confirmation_of(body: CardConfirmationBody) -> CardConfirmation:
    return CardConfirmation(
        certificate_pem=body.certificate,
        challenge=body.challenge,
        signature=_signature(body.signature),
        consent=body.consent.choices(),
        surface=body.surface.model_dump() if body.surface else None,
        context=ConsentContext(body.context),
    )


async def answer(
    central: Central,
    request: Request,
    actor: Actor,
    confirmation: CardConfirmation,
    reads: CardReads | None = None,
) -> Response:
    """Confirm an authenticated facility's card use and answer it — the route's and the hot
    path's (onshi.central.hot_card, with its raw `reads`) one way to do both."""
    try:
        anchor = trust_anchor(central.settings.jlis_dir)
        outcome = await confirm_by_card(central.db, central.audit, anchor, actor, confirmation, reads)
    except UNVERIFIABLE as error:
        log.warning("card could not be verified: %s", type(error).__name__)
        return _unverifiable(request, actor.id)
    status = outcome.code.http_status if isinstance(outcome, CardRefused) else 200
    registered = not isinstance(outcome, CardRefused) and outcome.registered_now
    headers = {REGISTERED_HEADER: "1" if registered else "0"}
    return wire_response(request, card_result_document(outcome, actor.id), KIND, status, headers=headers)
