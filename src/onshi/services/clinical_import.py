"""Loading a clinical-information feed (docs/clinical-feed.md): rows → patients → records.

Each row's card key and birth date must name a person the registry knows (in any period);
the record is stored under that person's patient key, so it follows them across insurers.
A row naming no one is rejected with its line, like a bad cell; the other rows load. The
same file loaded twice adds nothing the second time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.clinical import ClinicalRecord, RecordKind
from onshi.domain.errors import InvalidValue, Problem
from onshi.feeds._block import RejectedRow
from onshi.feeds.clinical_csv import ClinicalRow, Holder, parse_csv
from onshi.services.consents import patient_of
from onshi.services.insurer_import import ImportReport, import_rows
from onshi.store import clinical, qualifications
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.schema import import_rejections

ACTION = "clinical.import"
CHUNK_ROWS = 1000


async def import_clinical(
    db: Database,
    audit: AuditLog,
    feed: str,
    lines: Iterable[str],
    actor: Actor,
    source: str,
    allowed_insurers: Collection[str] | None = None,
) -> ImportReport:
    """Raises FeedFormatError (before anything is recorded) when the header is unusable."""

    async def load(conn: AsyncConnection, report: ImportReport, chunk: list[Any]) -> None:
        await _load(conn, report, chunk, allowed_insurers)

    return await import_rows(
        db, audit, actor, f"{feed}:{source}", parse_csv(feed, lines), load, ACTION, CHUNK_ROWS
    )


async def _load(
    conn: AsyncConnection,
    report: ImportReport,
    chunk: list[ClinicalRow | RejectedRow],
    allowed: Collection[str] | None,
) -> None:
    patients: dict[Holder, str | None] = {}
    accepted: list[tuple[str, ClinicalRecord]] = []
    rejected = [row for row in chunk if isinstance(row, RejectedRow)]
    for row in chunk:
        if isinstance(row, RejectedRow):
            continue
        if allowed is not None and row.holder.insurer_number.digits not in allowed:
            rejected.append(RejectedRow(row.line, (_not_yours(row.holder),)))
            continue
        if row.holder not in patients:
            patients[row.holder] = await _patient(conn, row.holder)
        patient = patients[row.holder]
        if patient is None:
            rejected.append(RejectedRow(row.line, (_unknown(),)))
            continue
        accepted.append((patient, row.record))
    added = await clinical.insert(conn, accepted, report.import_id)
    rejected.sort(key=lambda r: r.line)
    if rejected:
        values = [
            {
                "import_id": report.import_id,
                "line": r.line,
                "reason_ja": r.reason_ja,
                "reason_en": r.reason_en,
            }
            for r in rejected
        ]
        await conn.execute(insert(import_rejections), values)
    report.total += len(chunk)
    report.loaded += added
    report.unchanged += len(accepted) - added
    report.rejected.extend(rejected)


async def _patient(conn: AsyncConnection, holder: Holder) -> str | None:
    """The patient key of the one person under the card number with this birth date (and 枝番,
    when given), whatever their periods; None when no one, or more than one, matches."""
    family = await qualifications.family(conn, holder.insurer_number, holder.symbol, holder.number)
    matching = [
        q for q in family if q.birthdate == holder.birthdate and holder.branch in (None, q.key.branch)
    ]
    if len({q.key for q in matching}) != 1:
        return None
    newest = max(matching, key=lambda q: q.qualification_date)
    return patient_of(newest)


def _unknown() -> InvalidValue:
    return InvalidValue(
        "patient", Problem.UNKNOWN_CODE,
        "該当する被保険者がいません（保険者番号・記号・番号・枝番・生年月日）",
        "no insured person has these numbers and birth date",
    )  # fmt: skip


def _not_yours(holder: Holder) -> InvalidValue:
    digits = holder.insurer_number.digits
    return InvalidValue(
        "insurer_number", Problem.INCONSISTENT,
        f"保険者番号 {digits} のデータは登録できません", f"this caller may not load data for insurer {digits}",
    )  # fmt: skip


PURGE_ACTION = "clinical.purge"


async def purge_expired(db: Database, audit: AuditLog, actor: Actor, today: date) -> dict[str, int]:
    """Delete what is older than the system keeps (medication and treatment 3 years, surgery
    and checkups 5 years), with an audit record of how much went."""
    async with db.write() as conn:
        removed = await clinical.purge(conn, today)
    detail = {
        "before": {kind.value: kind.earliest_shown(today).isoformat() for kind in RecordKind},
        **removed,
    }
    await audit.record(AuditEvent(actor, PURGE_ACTION, f"removed:{sum(removed.values())}", detail=detail))
    return removed
