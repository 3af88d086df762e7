"""The statistics at national scale on PostgreSQL: 230,000 facilities (`onshi seed`, with their
onboarding), a year of synthetic audit trail (onshi.seed.activity, written by COPY), the monthly
roll-ups rebuilt from it, the claims loaded, then every report timed.

python -m bench.stats_rate [--facilities 230000] [--persons 200000] [--per-month 2000000] [--months 12]

Volume: `--per-month` confirmations a month (plus batch entries ≈ 11 % and views ≈ one per card
confirmation with consent), 2023-10 … 2024-09 with the card's share growing from 4.6 % to 13 %.
The real system's 160 million confirmations a month are `160e6 / per_month` times more: the
rebuild of a month is one scan of that month's rows (linear), the reports read the roll-ups
only (one row per facility and month, whatever the volume).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
from datetime import date

import psycopg

from bench._common import bench_database_url, figure, fresh_database, server_description, timed
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.milestones import Milestone
from onshi.domain.portal.values import months_between, shift_month
from onshi.seed.activity import COLUMNS, Site, claim_rows, month_rows
from onshi.services import stats_reports as reports
from onshi.services.stats_import import import_stats_feed
from onshi.services.stats_rollup import rebuild_month
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

FIRST = date(2023, 10, 1)
SEED = 11
ACTOR = Actor(ActorKind.OPERATOR, "bench", Channel.CLI)
AUDIT_INDEXES = ("ix_audit_events_actor", "ix_audit_events_subject", "ix_audit_events_occurred")


def seed(url: str, facilities: int, persons: int, as_of: date) -> float:
    """`onshi seed`, as an operator would run it."""
    onshi = os.path.join(os.path.dirname(sys.executable), "onshi")
    env = {**os.environ, "ONSHI_DATABASE_URL": url}
    command = [onshi, "seed", "--persons", str(persons), "--facilities", str(facilities), "--seed", str(SEED),
               "--as-of", as_of.isoformat()]  # fmt: skip
    with timed() as elapsed:
        subprocess.run(command, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return elapsed[0]


def sites_and_keys(url: str) -> tuple[list[Site], list[str]]:
    with psycopg.connect(url) as conn:
        sites = [
            Site(code, FacilityType(kind), day)
            for code, kind, day in conn.execute(
                "SELECT f.code, f.facility_type, m.reached_on FROM facilities f LEFT JOIN facility_milestones m"
                " ON m.facility_code = f.code AND m.milestone = %s ORDER BY f.code",
                (Milestone.OPERATING.value,),
            )
        ]
        keys = [
            f"{a}:{b}:{c}:{d}"
            for a, b, c, d in conn.execute(
                "SELECT DISTINCT insurer_number, symbol, number, branch FROM qualifications ORDER BY 1, 2, 3, 4"
            )
        ]
    return sites, keys


def write_trail(
    url: str, months: tuple[date, ...], sites: list[Site], keys: list[str], per_month: int
) -> int:
    """COPY the synthetic trail month by month (indexes dropped during the load, rebuilt after)."""
    rows = 0
    with psycopg.connect(url, autocommit=True) as conn:
        for name in AUDIT_INDEXES:
            conn.execute(f"DROP INDEX IF EXISTS {name}")  # type: ignore[arg-type]
        for index, month in enumerate(months):
            share = 0.046 + (0.13 - 0.046) * index / max(1, len(months) - 1)
            started = time.perf_counter()
            with conn.cursor().copy(f"COPY audit_events ({', '.join(COLUMNS)}) FROM STDIN") as copy:  # type: ignore[arg-type]
                count = 0
                for row in month_rows(month, sites, keys, per_month, share, SEED):
                    copy.write_row(row)
                    count += 1
            rows += count
            figure(f"  trail {month:%Y-%m} (card share {share:.1%})", count / (time.perf_counter() - started),
                   "rows/s", f"{count:,} rows")  # fmt: skip
        with timed() as indexed:
            conn.execute(
                "CREATE INDEX ix_audit_events_actor ON audit_events (actor_kind, actor_id, occurred_at)"
            )
            conn.execute("CREATE INDEX ix_audit_events_subject ON audit_events (subject_key)")
            conn.execute("CREATE INDEX ix_audit_events_occurred ON audit_events USING brin (occurred_at)")
            conn.execute("ANALYZE audit_events")
        figure("audit indexes rebuilt (actor, subject, BRIN) + ANALYZE", indexed[0], "s")
        size = conn.execute("SELECT pg_total_relation_size('audit_events')").fetchone()
        figure("audit_events size with indexes", (size[0] if size else 0) / 1e9, "GB")
    return rows


async def rebuild_all(db: Database, months: tuple[date, ...]) -> None:
    total = 0.0
    for month in months:
        done = await rebuild_month(db, ACTOR, month)
        total += done.seconds
        figure(f"  rebuild {month:%Y-%m}", done.seconds, "s",
               f"{done.events:,} events, {done.facilities:,} facilities, {done.card_users:,} card users")  # fmt: skip
    figure("rebuild of the year (12 months)", total, "s")


async def load_claims(db: Database, url: str, months: tuple[date, ...]) -> None:
    """One month's claims through the claims feed (timed), the others by COPY."""
    with psycopg.connect(url) as conn:
        visits: dict[date, dict[str, int]] = {}
        for month, code, count in conn.execute(
            "SELECT month, facility_code, card + numbers FROM stats_usage_monthly"
        ):
            visits.setdefault(month, {})[code] = count
    feed_month = months[-1]
    rows = list(claim_rows(shift_month(feed_month, 1), visits.get(feed_month, {}), SEED))
    lines = ["facility_code,billing_month,insurer_kind,outpatient_claims\n"] + [
        f"{r['facility_code']},{r['billing_month']},{r['insurer_kind']},{r['outpatient_claims']}\n"
        for r in rows
    ]
    with timed() as loaded:
        report = await import_stats_feed(db, DirectAuditLog(db.engine), "claims", lines, ACTOR, "bench")
    assert report.ok, report.rejected[:3]
    figure(
        "claims feed: one billing month through the import",
        len(rows) / loaded[0],
        "rows/s",
        f"{len(rows):,} rows",
    )
    with (
        psycopg.connect(url) as conn,
        conn.cursor().copy(
            "COPY stats_claim_counts (facility_code, billing_month, insurer_kind, outpatient_claims, recorded_at) FROM STDIN"
        ) as copy,
    ):
        for month in months[:-1]:
            for r in claim_rows(shift_month(month, 1), visits.get(month, {}), SEED):
                copy.write_row((r["facility_code"], shift_month(month, 1), r["insurer_kind"], int(r["outpatient_claims"]),
                                "now"))  # fmt: skip
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ANALYZE stats_claim_counts")


async def queries(db: Database, months: tuple[date, ...], facility: str) -> None:
    as_of, month = date(2024, 9, 30), months[-1]
    cases = [
        ("adoption by type (230k facilities, milestones joined)",
         lambda: reports.adoption_report(db, reports.AdoptionQuery(as_of, "type"))),
        ("adoption by prefecture, obligated only",
         lambda: reports.adoption_report(db, reports.AdoptionQuery(as_of, "prefecture", None, True))),
        ("adoption ranking (top/bottom 5 per type)", lambda: reports.ranking_report(db, as_of)),
        ("usage by type, one month", lambda: reports.usage_report(db, reports.UsageQuery(month, month, "type"))),
        ("usage by month, the year", lambda: reports.usage_report(db, reports.UsageQuery(months[0], month, "month"))),
        ("usage by prefecture, the year",
         lambda: reports.usage_report(db, reports.UsageQuery(months[0], month, "prefecture"))),
        ("utilisation by type, one month", lambda: reports.utilisation_report(db, reports.UtilisationQuery(month, "type"))),
        ("utilisation by facility, one month (230k rows)",
         lambda: reports.utilisation_report(db, reports.UtilisationQuery(month, "facility"))),
        ("one facility's months and support money", lambda: reports.facility_report(db, FacilityCode(facility), as_of)),
    ]  # fmt: skip
    for name, run in cases:
        with timed() as elapsed:
            report = await run()
        figure(name, elapsed[0], "s", f"{len(report.rows):,} rows")


def busiest(url: str) -> str:
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT facility_code FROM stats_usage_monthly GROUP BY facility_code ORDER BY sum(card_users) DESC LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--facilities", type=int, default=230_000)
    parser.add_argument("--persons", type=int, default=200_000)
    parser.add_argument("--per-month", type=int, default=2_000_000)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument(
        "--queries-only", action="store_true", help="time the reports again on the last run's data"
    )
    args = parser.parse_args()
    print(server_description(), flush=True)
    months = months_between(FIRST, shift_month(FIRST, args.months - 1))
    if args.queries_only:
        url = bench_database_url("onshi_bench_stats")

        async def again() -> None:
            db = Database.open(url)
            try:
                await queries(db, months, busiest(url))
            finally:
                await db.close()

        asyncio.run(again())
        return
    url = fresh_database("onshi_bench_stats")
    figure("onshi seed (persons, facilities with onboarding)", seed(url, args.facilities, args.persons, months[-1]), "s",
           f"{args.facilities:,} facilities, {args.persons:,} persons")  # fmt: skip
    sites, keys = sites_and_keys(url)
    with timed() as written:
        rows = write_trail(url, months, sites, keys, args.per_month)
    figure(
        "synthetic audit trail written (COPY)",
        rows / written[0],
        "rows/s",
        f"{rows:,} rows in {written[0]:.0f} s",
    )

    async def measured() -> None:
        db = Database.open(url)
        try:
            await rebuild_all(db, months)
            await load_claims(db, url, months)
            await queries(db, months, busiest(url))
        finally:
            await db.close()

    asyncio.run(measured())


if __name__ == "__main__":
    main()
