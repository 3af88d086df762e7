"""Clinical information, 再照会 and 災害時モード over HTTP.

Facility (mutual TLS or key):
* `POST /api/v1/clinical/{kind}/search` — kind: medication / treatment / surgery / checkup; body:
  the patient's card numbers and birth date, `page`, `per_page` (≤200). 200 with the records
  (newest first, only as deep as the system keeps); 403 `{"error": {"code": <refusal>}}` when
  the patient's consent does not allow it (no_consent, item_not_consented, expired, withdrawn,
  under_40); 404 no such patient; 422 bad numbers. Every call is audited.
* `POST /api/v1/reinquiries` — 再照会: the same body; the qualification as `{"XmlMsg": …}` (or
  OQSsiquc01res XML with `Accept: application/xml`), or 403 with the refusal.

Insurer (or operator): `POST /api/v1/insurer/clinical/{feed}` — feed: medication / procedure /
checkup; the CSV of docs/clinical-feed.md; the report with every rejected line.

Operator: `POST /api/v1/operator/disasters`, `POST /api/v1/operator/disasters/{id}/cancel`,
`GET /api/v1/operator/disasters`.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi import wire
from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.csv_upload import CSV_BODY, own_rows_only, receive_feed
from onshi.central.responses import RowId, json_response, problem, wire_response
from onshi.domain.actors import ActorKind
from onshi.domain.clinical import ClinicalRecord, RecordKind
from onshi.domain.disaster import DisasterDeclaration
from onshi.domain.errors import InvalidValue
from onshi.feeds.clinical_csv import FEEDS, FeedFormatError
from onshi.services import disasters, reinquiry
from onshi.services.clinical import VIEW_ACTION, ClinicalPage, ClinicalQuery, view
from onshi.services.clinical_import import import_clinical
from onshi.services.confirmation import NumberConfirmation, result_document, search_echo
from onshi.services.insurer_import import ImportReport
from onshi.services.request_files import result_header

router = APIRouter(tags=["clinical"])
FACILITY = frozenset({ActorKind.FACILITY})
FEEDERS = frozenset({ActorKind.INSURER, ActorKind.OPERATOR})
OPERATOR = frozenset({ActorKind.OPERATOR})


class PatientNumbers(BaseModel):
    insurer_number: str = Field(max_length=16, description="保険者番号")
    insured_card_symbol: str | None = Field(None, max_length=40, description="被保険者証記号")
    insured_identification_number: str = Field(max_length=40, description="被保険者証番号")
    insured_branch_number: str | None = Field(None, max_length=4, description="枝番")
    birthdate: str = Field(max_length=16, description="生年月日 YYYYMMDD")

    def confirmation(self) -> NumberConfirmation:
        return NumberConfirmation(
            self.insurer_number, self.insured_identification_number, self.birthdate,
            symbol=self.insured_card_symbol, branch=self.insured_branch_number,
        )  # fmt: skip


class ClinicalSearch(PatientNumbers):
    page: int = Field(1, ge=1, le=100_000)
    per_page: int = Field(50, ge=1, le=200)


@router.post(
    "/api/v1/clinical/{kind}/search",
    summary="薬剤情報・診療情報・手術情報・特定健診等情報の閲覧（同意の範囲内）",
)
async def search(kind: RecordKind, body: ClinicalSearch, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, VIEW_ACTION)
    outcome = await view(
        central.db, central.audit, actor, ClinicalQuery(body.confirmation(), kind, body.page, body.per_page)
    )
    if not isinstance(outcome, ClinicalPage):
        if outcome.errors:
            return problem(422, "invalid_numbers", outcome.message_ja)
        if outcome.refusal is None:
            return problem(404, "no_patient", outcome.message_ja)
        return problem(403, outcome.refusal.value, outcome.message_ja)
    return json_response(page_json(outcome))


def page_json(outcome: ClinicalPage) -> dict[str, Any]:
    permit, patient = outcome.permit, outcome.patient
    return {
        "kind": permit.kind.value,
        "kind_ja": permit.kind.label_ja,
        "basis": permit.basis.value,  # consent, or disaster (災害時モード: shown to the patient)
        "since": permit.since.isoformat(),
        "viewed_at": outcome.viewed_at.isoformat(timespec="seconds"),
        "page": outcome.page,
        "per_page": outcome.per_page,
        "total": outcome.total,
        "patient": {
            "name": patient.name,
            "name_kana": patient.name_kana,
            "birthdate": patient.birthdate.isoformat(),
        },
        "records": [record_json(record) for record in outcome.records],
    }


def record_json(record: ClinicalRecord) -> dict[str, Any]:
    return {name: _plain(value) for name, value in asdict(record).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value.value if isinstance(value, Enum) else value


@router.post("/api/v1/reinquiries", summary="再照会（居宅同意取得型の2回目以降の訪問）")
async def reinquire(body: PatientNumbers, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, reinquiry.ACTION)
    outcome = await reinquiry.reinquire(central.db, central.audit, actor, body.confirmation())
    if isinstance(outcome, reinquiry.ReinquiryRefused):
        if outcome.errors:
            return problem(422, "invalid_numbers", outcome.message_ja)
        return problem(
            404 if outcome.refusal is None else 403, outcome.refusal or "no_patient", outcome.message_ja
        )
    confirmed = outcome.confirmed
    header = result_header(actor, None, wire.UTF8, confirmed.query.on, confirmed.processed_at)
    document = result_document(confirmed, header, search_echo(body.confirmation()))
    return wire_response(
        request,
        document,
        wire.MessageKind.SINGLE_INQUIRY_RESULT,
        headers={"X-Onshi-Consent-Grant": str(outcome.grant_id)},
    )


@router.post(
    "/api/v1/insurer/clinical/{feed}",
    summary="薬剤・診療（手術）・特定健診情報の登録（CSV）",
    openapi_extra=CSV_BODY,
)
async def upload(feed: str, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FEEDERS, None)
    allowed = own_rows_only(actor, ActorKind.INSURER)

    async def load(name: str, lines: list[str], source: str) -> ImportReport:
        return await import_clinical(central.db, central.audit, name, lines, actor, source, allowed)

    return await receive_feed(request, feed, FEEDS, load, (FeedFormatError,))


class DisasterBody(BaseModel):
    prefectures: list[str] = Field(min_length=1, max_length=47, description="都道府県番号 (2 digits)")
    starts_on: date
    ends_on: date
    reason: str = Field(max_length=2000)


@router.post("/api/v1/operator/disasters", summary="災害時モードの宣言（都道府県・期間）")
async def declare(body: DisasterBody, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, OPERATOR, disasters.DECLARE_ACTION)
    try:
        declared = await disasters.declare(
            central.db, actor, body.prefectures, body.starts_on, body.ends_on, body.reason
        )
    except InvalidValue as error:
        return problem(422, f"invalid_{error.field}", f"{error.message_ja} ({error.message_en})")
    return json_response(disaster_json(declared), 201)


@router.post("/api/v1/operator/disasters/{declaration_id}/cancel", summary="災害時モードの終了")
async def cancel(declaration_id: RowId, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, OPERATOR, disasters.CANCEL_ACTION)
    found = await disasters.cancel(central.db, actor, declaration_id)
    if found is None:
        return problem(404, "unknown_declaration", f"#{declaration_id} の災害時モードの記録はありません")
    return json_response(disaster_json(found))


@router.get("/api/v1/operator/disasters", summary="災害時モードの一覧")
async def listing(request: Request) -> Response:
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)
    return json_response({"disasters": [disaster_json(d) for d in await disasters.listing(central.db)]})


def disaster_json(declaration: DisasterDeclaration) -> dict[str, Any]:
    cancelled = declaration.cancelled_at
    return {
        "id": declaration.id,
        "prefectures": sorted(declaration.prefectures),
        "starts_on": declaration.starts_on.isoformat(),
        "ends_on": declaration.ends_on.isoformat(),
        "reason": declaration.reason,
        "declared_at": declaration.declared_at.isoformat(timespec="seconds"),
        "declared_by": declaration.declared_by,
        "cancelled_at": cancelled.isoformat(timespec="seconds") if cancelled else None,
    }
