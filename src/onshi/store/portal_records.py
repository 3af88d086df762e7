"""What facilities file in the portal besides applications: prior notifications (事前届出) and
the adoption-intent survey. A newer filing supersedes the facility's earlier ones; none is deleted."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.milestones import Milestone
from onshi.store.dialect import aware_jst
from onshi.store.schema import (
    facilities,
    facility_milestones,
    portal_facilities,
    portal_notifications,
    portal_survey_responses,
)

_N = portal_notifications.c
_R = portal_survey_responses.c


@dataclass(frozen=True, slots=True)
class StoredNotification:
    id: int
    facility_code: str
    category: str
    filed_on: date
    facts: dict[str, Any]
    filed_at: datetime
    filed_by: str
    superseded_at: datetime | None
    approved_at: datetime | None
    approved_by: str | None


def _notification(row: Any) -> StoredNotification:
    return StoredNotification(
        row.id, row.facility_code, row.category, row.filed_on, json.loads(row.facts), aware_jst(row.filed_at),
        row.filed_by, aware_jst(row.superseded_at), aware_jst(row.approved_at), row.approved_by,
    )  # fmt: skip


async def file_notification(
    conn: AsyncConnection,
    facility_code: str,
    category: str,
    filed_on: date,
    facts: dict[str, Any],
    by: str,
    at: datetime,
) -> int:
    await conn.execute(
        update(portal_notifications)
        .where(_N.facility_code == facility_code, _N.superseded_at.is_(None))
        .values(superseded_at=at)
    )
    result = await conn.execute(
        insert(portal_notifications).values(
            facility_code=facility_code, category=category, filed_on=filed_on,
            facts=json.dumps(facts, ensure_ascii=False), filed_at=at, filed_by=by,
        )
    )  # fmt: skip
    (new_id,) = result.inserted_primary_key or (0,)
    return int(new_id)


async def notification(conn: AsyncConnection, notification_id: int) -> StoredNotification | None:
    row = (await conn.execute(select(portal_notifications).where(_N.id == notification_id))).first()
    return _notification(row) if row else None


async def notifications_of(conn: AsyncConnection, facility_code: str) -> list[StoredNotification]:
    query = select(portal_notifications).where(_N.facility_code == facility_code).order_by(_N.id.desc())
    return [_notification(row) for row in await conn.execute(query)]


async def current_notifications(conn: AsyncConnection) -> dict[str, StoredNotification]:
    """Every facility's latest notification, by facility code."""
    query = select(portal_notifications).where(_N.superseded_at.is_(None))
    return {row.facility_code: _notification(row) for row in await conn.execute(query)}


async def approve_notification(conn: AsyncConnection, notification_id: int, by: str, at: datetime) -> bool:
    result = await conn.execute(
        update(portal_notifications)
        .where(_N.id == notification_id, _N.approved_at.is_(None), _N.superseded_at.is_(None))
        .values(approved_at=at, approved_by=by)
    )
    return result.rowcount == 1


@dataclass(frozen=True, slots=True)
class Obligated:
    """What the compliance view needs of a facility (every registered facility, account or not)."""

    code: str
    name: str
    facility_type: str
    prefecture_code: str
    obligated_from: date | None
    operating_since: date | None


async def obligated(conn: AsyncConnection) -> list[Obligated]:
    """Every registered facility, with its operation start: the portal's, else the `operating`
    milestone another source recorded."""
    f, p, m = facilities.c, portal_facilities.c, facility_milestones.c
    query = (
        select(
            f.code,
            f.name,
            f.facility_type,
            f.prefecture_code,
            f.obligated_from,
            p.operating_since,
            m.reached_on,
        )
        .outerjoin(portal_facilities, p.facility_code == f.code)
        .outerjoin(
            facility_milestones, (m.facility_code == f.code) & (m.milestone == Milestone.OPERATING.value)
        )
        .order_by(f.code)
    )
    rows = (await conn.execute(query)).all()  # at once, unpacked by position: 230,000 rows
    return [
        Obligated(code, name, kind, prefecture, obligated_from, operating_since or reached_on)
        for code, name, kind, prefecture, obligated_from, operating_since, reached_on in rows
    ]


# --- the survey ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    facility_code: str
    category: str
    prefecture_code: str
    answer: dict[str, Any]
    answered_at: datetime


async def answer_survey(
    conn: AsyncConnection,
    facility_code: str,
    category: str,
    prefecture_code: str,
    answer: dict[str, Any],
    at: datetime,
) -> None:
    await conn.execute(
        update(portal_survey_responses)
        .where(_R.facility_code == facility_code, _R.superseded_at.is_(None))
        .values(superseded_at=at)
    )
    await conn.execute(
        insert(portal_survey_responses).values(
            facility_code=facility_code, category=category, prefecture_code=prefecture_code,
            answer=json.dumps(answer, ensure_ascii=False), answered_at=at,
        )
    )  # fmt: skip


def _answer(row: Any) -> StoredAnswer:
    return StoredAnswer(
        row.facility_code,
        row.category,
        row.prefecture_code,
        json.loads(row.answer),
        aware_jst(row.answered_at),
    )


async def current_answer(conn: AsyncConnection, facility_code: str) -> StoredAnswer | None:
    query = select(portal_survey_responses).where(
        _R.facility_code == facility_code, _R.superseded_at.is_(None)
    )
    row = (await conn.execute(query)).first()
    return _answer(row) if row else None


async def current_answers(conn: AsyncConnection) -> list[StoredAnswer]:
    query = select(portal_survey_responses).where(_R.superseded_at.is_(None)).order_by(_R.id)
    return [_answer(row) for row in await conn.execute(query)]
