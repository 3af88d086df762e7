"""Loading a public-expense feed (docs/public-expense.md): payers, recipients, medical-aid tickets.

Row by row like the clinical feeds: a bad row is rejected with its line and reasons (a bad
cell, an unregistered payer, a ticket for an unknown recipient, another payer's row for a
payer's own key) and the other rows load. Reloading a row replaces what was stored under its
natural key (payer; payer + recipient + start of validity; payer + recipient + month +
facility + ticket type), so the same file loaded twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.public_expense import Entitlement, MedicalTicket, PayerNumber, PayerRecord
from onshi.feeds._block import RejectedRow
from onshi.feeds.public_expense_csv import FeedRow, RecipientRow, parse_csv
from onshi.services.insurer_import import ImportReport, import_rows
from onshi.store import public_expense as store
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.schema import import_rejections

ACTION = "public_expense.import"
CHUNK_ROWS = 1000


async def import_public_expense(
    db: Database,
    audit: AuditLog,
    feed: str,
    lines: Iterable[str],
    actor: Actor,
    source: str,
    allowed_payers: Collection[str] | None = None,
) -> ImportReport:
    """Raises FeedFormatError (before anything is recorded) when the header is unusable.
    `allowed_payers`: the payer numbers the caller may load (None: any, for operators)."""

    async def load(conn: AsyncConnection, report: ImportReport, chunk: list[Any]) -> None:
        await _Chunk(conn, report, feed, allowed_payers).load(chunk)

    return await import_rows(
        db, audit, actor, f"{feed}:{source}", parse_csv(feed, lines), load, ACTION, CHUNK_ROWS
    )


@dataclass
class _Chunk:
    conn: AsyncConnection
    report: ImportReport
    feed: str
    allowed: Collection[str] | None
    rejected: list[RejectedRow] = field(default_factory=list)

    async def load(self, chunk: list[FeedRow | RejectedRow]) -> None:
        self.rejected = [row for row in chunk if isinstance(row, RejectedRow)]
        accepted = [row for row in chunk if isinstance(row, FeedRow) and self._allowed(row)]
        at = now_jst()
        if self.feed == "payers":
            records = {
                row.record.number: row.record for row in accepted if isinstance(row.record, PayerRecord)
            }
            await store.save_payers(self.conn, list(records.values()), self.report.import_id, at)
            loaded = len(records)
        elif self.feed == "recipients":
            loaded = await self._recipients(accepted, at)
        else:
            loaded = await self._tickets(accepted, at)
        await self._finish(len(chunk), loaded)

    def _allowed(self, row: FeedRow) -> bool:
        payer = _payer_of(row.record)
        if self.allowed is None or payer.digits in self.allowed:
            return True
        self.rejected.append(RejectedRow(row.line, (_not_yours(payer),)))
        return False

    async def _registered(self, rows: list[FeedRow]) -> list[tuple[FeedRow, Any]]:
        payers = await store.payers(self.conn, (_payer_of(row.record).digits for row in rows))
        found = []
        for row in rows:
            payer = payers.get(_payer_of(row.record).digits)
            if payer is None:
                self.rejected.append(RejectedRow(row.line, (_unregistered(_payer_of(row.record)),)))
            else:
                found.append((row, payer))
        return found

    async def _recipients(self, rows: list[FeedRow], at: Any) -> int:
        latest: dict[tuple[str, str, Any], dict[str, Any]] = {}
        for row, payer in await self._registered(rows):
            record = row.record
            assert isinstance(record, RecipientRow)
            entitlement = Entitlement(
                payer, record.recipient, record.valid_from, record.valid_to, record.identity, record.terms,
                record.insured, record.individual_key, record.income_category,
            )  # fmt: skip
            values = store.recipient_values(entitlement, self.report.import_id, row.line, at)
            # One statement may not touch a row twice: a later line for the same period wins.
            latest[(values["payer_number"], values["recipient_number"], values["valid_from"])] = values
        await store.save_recipients(self.conn, list(latest.values()))
        return len(latest)

    async def _tickets(self, rows: list[FeedRow], at: Any) -> int:
        registered = await self._registered(rows)
        wanted = [_recipient_key(row.record) for row, _ in registered]
        known = await store.known_recipients(self.conn, wanted)
        latest: dict[tuple[Any, ...], dict[str, Any]] = {}
        for row, _ in registered:
            ticket = row.record
            assert isinstance(ticket, MedicalTicket)
            if _recipient_key(ticket) not in known:
                self.rejected.append(RejectedRow(row.line, (_unknown_recipient(),)))
                continue
            values = store.ticket_values(ticket, self.report.import_id, at)
            latest[tuple(values[k] for k in store.TICKET_KEY)] = values
        await store.save_tickets(self.conn, list(latest.values()))
        return len(latest)

    async def _finish(self, rows: int, loaded: int) -> None:
        rejected = sorted(self.rejected, key=lambda r: r.line)
        if rejected:
            values = [
                {"import_id": self.report.import_id, "line": r.line, "reason_ja": r.reason_ja,
                 "reason_en": r.reason_en}
                for r in rejected
            ]  # fmt: skip
            await self.conn.execute(insert(import_rejections), values)
        self.report.total += rows
        self.report.loaded += loaded
        self.report.unchanged += rows - loaded - len(rejected)  # repeated lines within the chunk
        self.report.rejected.extend(rejected)


def _payer_of(record: PayerRecord | RecipientRow | MedicalTicket) -> PayerNumber:
    return record.number if isinstance(record, PayerRecord) else record.payer


def _recipient_key(record: Any) -> tuple[str, str]:
    return (record.payer.digits, record.recipient.digits)


def _not_yours(payer: PayerNumber) -> InvalidValue:
    return InvalidValue(
        "payer_number", Problem.INCONSISTENT, f"公費負担者番号 {payer} のデータは登録できません",
        f"this caller may not load data for payer {payer}",
    )  # fmt: skip


def _unregistered(payer: PayerNumber) -> InvalidValue:
    return InvalidValue(
        "payer_number", Problem.UNKNOWN_CODE, f"公費負担者番号 {payer} は登録されていません（payers フィードで先に登録）",
        f"payer {payer} is not registered (load it through the payers feed first)",
    )  # fmt: skip


def _unknown_recipient() -> InvalidValue:
    return InvalidValue(
        "recipient_number", Problem.UNKNOWN_CODE, "この公費負担者番号・受給者番号の受給者は登録されていません",
        "no recipient has this payer and recipient number",
    )  # fmt: skip
