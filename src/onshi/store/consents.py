"""Consent grants: inserted when given, withdrawn (once) when the patient says so — never deleted."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.consent import ConsentContext, ConsentItem
from onshi.domain.consent_grants import ConsentGrant
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import MemberKey
from onshi.store.cards import person_columns
from onshi.store.dialect import aware_jst
from onshi.store.schema import consent_grants

_T = consent_grants.c


def _items(text: str) -> frozenset[ConsentItem]:
    return frozenset(ConsentItem(value) for value in text.split(",") if value)


def to_grant(row: Any) -> ConsentGrant:
    return ConsentGrant(
        id=row.id,
        patient=row.patient_key,
        facility_code=row.facility_code,
        context=ConsentContext(row.context),
        items=_items(row.items),
        given_at=aware_jst(row.given_at),
        first_visit=row.first_visit,
        withdrawn_at=aware_jst(row.withdrawn_at),
    )


async def insert_grant(
    conn: AsyncConnection,
    *,
    patient: str,
    facility_code: str,
    context: ConsentContext,
    items: frozenset[ConsentItem],
    given_at: datetime,
    first_visit: date,
    channel: str,
    member: MemberKey,
) -> ConsentGrant:
    values = {
        "patient_key": patient,
        "facility_code": facility_code,
        "context": context.value,
        "items": ",".join(sorted(item.value for item in items)),
        "given_at": given_at,
        "first_visit": first_visit,
        "channel": channel,
        **person_columns(member),
    }
    new_id = (await conn.execute(insert(consent_grants).values(values).returning(_T.id))).scalar_one()
    grant = await get(conn, int(new_id))
    assert grant is not None
    return grant


async def get(conn: AsyncConnection, grant_id: int) -> ConsentGrant | None:
    row = (await conn.execute(select(consent_grants).where(_T.id == grant_id))).first()
    return to_grant(row) if row else None


async def of_patient(
    conn: AsyncConnection, patient: str, facility_code: str | None = None
) -> list[ConsentGrant]:
    """The patient's grants (to one facility, or to all), oldest first."""
    query = select(consent_grants).where(_T.patient_key == patient)
    if facility_code is not None:
        query = query.where(_T.facility_code == facility_code)
    return [to_grant(row) for row in await conn.execute(query.order_by(_T.given_at, _T.id))]


async def member_of(conn: AsyncConnection, grant_id: int) -> MemberKey | None:
    """The card key the patient was confirmed with when the grant was given."""
    row = (
        await conn.execute(
            select(_T.insurer_number, _T.symbol, _T.number, _T.branch).where(_T.id == grant_id)
        )
    ).first()
    if row is None:
        return None
    return MemberKey(InsurerNumber.parse(row.insurer_number), row.symbol, row.number, row.branch or None)


async def withdraw(
    conn: AsyncConnection, patient: str, at: datetime, by: str, grant_id: int | None = None
) -> list[int]:
    """Withdraw the patient's live grants (one, or all); the ids withdrawn now."""
    statement = update(consent_grants).where(_T.patient_key == patient, _T.withdrawn_at.is_(None))
    if grant_id is not None:
        statement = statement.where(_T.id == grant_id)
    result = await conn.execute(statement.values(withdrawn_at=at, withdrawn_by=by).returning(_T.id))
    return sorted(int(row_id) for row_id in result.scalars())
