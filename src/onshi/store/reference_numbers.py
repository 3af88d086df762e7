"""照会番号 (reference numbers): a facility's own patient ID for a person."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.qualification import MemberKey
from onshi.store.cards import person_columns
from onshi.store.dialect import restrict_to_keys, upsert
from onshi.store.schema import reference_numbers

_KEY = ("facility_code", "insurer_number", "symbol", "number", "branch")
_CHUNK = 5000


async def save(
    conn: AsyncConnection, facility_code: str, entries: Sequence[tuple[MemberKey, str]], at: datetime
) -> None:
    """Register or replace reference numbers: one per facility and person, the newest wins."""
    rows = [
        {"facility_code": facility_code, **person_columns(key), "reference_number": ref, "registered_at": at}
        for key, ref in entries
    ]
    statement = upsert(conn, reference_numbers, _KEY, ("reference_number", "registered_at"))
    for start in range(0, len(rows), _CHUNK):
        await conn.execute(statement, rows[start : start + _CHUNK])


async def lookup(conn: AsyncConnection, facility_code: str, person: MemberKey) -> str | None:
    columns = person_columns(person)
    query = select(reference_numbers.c.reference_number).where(
        reference_numbers.c.facility_code == facility_code,
        *(reference_numbers.c[name] == value for name, value in columns.items()),
    )
    value = (await conn.execute(query)).scalar_one_or_none()
    return str(value) if value is not None else None


async def lookup_many(
    conn: AsyncConnection, facility_code: str, people: Sequence[MemberKey]
) -> dict[MemberKey, str]:
    """The facility's reference numbers of those `people` who have one (one query)."""
    if not people:
        return {}
    wanted = {tuple(person_columns(person).values()): person for person in people}
    columns = [reference_numbers.c[name] for name in _KEY[1:]]
    query = select(*columns, reference_numbers.c.reference_number).where(
        reference_numbers.c.facility_code == facility_code
    )
    query = restrict_to_keys(conn, query, columns, list(wanted))
    return {wanted[tuple(row[:4])]: row[4] for row in await conn.execute(query)}
