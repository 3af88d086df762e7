"""Clinical records: stored by the import, read only through a ViewPermit.

`page` is the one read of records: it takes a permit (onshi.domain.clinical_access), so the
consent decision is made before the query exists, and the query can return nothing but the
permit's patient, kind and period — newest first.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from datetime import date
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.clinical import Checkup, ClinicalRecord, GuidanceLevel, Medication, Procedure, RecordKind
from onshi.domain.clinical_access import ViewPermit
from onshi.domain.dates import month_start
from onshi.store.dialect import dialect_insert
from onshi.store.schema import (
    CHECKUP_MEASUREMENTS,
    clinical_checkups,
    clinical_medications,
    clinical_procedures,
)

_NATURAL = {
    "clinical_medications": ["patient_key", "occurred_on", "facility_code", "drug_code", "usage"],
    "clinical_procedures": ["patient_key", "kind", "occurred_on", "facility_code", "code"],
    "clinical_checkups": ["patient_key", "occurred_on", "facility_code"],
}


def _table(kind: RecordKind) -> Table:
    if kind is RecordKind.MEDICATION:
        return clinical_medications
    return clinical_checkups if kind is RecordKind.CHECKUP else clinical_procedures


def _row(patient: str, record: ClinicalRecord, import_id: int | None) -> dict[str, Any]:
    values = asdict(record)
    values["occurred_on"] = values.pop("on")
    if isinstance(record, Procedure):
        values["kind"] = record.kind.value
    if isinstance(record, Checkup) and record.guidance is not None:
        values["guidance"] = record.guidance.value
    return {"patient_key": patient, "import_id": import_id, **values}


async def insert(
    conn: AsyncConnection, rows: Sequence[tuple[str, ClinicalRecord]], import_id: int | None
) -> int:
    """Store records (patient key, record); a record already stored is kept as it was. Returns
    how many were new."""
    added = 0
    for table in (clinical_medications, clinical_procedures, clinical_checkups):
        batch = [_row(p, r, import_id) for p, r in rows if _table(_kind(r)) is table]
        if not batch:
            continue
        statement = (
            dialect_insert(conn, table)
            .on_conflict_do_nothing(index_elements=_NATURAL[table.name])
            .returning(table.c.id)
        )
        for row in batch:  # one statement each: RETURNING tells which rows were new
            added += len((await conn.execute(statement, row)).all())
    return added


def _kind(record: ClinicalRecord) -> RecordKind:
    if isinstance(record, Medication):
        return RecordKind.MEDICATION
    return record.kind if isinstance(record, Procedure) else RecordKind.CHECKUP


async def page(
    conn: AsyncConnection, permit: ViewPermit, offset: int, limit: int
) -> tuple[list[ClinicalRecord], int]:
    """The permit's records, newest first, and how many there are in all."""
    table = _table(permit.kind)
    where = [
        table.c.patient_key == permit.patient,
        table.c.occurred_on >= permit.since,
        table.c.occurred_on <= permit.on,
    ]
    if table is clinical_procedures:
        where.append(table.c.kind == permit.kind.value)
    total = (await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one()
    query = select(table).where(*where).order_by(table.c.occurred_on.desc(), table.c.id.desc())
    rows = (await conn.execute(query.offset(offset).limit(limit))).mappings()
    return [_record(permit.kind, row) for row in rows], int(total)


def _record(kind: RecordKind, row: Any) -> ClinicalRecord:
    site = (row["occurred_on"], row["facility_code"], row["facility_name"])
    if kind is RecordKind.MEDICATION:
        return Medication(
            *site, row["drug_code"], row["drug_name"], row["quantity"], row["unit"], row["days"], row["usage"]
        )
    if kind is RecordKind.CHECKUP:
        values = {name: row[name] for name, _ in CHECKUP_MEASUREMENTS}
        guidance = values.pop("guidance")
        return Checkup(*site, **values, guidance=GuidanceLevel(guidance) if guidance else None)
    return Procedure(kind, *site, row["code"], row["name"], row["quantity"])


async def care_months(conn: AsyncConnection, facility_code: str, patient: str, since: date) -> list[date]:
    """Months (their first days) in which the facility's claims show care for the patient."""
    query = (
        select(clinical_procedures.c.occurred_on)
        .distinct()
        .where(
            clinical_procedures.c.facility_code == facility_code,
            clinical_procedures.c.patient_key == patient,
            clinical_procedures.c.occurred_on >= since,
        )
    )
    return sorted({month_start(day) for day in (await conn.execute(query)).scalars()})


async def purge(conn: AsyncConnection, today: date) -> dict[str, int]:
    """Delete records older than the system keeps them (RecordKind.depth_years); how many of
    each kind went."""
    removed: dict[str, int] = {}
    for kind in RecordKind:
        table = _table(kind)
        statement = delete(table).where(table.c.occurred_on < kind.earliest_shown(today))
        if table is clinical_procedures:
            statement = statement.where(table.c.kind == kind.value)
        removed[kind.value] = (await conn.execute(statement)).rowcount
    return removed
