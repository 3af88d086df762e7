"""Where each facility's onboarding stands, the applications the operator reviews, and the
connection tests (onshi.domain.portal.onboarding holds the rules).

A stage moves by a conditional UPDATE (`… WHERE stage = <the stage the rule was applied to>`):
two concurrent requests cannot both move the same facility from the same stage.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.facility import FacilityType
from onshi.domain.portal.onboarding import Onboarding, Stage
from onshi.store.dialect import aware_jst
from onshi.store.schema import facilities, portal_applications, portal_connection_tests, portal_facilities

PENDING, APPROVED, RETURNED = "pending", "approved", "returned"
_F = portal_facilities.c
_A = portal_applications.c


async def onboarding_of(conn: AsyncConnection, facility_code: str) -> Onboarding | None:
    query = select(_F.stage, _F.connected_on, _F.operating_since).where(_F.facility_code == facility_code)
    row = (await conn.execute(query)).first()
    return Onboarding(Stage(row.stage), row.connected_on, row.operating_since) if row else None


async def move(
    conn: AsyncConnection, facility_code: str, before: Onboarding, after: Onboarding, at: datetime
) -> bool:
    """Store `after` if the facility is still at `before`'s stage; False when it moved meanwhile."""
    result = await conn.execute(
        update(portal_facilities)
        .where(_F.facility_code == facility_code, _F.stage == before.stage.value)
        .values(
            stage=after.stage.value,
            stage_since=at if after.stage is not before.stage else _F.stage_since,
            connected_on=after.connected_on,
            operating_since=after.operating_since,
        )
    )
    return result.rowcount == 1


async def set_obligated_from(conn: AsyncConnection, facility_code: str, day: date | None) -> None:
    """facilities.obligated_from: the day the obligation to confirm online applies (NULL: not obligated)."""
    await conn.execute(
        update(facilities).where(facilities.c.code == facility_code).values(obligated_from=day)
    )


# --- listings ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacilityRow:
    code: str
    name: str
    facility_type: FacilityType
    prefecture_code: str
    stage: Stage
    stage_since: datetime
    operating_since: date | None
    corporation_login: str | None
    obligated_from: date | None


def _listing_query() -> Any:
    return select(
        _F.facility_code, facilities.c.name, facilities.c.facility_type, facilities.c.prefecture_code, _F.stage,
        _F.stage_since, _F.operating_since, _F.corporation_login, facilities.c.obligated_from,
    ).join(facilities, facilities.c.code == _F.facility_code)  # fmt: skip


def _row(row: Any) -> FacilityRow:
    return FacilityRow(
        row.facility_code, row.name, FacilityType(row.facility_type), row.prefecture_code, Stage(row.stage),
        aware_jst(row.stage_since), row.operating_since, row.corporation_login, row.obligated_from,
    )  # fmt: skip


async def facility_row(conn: AsyncConnection, facility_code: str) -> FacilityRow | None:
    row = (await conn.execute(_listing_query().where(_F.facility_code == facility_code))).first()
    return _row(row) if row else None


async def listing(
    conn: AsyncConnection,
    codes: Collection[str] | None = None,
    stage: Stage | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[FacilityRow]:
    """Facilities with an account (`codes`: only these), by code."""
    query = _listing_query()
    if codes is not None:
        query = query.where(_F.facility_code.in_(sorted(codes)))
    if stage is not None:
        query = query.where(_F.stage == stage.value)
    rows = await conn.execute(query.order_by(_F.facility_code).limit(limit).offset(offset))
    return [_row(row) for row in rows]


async def stage_counts(conn: AsyncConnection, codes: Collection[str] | None = None) -> dict[Stage, int]:
    query = select(_F.stage, func.count()).group_by(_F.stage)
    if codes is not None:
        query = query.where(_F.facility_code.in_(sorted(codes)))
    counted = {Stage(stage): int(n) for stage, n in await conn.execute(query)}
    return {stage: counted.get(stage, 0) for stage in Stage}


# --- applications --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationRecord:
    id: int
    facility_code: str
    kind: str
    status: str
    details: dict[str, Any]
    submitted_at: datetime
    submitted_by: str
    decided_at: datetime | None
    decided_by: str | None
    return_reason: str | None
    program: str | None = None
    grant_yen: int | None = None
    evaluation: dict[str, Any] | None = None
    facility_name: str = ""


def _application(row: Any) -> ApplicationRecord:
    return ApplicationRecord(
        row.id, row.facility_code, row.kind, row.status, json.loads(row.details), aware_jst(row.submitted_at),
        row.submitted_by, aware_jst(row.decided_at), row.decided_by, row.return_reason, row.program,
        row.grant_yen, json.loads(row.evaluation) if row.evaluation else None, row.name or "",
    )  # fmt: skip


def _applications_query() -> Any:
    return select(portal_applications, facilities.c.name).outerjoin(
        facilities, facilities.c.code == _A.facility_code
    )


async def add_application(
    conn: AsyncConnection,
    facility_code: str,
    kind: str,
    details: dict[str, Any],
    submitted_by: str,
    at: datetime,
    *,
    program: str | None = None,
    grant_yen: int | None = None,
    evaluation: dict[str, Any] | None = None,
) -> int:
    result = await conn.execute(
        insert(portal_applications).values(
            facility_code=facility_code, kind=kind, status=PENDING,
            details=json.dumps(details, ensure_ascii=False), program=program, grant_yen=grant_yen,
            evaluation=json.dumps(evaluation, ensure_ascii=False) if evaluation is not None else None,
            submitted_at=at, submitted_by=submitted_by,
        )
    )  # fmt: skip
    (new_id,) = result.inserted_primary_key or (0,)
    return int(new_id)


async def application(conn: AsyncConnection, application_id: int) -> ApplicationRecord | None:
    row = (await conn.execute(_applications_query().where(_A.id == application_id))).first()
    return _application(row) if row else None


async def decide(
    conn: AsyncConnection, application_id: int, status: str, by: str, at: datetime, reason: str | None
) -> bool:
    """Approve or return a pending application; False when it was decided meanwhile."""
    result = await conn.execute(
        update(portal_applications)
        .where(_A.id == application_id, _A.status == PENDING)
        .values(status=status, decided_by=by, decided_at=at, return_reason=reason)
    )
    return result.rowcount == 1


async def applications(
    conn: AsyncConnection,
    *,
    status: str | None = None,
    kinds: Collection[str] | None = None,
    facility_code: str | None = None,
    limit: int = 200,
    offset: int = 0,
) -> list[ApplicationRecord]:
    query = _applications_query()
    if status is not None:
        query = query.where(_A.status == status)
    if kinds is not None:
        query = query.where(_A.kind.in_(sorted(kinds)))
    if facility_code is not None:
        query = query.where(_A.facility_code == facility_code)
    order = _A.submitted_at.asc() if status == PENDING else _A.submitted_at.desc()
    rows = await conn.execute(query.order_by(order, _A.id).limit(limit).offset(offset))
    return [_application(row) for row in rows]


# --- connection tests ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionTest:
    certificate_serial: str
    tested_at: datetime


async def record_test(conn: AsyncConnection, facility_code: str, serial: str, at: datetime) -> None:
    await conn.execute(
        insert(portal_connection_tests).values(
            facility_code=facility_code, certificate_serial=serial, tested_at=at
        )
    )


async def connection_tests(
    conn: AsyncConnection, facility_code: str, limit: int = 20
) -> list[ConnectionTest]:
    t = portal_connection_tests.c
    query = select(t.certificate_serial, t.tested_at).where(t.facility_code == facility_code)
    rows = await conn.execute(query.order_by(t.tested_at.desc()).limit(limit))
    return [ConnectionTest(row.certificate_serial, aware_jst(row.tested_at)) for row in rows]
