"""A small world for the statistics' outputs: seeded people and facilities (with onboarding), a
year of synthetic audit trail (onshi.seed.activity), its roll-ups rebuilt, claims loaded through
the claims feed, an operator key and a facility key."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.milestones import Milestone
from onshi.domain.portal.values import months_between
from onshi.seed.activity import COLUMNS, Site, claim_rows, month_rows
from onshi.services.seeding import seed_facilities, seed_population
from onshi.services.stats_import import import_stats_feed
from onshi.services.stats_rollup import rebuild
from onshi.store import apikeys
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.dialect import insert_many
from onshi.store.schema import (
    audit_events,
    facilities,
    facility_milestones,
    qualifications,
    stats_usage_monthly,
)

OPERATOR = Actor(ActorKind.OPERATOR, "stats-tester", Channel.CLI)
MONTHS = months_between(date(2023, 10, 1), date(2024, 7, 1))  # the support windows: Oct 2023, Jan–Jul 2024
AS_OF = date(2024, 8, 31)
SEED = 7


@dataclass(frozen=True)
class World:
    operator_key: str
    facility_code: str  # an operating clinic with card users in every month
    facility_key: str


async def build(
    db: Database, facilities_count: int = 150, persons: int = 400, per_month: int = 1500
) -> World:
    audit = DirectAuditLog(db.engine)
    assert (await seed_population(db, audit, OPERATOR, persons, SEED, AS_OF)).ok
    await seed_facilities(db, facilities_count, SEED, as_of=AS_OF)
    async with db.read() as conn:
        sites = await _sites(conn)
        q = qualifications.c
        keys = [f"{r.insurer_number}:{r.symbol}:{r.number}:{r.branch}" for r in await conn.execute(
            select(q.insurer_number, q.symbol, q.number, q.branch).distinct().order_by(q.insurer_number, q.symbol, q.number, q.branch)
        )]  # fmt: skip
    for index, month in enumerate(MONTHS):
        share = 0.05 + 0.02 * index  # the card's share grows from 5 % to 23 %
        rows = [
            dict(zip(COLUMNS, row, strict=True))
            for row in month_rows(month, sites, keys, per_month, share, SEED, 0.1)
        ]
        async with db.write() as conn:
            await insert_many(conn, audit_events, rows)
    await rebuild(db, OPERATOR, MONTHS)
    visits = await _visits(db)
    for month in MONTHS:
        billing = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        lines = _csv(list(claim_rows(billing, visits.get(month, {}), SEED)))
        assert (await import_stats_feed(db, audit, "claims", lines, OPERATOR, "world")).ok
    clinic = await _busiest_clinic(db)
    async with db.write() as conn:
        operator_key, _ = await apikeys.create(conn, ActorKind.OPERATOR, OPERATOR.id)
        facility_key, _ = await apikeys.create(conn, ActorKind.FACILITY, clinic)
    return World(operator_key.secret, clinic, facility_key.secret)


async def _sites(conn: object) -> list[Site]:
    f, m = facilities.c, facility_milestones.c
    query = select(f.code, f.facility_type, m.reached_on).outerjoin(
        facility_milestones, (m.facility_code == f.code) & (m.milestone == Milestone.OPERATING.value)
    ).order_by(f.code)  # fmt: skip
    from onshi.domain.facility import FacilityType

    return [Site(r.code, FacilityType(r.facility_type), r.reached_on) for r in await conn.execute(query)]  # type: ignore[attr-defined]


async def _visits(db: Database) -> dict[date, dict[str, int]]:
    u = stats_usage_monthly.c
    async with db.read() as conn:
        rows = await conn.execute(select(u.month, u.facility_code, u.card + u.numbers))
    visits: dict[date, dict[str, int]] = {}
    for month, code, count in rows:
        visits.setdefault(month, {})[code] = int(count)
    return visits


async def _busiest_clinic(db: Database) -> str:
    u, f = stats_usage_monthly.c, facilities.c
    query = (
        select(u.facility_code)
        .join(facilities, f.code == u.facility_code)
        .where(f.facility_type == "medical_clinic")
        .group_by(u.facility_code)
        .order_by(func.sum(u.card_users).desc(), u.facility_code)
        .limit(1)
    )
    async with db.read() as conn:
        return str((await conn.execute(query)).scalar_one())


def _csv(rows: list[dict[str, str]]) -> list[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=["facility_code", "billing_month", "insurer_kind", "outpatient_claims"],
                            lineterminator="\n")  # fmt: skip
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().splitlines(keepends=True)
