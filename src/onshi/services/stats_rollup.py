"""Rebuilding the monthly usage roll-ups from the audit trail (`onshi stats rebuild`).

A month is always rebuilt whole, from the trail alone, in one transaction: its counts per
facility (onshi.domain.statistics.usage says what counts), and its card users after name
matching (名寄せ) — the distinct (facility, card key) pairs of the month's card confirmations,
each card key resolved to its patient key through the registry's individual keys, then counted
once per facility over the insurer kinds of the utilisation rate. The rebuild is audited
(`stats.rebuild`) in the same transaction. The roll-up is never edited any other way.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.consent_grants import patient_key
from onshi.domain.dates import JST, now_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.insurer import InsurerKind, InsurerNumber
from onshi.domain.portal.values import format_month, months_between, shift_month
from onshi.domain.statistics.usage import MonthlyUsage
from onshi.domain.statistics.utilisation import CardUse, name_matched_users
from onshi.store import stats_rollup
from onshi.store.audit import insert_events
from onshi.store.database import Database
from onshi.store.dialect import aware_jst, is_postgres
from onshi.store.schema import audit_events
from onshi.store.stats import USAGE_FIELDS
from onshi.store.stats_rollup import CardKey, card_key

ACTION = "stats.rebuild"


@dataclass(frozen=True, slots=True)
class RebuiltMonth:
    month: date
    facilities: int  # roll-up rows written
    events: int  # audit events counted
    card_users: int  # 名寄せ users summed over facilities
    seconds: float


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The month's first instant and the next month's, in JST (the trail is written in JST)."""
    start = datetime(month.year, month.month, 1, tzinfo=JST)
    following = shift_month(month, 1)
    return start, datetime(following.year, following.month, 1, tzinfo=JST)


async def trail_months(db: Database) -> tuple[date, ...]:
    """The months from the earliest audit event to the latest (one scan: run with a rebuild of
    everything, which reads the whole trail anyway)."""
    e = audit_events.c
    async with db.read() as conn:
        first, last = (await conn.execute(select(func.min(e.occurred_at), func.max(e.occurred_at)))).one()
    if first is None or last is None:
        return ()
    return months_between(_jst_day(first).replace(day=1), _jst_day(last))


def _jst_day(moment: datetime) -> date:
    return aware_jst(moment).astimezone(JST).date()


async def rebuild(
    db: Database, actor: Actor, months: Sequence[date], progress: Callable[[RebuiltMonth], None] | None = None
) -> list[RebuiltMonth]:
    done = []
    for month in months:
        rebuilt = await rebuild_month(db, actor, month.replace(day=1))
        done.append(rebuilt)
        if progress:
            progress(rebuilt)
    if done:
        async with db.write() as conn:
            await stats_rollup.analyse(conn, "stats_usage_monthly")
    return done


async def rebuild_month(db: Database, actor: Actor, month: date) -> RebuiltMonth:
    started = time.perf_counter()
    start, end = month_bounds(month)
    async with db.engine.connect() as conn:
        if is_postgres(conn):  # both scans see the same trail
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            await stats_rollup.without_jit(conn)
            usage = await stats_rollup.usage_of_month(conn, start, end)
            users = await _card_users(conn, month, start, end)
            rows = _rows(month, usage, users)
            events = sum(u.confirmations + u.batch + u.views_checkup + u.views_medication + u.views_treatment
                         for u in usage.values())  # fmt: skip
            at = now_jst()
            await stats_rollup.replace_month(conn, month, rows, events, at)
            detail = {"month": format_month(month), "facilities": len(rows), "events": events}
            await insert_events(conn, [AuditEvent(actor, ACTION, f"rebuilt:{len(rows)}", detail=detail)])
    return RebuiltMonth(month, len(rows), events, sum(users.values()), time.perf_counter() - started)


async def _card_users(conn: AsyncConnection, month: date, start: datetime, end: datetime) -> dict[str, int]:
    uses = [
        CardUse(facility, month, _patient(subject, individual), _kind(card_key(subject)))
        async for facility, subject, individual in stats_rollup.card_subjects(conn, start, end)
    ]
    return {facility: count for (facility, _), count in name_matched_users(uses).items()}


def _patient(subject: str, individual: str | None) -> str:
    key = card_key(subject)
    if key is None:
        return f"S:{subject}"
    return patient_key(*key, individual)


@cache
def _insurer_kind(digits: str) -> InsurerKind | None:
    try:
        return InsurerNumber.parse(digits).kind
    except InvalidValue:
        return None


def _kind(key: CardKey | None) -> InsurerKind | None:
    return None if key is None else _insurer_kind(key[0])


def _rows(month: date, usage: dict[str, MonthlyUsage], users: dict[str, int]) -> list[dict[str, object]]:
    empty = MonthlyUsage()
    return [
        {"month": month, "facility_code": code,
         **{name: getattr(usage.get(code, empty), name) for name in USAGE_FIELDS},
         "card_users": users.get(code, 0)}
        for code in sorted(usage.keys() | users.keys())
    ]  # fmt: skip
