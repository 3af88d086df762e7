"""Statistics queries: adoption from facilities and their milestones, usage and utilisation
from the monthly roll-ups (`stats_usage_monthly`, built by `onshi.store.stats_rollup`) and the
claims counts. Every figure is a plain count; onshi.domain.statistics turns counts into rates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.statistics.adoption import COUNTED_STEPS, AdoptionCounts
from onshi.domain.statistics.usage import MonthlyUsage
from onshi.domain.statistics.utilisation import RATE_INSURER_KINDS
from onshi.store.dialect import aware_jst, upsert
from onshi.store.schema import (
    facilities,
    facility_milestones,
    stats_claim_counts,
    stats_declarations,
    stats_months,
    stats_usage_monthly,
)

USAGE_FIELDS = (
    "card", "card_smartphone", "numbers", "batch", "views_checkup", "views_medication", "views_treatment",
)  # fmt: skip
GroupKey = tuple[str, str]  # (prefecture code, facility type)


# --- adoption ---------------------------------------------------------------------------------


async def adoption_counts(
    conn: AsyncConnection, as_of: date, obligated_only: bool = False
) -> dict[GroupKey, AdoptionCounts]:
    """Facilities and the steps they reached by `as_of`, per prefecture and type. Restricted to
    facilities under obligation: those whose obligation applies on or before `as_of`. Two
    grouped scans (facilities; the steps reached joined to their facility), added up here."""
    f, m = facilities.c, facility_milestones.c
    obligated = and_(f.obligated_from.is_not(None), f.obligated_from <= as_of) if obligated_only else true()
    groups = (f.prefecture_code, f.facility_type)
    totals = select(*groups, func.count().label("n")).where(obligated).group_by(*groups)
    steps = (
        select(*groups, m.milestone, func.count().label("n"))
        .select_from(facility_milestones.join(facilities, f.code == m.facility_code))
        .where(obligated, m.milestone.in_([s.value for s in COUNTED_STEPS]), m.reached_on <= as_of)
        .group_by(*groups, m.milestone)
    )
    reached: dict[tuple[str, str, str], int] = {
        (row.prefecture_code, row.facility_type, row.milestone): row.n for row in await conn.execute(steps)
    }
    return {
        (row.prefecture_code, row.facility_type): AdoptionCounts(
            row.n, *(reached.get((row.prefecture_code, row.facility_type, s.value), 0) for s in COUNTED_STEPS)
        )
        for row in await conn.execute(totals)
    }


# --- usage roll-ups ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BuiltMonth:
    month: date
    rebuilt_at: datetime
    events: int
    facilities: int


async def built_months(conn: AsyncConnection) -> dict[date, BuiltMonth]:
    rows = await conn.execute(select(stats_months).order_by(stats_months.c.month))
    return {
        row.month: BuiltMonth(row.month, aware_jst(row.rebuilt_at), row.events, row.facilities)
        for row in rows
    }


def _usage(row: Any) -> MonthlyUsage:
    return MonthlyUsage(*(int(getattr(row, name) or 0) for name in USAGE_FIELDS))


async def usage_by_group(
    conn: AsyncConnection, months: Sequence[date], by: str
) -> dict[tuple[date, str], MonthlyUsage]:
    """Sums of the roll-up per month and `by` ("type" or "prefecture"; "" for the month alone,
    which needs no join)."""
    u, f = stats_usage_monthly.c, facilities.c
    group = {"type": f.facility_type, "prefecture": f.prefecture_code}.get(by)
    columns = [u.month, *((group.label("group"),) if group is not None else ())]
    source: Any = stats_usage_monthly
    if group is not None:
        source = stats_usage_monthly.join(facilities, f.code == u.facility_code)
    query = (
        select(*columns, *(func.sum(u[name]).label(name) for name in USAGE_FIELDS))
        .select_from(source)
        .where(u.month.in_(list(months)))
        .group_by(*columns)
    )
    return {
        (row.month, row.group if group is not None else ""): _usage(row) for row in await conn.execute(query)
    }


@dataclass(frozen=True, slots=True)
class FacilityFigures:
    facility_code: str
    prefecture_code: str
    facility_type: str
    card_users: int  # 名寄せ users of the month (0 without a roll-up row)
    claims: int | None  # outpatient claims over the rate's kinds billed in the following month


async def facility_figures(
    conn: AsyncConnection,
    month: date,
    billing_month: date,
    facility_type: str | None = None,
    prefecture: str | None = None,
) -> list[FacilityFigures]:
    """Every facility's card users of `month` and claims of `billing_month`, by code."""
    u, f = stats_usage_monthly.c, facilities.c
    claims = _claims_subquery(billing_month)
    query = (
        select(f.code, f.prefecture_code, f.facility_type, u.card_users, claims.c.claims)
        .select_from(
            facilities.outerjoin(
                stats_usage_monthly, and_(u.facility_code == f.code, u.month == month)
            ).outerjoin(claims, claims.c.facility_code == f.code)
        )
        .order_by(f.code)
    )
    if facility_type is not None:
        query = query.where(f.facility_type == facility_type)
    if prefecture is not None:
        query = query.where(f.prefecture_code == prefecture)
    return [
        FacilityFigures(code, pref, kind, users or 0, None if claimed is None else int(claimed))
        for code, pref, kind, users, claimed in await conn.execute(query)
    ]


@dataclass(frozen=True, slots=True)
class GroupFigures:
    facilities: int
    with_claims: int  # facilities with claims data for the billing month
    card_users: (
        int  # summed over the facilities with claims data (onshi.domain.statistics.utilisation.combined)
    )
    claims: int


async def group_figures(
    conn: AsyncConnection,
    month: date,
    billing_month: date,
    by: str,
    facility_type: str | None,
    prefecture: str | None,
) -> dict[str, GroupFigures]:
    """`facility_figures` summed per type or prefecture in the database (230,000 facilities
    need not travel): users count only where the facility has claims data, as `combined` says."""
    u, f = stats_usage_monthly.c, facilities.c
    claims = _claims_subquery(billing_month)
    group = (f.facility_type if by == "type" else f.prefecture_code).label("group")
    has_claims = claims.c.facility_code.is_not(None)
    query = (
        select(
            group,
            func.count().label("facilities"),
            func.count(claims.c.facility_code).label("with_claims"),
            func.coalesce(func.sum(case((has_claims, func.coalesce(u.card_users, 0)), else_=0)), 0).label(
                "users"
            ),
            func.coalesce(func.sum(claims.c.claims), 0).label("claims"),
        )
        .select_from(
            facilities.outerjoin(
                stats_usage_monthly, and_(u.facility_code == f.code, u.month == month)
            ).outerjoin(claims, claims.c.facility_code == f.code)
        )
        .group_by(group)
    )
    if facility_type is not None:
        query = query.where(f.facility_type == facility_type)
    if prefecture is not None:
        query = query.where(f.prefecture_code == prefecture)
    return {
        row.group: GroupFigures(int(row.facilities), int(row.with_claims), int(row.users), int(row.claims))
        for row in await conn.execute(query)
    }


def _claims_subquery(billing_month: date) -> Any:
    c = stats_claim_counts.c
    return (
        select(c.facility_code, func.sum(c.outpatient_claims).label("claims"))
        .where(c.billing_month == billing_month, c.insurer_kind.in_(sorted(RATE_INSURER_KINDS)))
        .group_by(c.facility_code)
        .subquery("claims")
    )


@dataclass(frozen=True, slots=True)
class FacilityMonthRow:
    month: date
    usage: MonthlyUsage
    card_users: int


async def facility_months(
    conn: AsyncConnection, code: str, months: Sequence[date]
) -> dict[date, FacilityMonthRow]:
    u = stats_usage_monthly.c
    query = select(stats_usage_monthly).where(u.facility_code == code, u.month.in_(list(months)))
    return {
        row.month: FacilityMonthRow(row.month, _usage(row), int(row.card_users))
        for row in await conn.execute(query)
    }


async def facility_claims(
    conn: AsyncConnection, code: str, billing_months: Sequence[date]
) -> dict[date, int]:
    """Outpatient claims over the rate's insurer kinds, by billing month (months without a row absent)."""
    c = stats_claim_counts.c
    query = (
        select(c.billing_month, func.sum(c.outpatient_claims).label("claims"))
        .where(
            c.facility_code == code,
            c.billing_month.in_(list(billing_months)),
            c.insurer_kind.in_(sorted(RATE_INSURER_KINDS)),
        )
        .group_by(c.billing_month)
    )
    return {row.billing_month: int(row.claims) for row in await conn.execute(query)}


async def claim_months(conn: AsyncConnection) -> list[date]:
    c = stats_claim_counts.c
    return [
        row[0] for row in await conn.execute(select(c.billing_month).distinct().order_by(c.billing_month))
    ]


# --- claims feed ------------------------------------------------------------------------------


async def save_claims(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Replace the counts of each (facility, billing month, insurer kind) given."""
    if not rows:
        return
    statement = upsert(
        conn,
        stats_claim_counts,
        ("facility_code", "billing_month", "insurer_kind"),
        ("outpatient_claims", "import_id", "recorded_at"),
    )
    for start in range(0, len(rows), 5000):
        await conn.execute(statement, list(rows[start : start + 5000]))


# --- declarations -------------------------------------------------------------------------------


async def declarations(conn: AsyncConnection, code: str) -> frozenset[str]:
    d = stats_declarations.c
    query = select(d.declaration).where(d.facility_code == code, d.declared.is_(True))
    return frozenset(row.declaration for row in await conn.execute(query))


async def set_declaration(
    conn: AsyncConnection, code: str, declaration: str, declared: bool, at: datetime
) -> None:
    statement = upsert(conn, stats_declarations, ("facility_code", "declaration"), ("declared", "changed_at"))
    await conn.execute(
        statement, {"facility_code": code, "declaration": declaration, "declared": declared, "changed_at": at}
    )
