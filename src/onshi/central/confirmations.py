"""Facility API: confirmation by insurance-card numbers.

* `POST /api/v1/confirmations` — JSON keys in; the result document as JSON ({"XmlMsg": …}),
  or as an OQSsiquc01res XML file with `Accept: application/xml`.
* `POST /api/v1/confirmations/xml` — an OQSsiquc01req file in, the OQSsiquc01res file out
  (in the request's encoding); what the terminal forwards from its `req` folder.
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi import wire
from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.responses import wire_response
from onshi.domain.actors import Actor, ActorKind
from onshi.domain.codes import ConsentFlag
from onshi.services.confirmation import (
    ACTION,
    Confirmed,
    NumberConfirmation,
    Outcome,
    confirm_by_numbers,
    result_document,
    search_echo,
)
from onshi.services.request_files import outcome_status, result_header, single_inquiry
from onshi.wire.verdict_json import answer_json

router = APIRouter(prefix="/api/v1", tags=["facility"])
FACILITY = frozenset({ActorKind.FACILITY})
KIND = wire.MessageKind.SINGLE_INQUIRY_RESULT


class NumberConfirmationBody(BaseModel):
    """The keys of OQSsiquc01req in snake_case. Full-width digits and spaces are accepted."""

    insurer_number: str = Field(examples=["01130012"], description="保険者番号 (6 or 8 digits)")
    insured_card_symbol: str | None = Field(None, description="被保険者証記号")
    insured_identification_number: str = Field(description="被保険者証番号")
    insured_branch_number: str | None = Field(None, description="枝番 (2 digits)")
    birthdate: str = Field(examples=["19800401"], description="生年月日 YYYYMMDD")
    qualification_confirmation_date: str | None = Field(
        None, description="資格確認日 YYYYMMDD; default today (JST)"
    )
    limit_application_certificate_related_cons_flg: Literal["0", "1"] = Field(
        "0", description="限度額適用認定証提供同意フラグ"
    )
    arbitrary_file_identifier: str | None = Field(None, max_length=100, description="echoed in the result")


def number_confirmation(body: NumberConfirmationBody) -> NumberConfirmation:
    return NumberConfirmation(
        insurer_number=body.insurer_number,
        symbol=body.insured_card_symbol,
        number=body.insured_identification_number,
        branch=body.insured_branch_number,
        birthdate=body.birthdate,
        on=body.qualification_confirmation_date,
        limit_consent=body.limit_application_certificate_related_cons_flg == ConsentFlag.CONSENTED.value,
    )


def answer(
    request: Request,
    actor: Actor,
    body: NumberConfirmationBody,
    confirmation: NumberConfirmation,
    outcome: Outcome,
) -> Response:
    """The response to a confirmation (the general route and the hot path, onshi.central.hot_path)."""
    confirmed_on = outcome.query.on if isinstance(outcome, Confirmed) else None
    header = result_header(
        actor, body.arbitrary_file_identifier, wire.UTF8, confirmed_on, outcome.processed_at
    )
    document = result_document(outcome, header, search_echo(confirmation))
    return wire_response(request, document, KIND, outcome_status(outcome))


def json_answer_body(
    actor: Actor, body: NumberConfirmationBody, confirmation: NumberConfirmation, outcome: Confirmed
) -> bytes | None:
    """The JSON body `answer` gives a confirmed outcome, built straight from the verdict
    (onshi.wire.verdict_json; the hot path's answer), or None for the general builder."""
    on = outcome.query.on
    header = result_header(actor, body.arbitrary_file_identifier, wire.UTF8, on, outcome.processed_at)
    return answer_json(
        header,
        outcome.verdict,
        on,
        search_echo(confirmation),
        outcome.limit_consent_at,
        outcome.public_expense,
    )


@router.post("/confirmations", summary="資格確認（被保険者証等の記号・番号等）")
async def confirm_json(body: NumberConfirmationBody, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, ACTION)
    confirmation = number_confirmation(body)
    outcome = await confirm_by_numbers(central.db, central.audit, actor, confirmation)
    return answer(request, actor, body, confirmation, outcome)


@router.post(
    "/confirmations/xml",
    summary="資格確認（OQSsiquc01req ファイル → OQSsiquc01res ファイル）",
    openapi_extra={
        "requestBody": {"content": {"application/xml": {"schema": {"type": "string"}}}, "required": True}
    },
)
async def confirm_xml(request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, ACTION)
    answer = await single_inquiry(central.db, central.audit, actor, await request.body())
    return wire_response(
        request, answer.document, KIND, answer.http_status, answer.encoding, xml_default=True
    )
