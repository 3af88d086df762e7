"""Reading one month of the audit trail for the roll-up, and replacing the month's rows.

The counting rules are onshi.domain.statistics.usage's; this module only turns them into SQL
(one grouped scan of the month, found by the `occurred_at` index) and writes the result."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ColumnElement, and_, case, cast, delete, func, insert, or_, select, text, true
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import ActorKind
from onshi.domain.statistics.usage import (
    BATCH_ACTION,
    CARD_ACTION,
    NUMBER_ACTIONS,
    SHOWN_OUTCOMES,
    SMARTPHONE,
    VERDICT_PREFIX,
    VIEW_ACTION,
    VIEW_KIND_OF_RECORD,
    MonthlyUsage,
    ViewKind,
)
from onshi.store.dialect import insert_many, is_postgres, restrict_to_keys
from onshi.store.schema import audit_events, qualifications, stats_months, stats_usage_monthly
from onshi.store.stats import USAGE_FIELDS

_A = audit_events.c
CardKey = tuple[str, str, str, str]  # insurer number, symbol, number, branch ('' for none)
KEY_CHUNK = 20_000


def _detail_text(conn: AsyncConnection, key: str) -> ColumnElement[Any]:
    """A top-level string of the event's JSON detail."""
    if is_postgres(conn):
        return func.json_extract_path_text(cast(_A.detail, JSON), key)
    return func.json_extract(_A.detail, f"$.{key}")


def _month_events(start: datetime, end: datetime, actions: Sequence[str]) -> ColumnElement[bool]:
    return and_(
        _A.occurred_at >= start,
        _A.occurred_at < end,
        _A.actor_kind == ActorKind.FACILITY.value,
        _A.action.in_(list(actions)),
    )


def _count(condition: ColumnElement[bool], then: ColumnElement[bool] | None = None) -> Any:
    """SUM of 1 where `condition` (and then `then`, evaluated only where `condition` holds: the
    JSON of a detail is parsed only for the events that need it)."""
    inner: Any = 1 if then is None else case((then, 1), else_=0)
    return func.coalesce(func.sum(case((condition, inner), else_=0)), 0)


async def usage_of_month(conn: AsyncConnection, start: datetime, end: datetime) -> dict[str, MonthlyUsage]:
    verdict = _A.outcome.like(f"{VERDICT_PREFIX}%")
    card = and_(_A.action == CARD_ACTION, verdict)
    shown = and_(_A.action == VIEW_ACTION, _A.outcome.in_(SHOWN_OUTCOMES))
    kind = _detail_text(conn, "kind")

    def viewed(view: ViewKind) -> Any:
        records = [record.value for record, counted in VIEW_KIND_OF_RECORD.items() if counted is view]
        return _count(shown, kind.in_(records))

    counted = {
        "card": _count(card),
        "card_smartphone": _count(card, _detail_text(conn, "form_factor") == SMARTPHONE),
        "numbers": _count(and_(_A.action.in_(list(NUMBER_ACTIONS)), verdict)),
        "batch": _count(and_(_A.action == BATCH_ACTION, verdict)),
        "views_checkup": viewed(ViewKind.CHECKUP),
        "views_medication": viewed(ViewKind.MEDICATION),
        "views_treatment": viewed(ViewKind.TREATMENT),
    }
    actions = (CARD_ACTION, *NUMBER_ACTIONS, BATCH_ACTION, VIEW_ACTION)
    query = (
        select(_A.actor_id, *(expression.label(name) for name, expression in counted.items()))
        .where(_month_events(start, end, actions), or_(verdict, shown))
        .group_by(_A.actor_id)
    )
    return {
        row.actor_id: MonthlyUsage(*(int(getattr(row, name)) for name in USAGE_FIELDS))
        for row in await conn.execute(query)
    }


async def card_subjects(
    conn: AsyncConnection, start: datetime, end: datetime
) -> AsyncIterator[tuple[str, str, str | None]]:
    """(facility, subject key, the person's individual key or None) of every card confirmation
    with a verdict in the month, once each. PostgreSQL resolves the individual keys in the same
    query (an index lookup of the registry per distinct key); SQLite in chunks afterwards."""
    subjects = (
        select(_A.actor_id, _A.subject_key)
        .where(
            _month_events(start, end, (CARD_ACTION,)),
            _A.outcome.like(f"{VERDICT_PREFIX}%"),
            _A.subject_key.is_not(None),
        )
        .distinct()
    )
    if is_postgres(conn):
        async for row in _resolved_in_database(conn, subjects.subquery("subjects")):
            yield row
        return
    pairs = [(row.actor_id, row.subject_key) for row in await conn.execute(subjects)]
    keys = {subject: card_key(subject) for _, subject in pairs}
    individual = await individual_keys(conn, sorted({key for key in keys.values() if key}))
    for facility, subject in pairs:
        key = keys[subject]
        yield facility, subject, individual.get(key) if key else None


async def _resolved_in_database(
    conn: AsyncConnection, subjects: Any
) -> AsyncIterator[tuple[str, str, str | None]]:
    q = qualifications.c
    parts = [func.split_part(subjects.c.subject_key, ":", n) for n in (1, 2, 3, 4)]
    person = (
        select(q.individual_key)
        .where(
            q.insurer_number == parts[0], q.symbol == parts[1], q.number == parts[2], q.branch == parts[3],
            q.individual_key.is_not(None),
        )
        .limit(1)
        .lateral("person")
    )  # fmt: skip
    query = select(subjects.c.actor_id, subjects.c.subject_key, person.c.individual_key).select_from(
        subjects.outerjoin(person, true())
    )
    result = await conn.stream(query.execution_options(yield_per=20_000))
    async for row in result:
        yield row.actor_id, row.subject_key, row.individual_key


async def individual_keys(conn: AsyncConnection, keys: Sequence[CardKey]) -> dict[CardKey, str]:
    """The insurer's individual key of each card key that has one (any of its periods)."""
    found: dict[CardKey, str] = {}
    q = qualifications.c
    columns = (q.insurer_number, q.symbol, q.number, q.branch)
    for start in range(0, len(keys), KEY_CHUNK):
        chunk = list(keys[start : start + KEY_CHUNK])
        query = restrict_to_keys(
            conn, select(*columns, q.individual_key).where(q.individual_key.is_not(None)), columns, chunk
        )
        for row in await conn.execute(query):
            found[(row.insurer_number, row.symbol, row.number, row.branch)] = row.individual_key
    return found


def card_key(subject: str) -> CardKey | None:
    """保険者番号:記号:番号:枝番 as confirmations record it; None for anything else."""
    parts = subject.split(":")
    return (parts[0], parts[1], parts[2], parts[3]) if len(parts) == 4 else None


async def replace_month(
    conn: AsyncConnection, month: date, rows: list[dict[str, Any]], events: int, at: datetime
) -> None:
    """The month's roll-up, all at once: its old rows go, the new ones come, in the caller's
    transaction (a reader sees the old month or the new one, never half)."""
    await conn.execute(delete(stats_usage_monthly).where(stats_usage_monthly.c.month == month))
    await insert_many(conn, stats_usage_monthly, rows)
    await conn.execute(delete(stats_months).where(stats_months.c.month == month))
    await conn.execute(
        insert(stats_months).values(month=month, rebuilt_at=at, events=events, facilities=len(rows))
    )


async def without_jit(conn: AsyncConnection) -> None:
    """PostgreSQL's JIT spends seconds compiling these simple scans (measured on the
    benchmark): off for the transaction."""
    if is_postgres(conn):
        await conn.execute(text("SET LOCAL jit = off"))


ANALYSED = ("stats_usage_monthly", "stats_claim_counts")


async def analyse(conn: AsyncConnection, table: str) -> None:
    """Fresh planner statistics after a bulk change (PostgreSQL; autovacuum would come later)."""
    if is_postgres(conn) and table in ANALYSED:
        await conn.execute(text(f"ANALYZE {table}"))
