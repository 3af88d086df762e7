"""Loading the statistics feeds (docs/statistics.md): facility data and claims counts.

Row by row like the other feeds: a bad row is rejected with its line and reasons, the other
rows load, the import is recorded and audited (`stats.import`).

* facilities: each row writes the facility (name, type, prefecture from its code, and the
  obligation and smartphone columns when the file has them) and records the steps it reached.
  A step is kept from the first day it was recorded: a row giving another day for a step
  already recorded is rejected (nothing of it is written), the same day again is fine — so
  loading a file twice changes nothing.
* claims: each row replaces the count of its facility, billing month and insurer kind; the
  facility must be registered.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.milestones import Milestone
from onshi.feeds._block import RejectedRow
from onshi.feeds.stats_csv import ClaimRow, FacilityRow, FeedRow, milestone_column, parse_csv
from onshi.services.insurer_import import ImportReport, import_rows
from onshi.store import milestones, stats, stats_facilities, stats_rollup
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.schema import facilities, import_rejections

ACTION = "stats.import"
CHUNK_ROWS = 2000
SOURCE = "load"  # facility_milestones.source of the steps this feed records


async def import_stats_feed(
    db: Database, audit: AuditLog, feed: str, lines: Iterable[str], actor: Actor, source: str
) -> ImportReport:
    """Raises FeedFormatError (before anything is recorded) when the header is unusable."""
    today = now_jst().date()

    async def load(conn: AsyncConnection, report: ImportReport, chunk: list[Any]) -> None:
        await _Chunk(conn, report).load(feed, chunk)

    report = await import_rows(
        db, audit, actor, f"{feed}:{source}", parse_csv(feed, lines, today), load, ACTION, CHUNK_ROWS
    )
    if feed == "claims" and report.loaded:
        async with db.write() as conn:
            await stats_rollup.analyse(conn, "stats_claim_counts")
    return report


@dataclass
class _Chunk:
    conn: AsyncConnection
    report: ImportReport
    rejected: list[RejectedRow] = field(default_factory=list)

    async def load(self, feed: str, chunk: list[FeedRow | RejectedRow]) -> None:
        self.rejected = [row for row in chunk if isinstance(row, RejectedRow)]
        accepted = [row for row in chunk if isinstance(row, FeedRow)]
        at = now_jst()
        loaded = await (
            self._facilities(accepted, at) if feed == "facilities" else self._claims(accepted, at)
        )
        await self._finish(len(chunk), loaded)

    async def _facilities(self, rows: list[FeedRow], at: datetime) -> int:
        records = [(row.line, row.record) for row in rows if isinstance(row.record, FacilityRow)]
        known = await stats_facilities.recorded_steps(self.conn, (r.code.digits for _, r in records))
        written: dict[str, dict[str, Any]] = {}
        steps: dict[tuple[str, Milestone], tuple[Any, Milestone, date]] = {}
        for line, record in records:
            conflicts = _conflicts(record, known)
            if conflicts:
                self.rejected.append(RejectedRow(line, conflicts))
                continue
            for milestone, on in record.reached.items():
                known[(record.code.digits, milestone)] = on
                steps[(record.code.digits, milestone)] = (record.code, milestone, on)
            written[record.code.digits] = _facility_values(record)  # a later line wins
        columns = records[0][1].columns if records else frozenset()
        await stats_facilities.save(self.conn, list(written.values()), sorted(columns), at)
        await milestones.record(self.conn, steps.values(), SOURCE)
        return len(written)

    async def _claims(self, rows: list[FeedRow], at: datetime) -> int:
        records = [(row.line, row.record) for row in rows if isinstance(row.record, ClaimRow)]
        codes = sorted({r.code.digits for _, r in records})
        registered = {
            code
            for (code,) in await self.conn.execute(
                select(facilities.c.code).where(facilities.c.code.in_(codes))
            )
        }
        latest: dict[tuple[str, date, str], dict[str, Any]] = {}
        for line, record in records:
            if record.code.digits not in registered:
                self.rejected.append(RejectedRow(line, (_unregistered(record.code.digits),)))
                continue
            key = (record.code.digits, record.billing_month, record.insurer_kind)
            latest[key] = {
                "facility_code": key[0],
                "billing_month": key[1],
                "insurer_kind": key[2],
                "outpatient_claims": record.outpatient_claims,
                "import_id": self.report.import_id,
                "recorded_at": at,
            }
        await stats.save_claims(self.conn, list(latest.values()))
        return len(latest)

    async def _finish(self, rows: int, loaded: int) -> None:
        rejected = sorted(self.rejected, key=lambda r: r.line)
        if rejected:
            values = [
                {
                    "import_id": self.report.import_id,
                    "line": r.line,
                    "reason_ja": r.reason_ja,
                    "reason_en": r.reason_en,
                }
                for r in rejected
            ]
            await self.conn.execute(insert(import_rejections), values)
        self.report.total += rows
        self.report.loaded += loaded
        self.report.unchanged += rows - loaded - len(rejected)  # repeated lines within the chunk
        self.report.rejected.extend(rejected)


def _facility_values(record: FacilityRow) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": record.code.digits,
        "name": record.name,
        "prefecture_code": record.code.prefecture.code,
        "facility_type": record.facility_type.value,
    }
    if "obligated_from" in record.columns:
        values["obligated_from"] = record.obligated_from
    if "accepts_smartphone" in record.columns:
        values["accepts_smartphone"] = bool(record.accepts_smartphone)
    return values


def _conflicts(record: FacilityRow, known: dict[tuple[str, Milestone], date]) -> tuple[InvalidValue, ...]:
    """Steps this row dates differently from what is recorded (the first day is kept)."""
    return tuple(
        InvalidValue(
            milestone_column(milestone),
            Problem.INCONSISTENT,
            f"{milestone.label_ja}は{recorded.isoformat()}として記録済みです（最初の日付を保持します）",
            f"{milestone.value} is recorded on {recorded.isoformat()} (the first day recorded is kept)",
        )
        for milestone, on in record.reached.items()
        if (recorded := known.get((record.code.digits, milestone))) is not None and recorded != on
    )


def _unregistered(code: str) -> InvalidValue:
    return InvalidValue(
        "facility_code",
        Problem.UNKNOWN_CODE,
        f"医療機関等コード {code} は登録されていません（facilities フィードで先に登録）",
        f"facility {code} is not registered (load it through the facilities feed first)",
    )
