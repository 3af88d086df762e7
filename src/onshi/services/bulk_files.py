"""The two-step bulk exchanges of the file interface (wire-spec.md §6–7) over batches:

* `OQSmuquc01req` (一括照会) / `OQSmuimm01req` (照会番号一括登録) / `OQSmutic01req` (医療扶助一括照会,
  by treatment month: one unit per recipient, onshi.services.medical_aid_batch) → a batch is accepted and the
  …01res receipt carries its ReceptionNumber (受付番号); the same file uploaded again gets
  the same receipt and creates nothing;
* `…02req` with that ReceptionNumber → `…02res`: SegmentOfResult 2 (処理中) while workers are
  on it, then one unit per entry, in upload order, with the header's counts.

A ReceptionNumber is looked up among the caller's own batches only: another facility's is
"unknown" (ONSE9103), never its results.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from typing import Any

from onshi import wire
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.batch import CRITERIA_KINDS, BatchKind, BatchStatus
from onshi.domain.dates import format_wire_date, format_wire_datetime, parse_wire_date
from onshi.services import batches
from onshi.services.batch_answers import ECHO_NAMES
from onshi.services.file_answers import Answer, Handler, file_error, result_header, wire_error
from onshi.store.audit import AuditLog
from onshi.store.batches import Batch, Entry, RenderedUnits
from onshi.store.database import Database
from onshi.wire.bulk import (
    bulk_result_document,
    bulk_result_header,
    in_progress_document,
    joined_result_xml,
    receipt_document,
)
from onshi.wire.result_codes import FACILITY_MISMATCH, RECEPTION_NUMBER_UNKNOWN

K = wire.MessageKind
DOWNLOAD_ACTION = "batch.download"


@dataclass(frozen=True, slots=True)
class BulkFamily:
    kind: BatchKind
    upload: wire.MessageKind
    receipt: wire.MessageKind
    download: wire.MessageKind
    result: wire.MessageKind
    unit_name: str  # the repeated element of the result's MessageBody

    @property
    def entry_name(self) -> str:
        """The repeated element of the upload's MessageBody (each unit echoes it)."""
        return ECHO_NAMES[self.kind]


INQUIRY = BulkFamily(
    BatchKind.INQUIRY,
    K.BULK_INQUIRY_REQUEST,
    K.BULK_INQUIRY_RECEIPT,
    K.BULK_INQUIRY_DOWNLOAD_REQUEST,
    K.BULK_INQUIRY_RESULT,
    "BulkConfirmUnit",
)
MEDICAL_AID = BulkFamily(
    BatchKind.MEDICAL_AID,
    K.MEDICAL_AID_INQUIRY_REQUEST,
    K.MEDICAL_AID_INQUIRY_RECEIPT,
    K.MEDICAL_AID_INQUIRY_DOWNLOAD_REQUEST,
    K.MEDICAL_AID_INQUIRY_RESULT,
    "BulkConfirmUnit",
)
REGISTRATIONS = BulkFamily(
    BatchKind.REFERENCE_NUMBERS,
    K.BULK_REFERENCE_NUMBER_REQUEST,
    K.BULK_REFERENCE_NUMBER_RECEIPT,
    K.BULK_REFERENCE_NUMBER_DOWNLOAD_REQUEST,
    K.BULK_REFERENCE_NUMBER_RESULT,
    "BulkRegistrationUnit",
)


def texts(value: Any) -> Any:
    """A parsed entry with every value as the text the file carried (stored as JSON, echoed)."""
    if isinstance(value, dict):
        return {k: texts(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [texts(v) for v in value]
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, datetime):
        return format_wire_datetime(value)
    if isinstance(value, date):
        return format_wire_date(value)
    return str(value)


async def upload(family: BulkFamily, db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
    """…01req → …01res with the ReceptionNumber."""
    try:
        parsed = wire.parse(data, family.upload)
    except wire.WireError as error:
        return await wire_error(audit, actor, family.upload, data, error, batches.SUBMIT_ACTION)
    header = parsed.document["MessageHeader"]
    identifier = header.get("ArbitraryFileIdentifier")
    if header["MedicalInstitutionCode"] != actor.id:
        return await file_error(
            audit,
            actor,
            family.upload,
            FACILITY_MISMATCH,
            None,
            identifier,
            parsed.encoding,
            batches.SUBMIT_ACTION,
        )
    listed = parsed.document["MessageBody"][family.entry_name]
    # A criteria upload (OQSmutic) holds one search element, not a list of persons.
    entries: list[Entry] = [texts(entry) for entry in (listed if isinstance(listed, list) else [listed])]
    raw_on = header.get("QualificationConfirmationDate")  # checked by the codec
    on = parse_wire_date(raw_on) if raw_on else None
    batch, _ = await batches.submit(
        db, actor, batches.Upload(family.kind, entries, data, parsed.encoding, identifier, on)
    )
    h = result_header(actor, identifier, parsed.encoding)
    document = receipt_document(family.receipt, h, batch.reception_number, batch.received_at)
    return Answer(document, family.receipt, parsed.encoding, 200)


async def download(family: BulkFamily, db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
    """…02req → …02res: in progress, or every unit."""
    try:
        parsed = wire.parse(data, family.download)
    except wire.WireError as error:
        return await wire_error(audit, actor, family.download, data, error, DOWNLOAD_ACTION)
    header = parsed.document["MessageHeader"]
    identifier = header.get("ArbitraryFileIdentifier")
    reception_number = parsed.document["MessageBody"]["ReceptionNumber"]
    batch = None
    if header["MedicalInstitutionCode"] == actor.id:
        batch = await batches.find(db, actor, reception_number, family.kind)
    if batch is None:
        refusal = (
            FACILITY_MISMATCH if header["MedicalInstitutionCode"] != actor.id else RECEPTION_NUMBER_UNKNOWN
        )
        return await file_error(
            audit, actor, family.download, refusal, None, identifier, parsed.encoding, DOWNLOAD_ACTION
        )
    await _viewed(audit, actor, batch)
    if batch.status is BatchStatus.DONE and family.kind in batches.RENDERED_KINDS:
        parts = await batches.rendered_results(db, batch)
        if parts is not None:
            return _joined(family, actor, batch, parts, parsed.encoding)
    units = await batches.results(db, batch) if batch.status is BatchStatus.DONE else None
    document = result_document(family, actor, batch, units, parsed.encoding)
    return Answer(document, family.result, parsed.encoding, 200)


async def viewed_results(db: Database, audit: AuditLog, actor: Actor, batch: Batch) -> list[Entry] | None:
    """A batch's units once it is done (None while 処理中); every look is audited."""
    await _viewed(audit, actor, batch)
    return await batches.results(db, batch) if batch.status is BatchStatus.DONE else None


async def _viewed(audit: AuditLog, actor: Actor, batch: Batch) -> None:
    detail = {"reception_number": batch.reception_number}
    await audit.record(AuditEvent(actor, DOWNLOAD_ACTION, batch.status.value, detail=detail))


def _joined(
    family: BulkFamily, actor: Actor, batch: Batch, parts: list[RenderedUnits], encoding: str
) -> Answer:
    """The …02res of a done batch from the units its workers rendered: the same bytes as
    `result_document`'s file, without building 10,000 units' tree on download."""
    h = result_header(actor, batch.arbitrary_file_identifier, encoding, batch.confirmation_date)
    counts = (batch.total, sum(p.normal for p in parts), sum(p.errors for p in parts))
    header = bulk_result_header(family.result, h, batch.reception_number, counts)
    xml = joined_result_xml(family.result, header, [p.xml for p in parts], encoding, family.unit_name)
    return Answer({"MessageHeader": header}, family.result, encoding, 200, xml)


def result_document(
    family: BulkFamily, actor: Actor, batch: Batch, units: list[Entry] | None, encoding: str
) -> dict[str, Any]:
    """The …02res of a batch: in progress (units None), or every unit with the counts."""
    h = result_header(actor, batch.arbitrary_file_identifier, encoding, batch.confirmation_date)
    if units is None:
        return in_progress_document(family.result, h, batch.reception_number)
    if family.kind in CRITERIA_KINDS:
        units = [unit for answer in units for unit in answer.get(family.unit_name, [answer])]
    return bulk_result_document(family.result, h, batch.reception_number, units, family.unit_name)


def _handlers(family: BulkFamily) -> dict[wire.MessageKind, Handler]:
    async def on_upload(db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
        return await upload(family, db, audit, actor, data)

    async def on_download(db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
        return await download(family, db, audit, actor, data)

    return {family.upload: on_upload, family.download: on_download}


HANDLERS: dict[wire.MessageKind, Handler] = {
    **_handlers(INQUIRY),
    **_handlers(REGISTRATIONS),
    **_handlers(MEDICAL_AID),
}
