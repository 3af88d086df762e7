"""Facility API: batch inquiry (一括照会) — the same batches as the terminal's OQSmuquc files.

* `POST /api/v1/batches` — the persons to confirm (JSON, at most 10,000); 202 with the
  reception number (受付番号) at once. The same body posted again is the same batch.
* `GET /api/v1/batches/{reception_number}` — status (processing / done) and counts; when
  done, one result per entry in the order posted, keyed by wire element names (the
  BulkConfirmUnit of OQSmuquc02res). `Accept: application/xml` gets the OQSmuquc02res file.
"""

from __future__ import annotations

from typing import Any, Literal

import orjson
from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi import wire
from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.responses import json_response, problem, wants_xml, wire_response
from onshi.domain.actors import ActorKind
from onshi.domain.batch import MAX_ENTRIES, BatchKind
from onshi.domain.dates import format_wire_datetime, parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue
from onshi.services import batches
from onshi.services.bulk_files import DOWNLOAD_ACTION, INQUIRY, result_document, viewed_results
from onshi.store.batches import Batch, Entry

router = APIRouter(prefix="/api/v1", tags=["facility"])
FACILITY = frozenset({ActorKind.FACILITY})


class BatchEntryBody(BaseModel):
    """One person: the keys of QualificationConfirmSearchInfo in snake_case. Bad keys are
    this entry's error in the results, not the batch's."""

    insurer_number: str = Field(max_length=16, description="保険者番号 (6 or 8 digits)")
    insured_card_symbol: str | None = Field(None, max_length=40, description="被保険者証記号")
    insured_identification_number: str = Field(max_length=40, description="被保険者証番号")
    insured_branch_number: str | None = Field(None, max_length=4, description="枝番 (2 digits)")
    birthdate: str = Field(max_length=10, description="生年月日 YYYYMMDD")
    limit_application_certificate_related_cons_flg: Literal["0", "1"] = Field(
        "0", description="限度額適用認定証提供同意フラグ"
    )
    arbitrary_identifier: str | None = Field(
        None, max_length=100, description="the receipt computer's own key for the entry, echoed"
    )

    def wire_entry(self) -> Entry:
        values = {
            "InsurerNumber": self.insurer_number,
            "InsuredCardSymbol": self.insured_card_symbol,
            "InsuredIdentificationNumber": self.insured_identification_number,
            "InsuredBranchNumber": self.insured_branch_number,
            "Birthdate": self.birthdate,
            "LimitApplicationCertificateRelatedConsFlg": self.limit_application_certificate_related_cons_flg,
            "ArbitraryIdentifier": self.arbitrary_identifier,
        }
        return {name: value for name, value in values.items() if value is not None}


class BatchBody(BaseModel):
    qualification_confirmation_date: str | None = Field(
        None, description="資格確認日 YYYYMMDD for every entry; default today (JST)"
    )
    arbitrary_file_identifier: str | None = Field(None, max_length=100, description="echoed in the results")
    entries: list[BatchEntryBody] = Field(min_length=1, max_length=MAX_ENTRIES)


@router.post("/batches", status_code=202, summary="一括照会の登録（受付番号を返す）")
async def submit_batch(body: BatchBody, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, batches.SUBMIT_ACTION)
    try:
        raw = body.qualification_confirmation_date
        on = parse_flexible_date(raw, "qualification_confirmation_date") if raw else today_jst()
    except InvalidValue as error:
        return problem(422, "invalid_date", f"{error.message_ja} ({error.message_en})")
    upload = batches.Upload(
        BatchKind.INQUIRY,
        [entry.wire_entry() for entry in body.entries],
        orjson.dumps(body.model_dump(), option=orjson.OPT_SORT_KEYS),
        wire.UTF8,
        body.arbitrary_file_identifier,
        on,
    )
    batch, created = await batches.submit(central.db, actor, upload)
    location = f"/api/v1/batches/{batch.reception_number}"
    content = {**_summary(batch), "duplicate": not created}
    return json_response(content, 202 if created else 200, {"Location": location})


@router.get("/batches/{reception_number}", summary="一括照会の状況と結果")
async def get_batch(reception_number: str, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, DOWNLOAD_ACTION)
    batch = await batches.find(central.db, actor, reception_number[:32], BatchKind.INQUIRY)
    if batch is None:
        return problem(404, "unknown_reception_number", "受付番号に該当する一括照会がありません")
    units = await viewed_results(central.db, central.audit, actor, batch)
    if wants_xml(request):
        document = result_document(INQUIRY, actor, batch, units, wire.UTF8)
        return wire_response(request, document, INQUIRY.result)
    content: dict[str, Any] = _summary(batch)
    if units is not None:
        content["results"] = wire.prune(units)  # absent values left out, as in the XML
    return json_response(content)


def _summary(batch: Batch) -> dict[str, Any]:
    return {
        "reception_number": batch.reception_number,
        "status": batch.status.value,
        "received_at": format_wire_datetime(batch.received_at),
        "finished_at": format_wire_datetime(batch.finished_at) if batch.finished_at else None,
        "entries": batch.total,
        "answered": batch.done,
        "normal": batch.normal,
        "errors": batch.error,
    }
