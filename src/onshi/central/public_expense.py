"""Public expense (公費負担医療・医療扶助) over HTTP.

Payer (or operator): `POST /api/v1/public-expense/feeds/{feed}` — feed: payers / recipients /
tickets; the CSV of docs/public-expense.md; the report with every rejected line. A payer's key
(`onshi public-expense key 公費負担者番号`, ActorKind.PAYER) loads its own payer's rows only;
another payer's rows are rejected and reported like any bad row.

Facility: `POST /api/v1/public-expense/confirmations` — 公費負担者番号, 受給者番号 and birth date;
the result document as JSON ({"XmlMsg": …}) or OQSsiquc01res XML with `Accept: application/xml`
(onshi.services.public_expense_confirmation says what it holds).
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi import wire
from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.csv_upload import CSV_BODY, own_rows_only, receive_feed
from onshi.central.responses import wire_response
from onshi.domain.actors import ActorKind
from onshi.feeds.public_expense_csv import FEEDS, FeedFormatError
from onshi.services.confirmation import InputRejected
from onshi.services.insurer_import import ImportReport
from onshi.services.public_expense_confirmation import (
    ACTION,
    RecipientConfirmation,
    confirm_by_recipient,
    result_document,
    search_echo,
)
from onshi.services.public_expense_import import import_public_expense
from onshi.services.request_files import result_header
from onshi.wire.result_codes import INPUT_ERRORS

router = APIRouter(prefix="/api/v1/public-expense", tags=["public expense"])
FACILITY = frozenset({ActorKind.FACILITY})
FEEDERS = frozenset({ActorKind.PAYER, ActorKind.OPERATOR})


@router.post(
    "/feeds/{feed}",
    summary="公費負担者・受給者・医療券の登録（CSV）",
    openapi_extra=CSV_BODY,
)
async def upload(feed: str, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FEEDERS, None)
    allowed = own_rows_only(actor, ActorKind.PAYER)

    async def load(name: str, lines: list[str], source: str) -> ImportReport:
        return await import_public_expense(central.db, central.audit, name, lines, actor, source, allowed)

    return await receive_feed(request, feed, FEEDS, load, (FeedFormatError,))


class RecipientBody(BaseModel):
    public_expense_number: str = Field(
        max_length=16, examples=["54136015"], description="公費負担者番号 (8 digits)"
    )
    beneficiary_number: str = Field(max_length=16, examples=["1234566"], description="受給者番号 (7 digits)")
    birthdate: str = Field(max_length=16, examples=["20150601"], description="生年月日 YYYYMMDD")
    qualification_confirmation_date: str | None = Field(
        None, max_length=16, description="資格確認日 YYYYMMDD; default today (JST)"
    )
    arbitrary_file_identifier: str | None = Field(None, max_length=100, description="echoed in the result")


@router.post("/confirmations", summary="資格確認（公費負担者番号・受給者番号）")
async def confirm(body: RecipientBody, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, ACTION)
    confirmation = RecipientConfirmation(
        body.public_expense_number,
        body.beneficiary_number,
        body.birthdate,
        body.qualification_confirmation_date,
    )
    outcome = await confirm_by_recipient(central.db, central.audit, actor, confirmation)
    on = None if isinstance(outcome, InputRejected) else outcome.query.on
    header = result_header(actor, body.arbitrary_file_identifier, wire.UTF8, on, outcome.processed_at)
    document = result_document(outcome, header, search_echo(confirmation))
    status = (
        INPUT_ERRORS[outcome.errors[0].problem].http_status if isinstance(outcome, InputRejected) else 200
    )
    return wire_response(request, document, wire.MessageKind.SINGLE_INQUIRY_RESULT, status)
