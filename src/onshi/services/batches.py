"""Batches (一括照会・照会番号一括登録): accepted at once, answered by worker processes.

    batch, created = await submit(db, actor, Upload(BatchKind.INQUIRY, entries, raw, "utf-8", on=day))
    while await work_one(db): ...          # what `onshi worker` runs, in as many processes as wanted
    batch = await find(db, actor, batch.reception_number)
    units = await results(db, batch)       # once batch.status is DONE: one unit per entry, in order

Entries and results are dicts keyed by wire element names (QualificationConfirmSearchInfo /
ReferenceNumberRegistrationInfo in, BulkConfirmUnit / BulkRegistrationUnit out), whatever
route the upload came by. A chunk is answered in one transaction with its audit records:
a worker killed mid-chunk leaves it pending for the next, so every entry gets exactly one
answer and one audit record. An entry's bad keys are that entry's error, never the batch's.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.batch import RECEPTION_RANDOM_DIGITS, BatchKind, reception_number
from onshi.domain.dates import now_jst
from onshi.services.batch_answers import ANSWERERS, Answered, technical_failure
from onshi.store import batches as store
from onshi.store.audit import insert_events
from onshi.store.batches import Batch, ClaimedChunk, Entry, NewBatch, RenderedUnits
from onshi.store.database import Database
from onshi.wire.bulk import unit_fragments
from onshi.wire.messages import MessageKind

log = logging.getLogger(__name__)
SUBMIT_ACTION = "batch.submit"


@dataclass(frozen=True, slots=True)
class Upload:
    kind: BatchKind
    entries: list[Entry]
    request: bytes  # the upload as received: its digest makes a resubmission the same batch
    encoding: str
    arbitrary_file_identifier: str | None = None
    on: date | None = None  # 資格確認日 of an inquiry


async def submit(db: Database, actor: Actor, upload: Upload) -> tuple[Batch, bool]:
    """The batch for an upload and whether it is new; a repeated upload is the same batch."""
    received_at = now_jst()
    new = NewBatch(
        reception_number=reception_number(received_at, secrets.randbelow(10**RECEPTION_RANDOM_DIGITS)),
        actor=actor,
        kind=upload.kind,
        request_digest=hashlib.sha256(upload.request).hexdigest(),
        request=upload.request,
        encoding=upload.encoding,
        received_at=received_at,
        arbitrary_file_identifier=upload.arbitrary_file_identifier,
        confirmation_date=upload.on,
    )
    async with db.write() as conn:
        batch, created = await store.create(conn, new, upload.entries)
        detail = {"reception_number": batch.reception_number, "entries": batch.total}
        event = AuditEvent(actor, SUBMIT_ACTION, "accepted" if created else "duplicate", detail=detail)
        await insert_events(conn, [event])
    return batch, created


async def find(
    db: Database, actor: Actor, reception_number: str, kind: BatchKind | None = None
) -> Batch | None:
    async with db.read() as conn:
        return await store.find(conn, actor.id, reception_number, kind)


async def results(db: Database, batch: Batch) -> list[Entry]:
    async with db.read() as conn:
        return await store.results(conn, batch.id)


async def rendered_results(db: Database, batch: Batch) -> list[RenderedUnits] | None:
    """A done batch's units as result-file text, chunk by chunk (None when some chunk lacks it)."""
    async with db.read() as conn:
        return await store.rendered_results(conn, batch.id)


async def work_one(db: Database) -> bool:
    """Answer the oldest pending chunk; False when there was none.

    A chunk whose answering fails for a reason other than the database is rolled back and
    completed with technical-failure units (not a verdict on coverage) instead of being
    retried for ever; a database failure leaves it pending for the next try."""
    try:
        async with db.write() as conn:
            chunk = await store.claim(conn)
            if chunk is None:
                return False
            at = now_jst()
            try:
                answered = await ANSWERERS[chunk.batch.kind](conn, chunk, at)
            except SQLAlchemyError:
                raise
            except Exception as error:
                log.exception(
                    "batch %s chunk %s could not be answered", chunk.batch.reception_number, chunk.id
                )
                raise _Abandoned(chunk.id) from error
            await _complete(conn, chunk, answered, at)
    except _Abandoned as abandoned:
        async with db.write() as conn:
            chunk = await store.claim(conn, abandoned.chunk_id)
            if chunk is not None:
                at = now_jst()
                await _complete(conn, chunk, technical_failure(chunk, at), at)
    return True


class _Abandoned(Exception):
    def __init__(self, chunk_id: int) -> None:
        super().__init__(chunk_id)
        self.chunk_id = chunk_id


async def _complete(conn: AsyncConnection, chunk: ClaimedChunk, answered: Answered, at: datetime) -> None:
    await insert_events(conn, answered.events)
    rendered = _rendered(chunk, answered.units)
    await store.complete(conn, chunk, answered.units, answered.normal, at, answered.state, rendered)


# The kinds whose result files are joined from units rendered here, in the workers (their
# units map one to one onto the file's; criteria and registration files are built whole).
RENDERED_KINDS = {BatchKind.INQUIRY: MessageKind.BULK_INQUIRY_RESULT}


def _rendered(chunk: ClaimedChunk, units: list[Entry]) -> RenderedUnits | None:
    kind = RENDERED_KINDS.get(chunk.batch.kind)
    if kind is None:
        return None
    try:
        fragments = unit_fragments(units, kind)
    except Exception:  # the download builds the file from the units and fails there, as before
        log.exception("batch %s chunk %s: units not rendered", chunk.batch.reception_number, chunk.id)
        return None
    return RenderedUnits(fragments.xml, fragments.normal, fragments.errors)
