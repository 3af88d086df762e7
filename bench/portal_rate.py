"""The portal's two bulk paths against PostgreSQL: a chain's operation-start CSV (一括申請, rows
applied per second, each with its stage move, milestone and audit record) and the operator's
compliance list over every registered facility (facilities judged per second).

Setup writes N pharmacies straight into the tables at stage connected (the per-step path is
what the tests walk); the measured parts go through the services the pages and API call.

    python -m bench.portal_rate [--facilities 20000]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import timedelta

from sqlalchemy import insert, update

from bench._common import figure, fresh_database, server_description, timed
from onshi.domain.actors import Channel
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.portal.onboarding import Stage
from onshi.domain.portal.roles import Role
from onshi.domain.portal.transitional import Status
from onshi.security.passwords import hash_password
from onshi.services import portal_accounts, portal_bulk, portal_filings
from onshi.store import facilities
from onshi.store import portal_accounts as accounts
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import facilities as facilities_table
from onshi.store.schema import portal_facilities

CHAIN = "bench-chain"


def codes(count: int) -> list[str]:
    return [f"134{index:07d}" for index in range(1, count + 1)]


async def prepare(db: Database, count: int) -> None:
    at, connected = now_jst(), today_jst() - timedelta(days=30)
    async with db.write() as conn:
        await accounts.add_corporation(
            conn, CHAIN, "ベンチ薬局", "b@example.jp", hash_password("bench-pass-1"), at
        )
        await facilities.save(
            conn, [Facility(FacilityCode(c), f"ベンチ薬局 {c}", FacilityType.PHARMACY) for c in codes(count)]
        )
        rows = [
            {"facility_code": c, "corporation_login": CHAIN, "email": "b@example.jp", "status": "active",
             "paper_claims": False, "stage": Stage.CONNECTED.value, "stage_since": at, "connected_on": connected,
             "registered_at": at, "registered_by": CHAIN}
            for c in codes(count)
        ]  # fmt: skip
        for start in range(0, len(rows), 5000):
            await conn.execute(insert(portal_facilities), rows[start : start + 5000])
        await conn.execute(update(facilities_table).values(obligated_from=today_jst() - timedelta(days=400)))


async def measure(url: str, count: int) -> None:
    db = Database.open(url, pool_size=4)
    try:
        await prepare(db, count)
        async with db.read() as conn:
            principal = await portal_accounts.principal(conn, Role.CORPORATION, CHAIN, Channel.API)
        with timed() as took:
            before = await portal_filings.verdicts(db, today_jst())
        figure("compliance list (facilities judged/s, none operating)", count / took[0], "facilities/s")
        assert all(v.status is Status.OVERDUE for v in before)
        text = [
            "facility_code,operation_start_date",
            *(f"{c},{today_jst().isoformat()}" for c in codes(count)),
        ]
        audit = DirectAuditLog(db.engine)
        with timed() as took:
            report = await portal_bulk.import_bulk(db, audit, "operation_start", text, principal, "bench.csv")
        assert report.loaded == count and not report.rejected, report.as_dict()
        figure(
            f"operation-start CSV, {count:,} rows (stage + milestone + audit each)", count / took[0], "rows/s"
        )
        with timed() as took:
            after = await portal_filings.verdicts(db, today_jst())
        assert all(v.status is Status.COMPLIANT for v in after)
        figure("compliance list (facilities judged/s, all operating)", count / took[0], "facilities/s")
    finally:
        await db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--facilities", type=int, default=20_000)
    args = parser.parse_args()
    print(server_description(), flush=True)
    url = fresh_database("onshi_bench_portal")
    asyncio.run(measure(url, args.facilities))


if __name__ == "__main__":
    main()
