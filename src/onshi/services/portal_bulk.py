"""一括申請: a hospital group's or pharmacy chain's bulk file (onshi.feeds.portal_csv), loaded row
by row like the other row-by-row feeds (services.insurer_import.import_rows): every row that can
be applied is applied, with its milestones and audit record, in its chunk's transaction; every
row that cannot is reported with its line and reasons (a bad cell, a facility that is not the
caller's, a step it may not take yet). A row that changes nothing (the same operation start date
again) counts as unchanged, so the same file loaded twice is harmless.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.onboarding import TransitionRefused
from onshi.domain.portal.registration import read_registration
from onshi.domain.portal.roles import Permission, Role
from onshi.feeds._block import RejectedRow
from onshi.feeds.portal_csv import FeedRow, parse_csv
from onshi.services.insurer_import import ImportReport, import_rows
from onshi.services.portal_accounts import register_in
from onshi.services.portal_common import PortalError, Principal
from onshi.services.portal_onboarding import start_operation_in, submit_in
from onshi.store import portal_accounts
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.schema import import_rejections

ACTION = "portal.bulk"
CHUNK_ROWS = 500


async def import_bulk(
    db: Database, audit: AuditLog, feed: str, lines: Iterable[str], principal: Principal, source: str
) -> ImportReport:
    """Raises FeedFormatError (nothing recorded) when the header is unusable, PortalError (403)
    when the principal may not load bulk files."""
    principal.check(Permission.BULK)

    async def load(conn: AsyncConnection, report: ImportReport, chunk: list[Any]) -> None:
        await _Chunk(conn, report, feed, principal).load(chunk)

    return await import_rows(
        db, audit, principal.actor, f"{feed}:{source}", parse_csv(feed, lines), load, ACTION, CHUNK_ROWS
    )


@dataclass
class _Chunk:
    conn: AsyncConnection
    report: ImportReport
    feed: str
    principal: Principal
    rejected: list[RejectedRow] = field(default_factory=list)
    loaded: int = 0
    unchanged: int = 0

    async def load(self, chunk: list[FeedRow | RejectedRow]) -> None:
        for row in chunk:
            if isinstance(row, RejectedRow):
                self.rejected.append(row)
                continue
            try:
                changed = await self._apply(row)
            except (PortalError, TransitionRefused) as error:
                self.rejected.append(RejectedRow(row.line, (_refusal(self.feed, error),)))
                continue
            except FormInvalid as error:
                self.rejected.append(RejectedRow(row.line, error.errors))
                continue
            except InvalidValue as error:
                self.rejected.append(RejectedRow(row.line, (error,)))
                continue
            if changed:
                self.loaded += 1
            else:
                self.unchanged += 1
        await self._finish(len(chunk))

    async def _apply(self, row: FeedRow) -> bool:
        code = row.code.digits
        if self.feed == "accounts":
            return await self._register(row)
        if not self.principal.covers(code):
            raise PortalError(
                404,
                "not_yours",
                f"{code} はこの法人の医療機関等ではありません",
                f"{code} is not this corporation's",
            )
        actor = self.principal.actor
        if self.feed == "applications":
            assert row.application is not None
            await submit_in(self.conn, actor, code, row.application, row.cells)
            return True
        assert row.start_on is not None
        return (await start_operation_in(self.conn, actor, code, row.start_on)).changed

    async def _register(self, row: FeedRow) -> bool:
        registration = read_registration({"facility_code": row.code.digits, **row.cells})
        corporation = self._corporation(row.cells.get("corporation", ""))
        if corporation is not None and await portal_accounts.corporation(self.conn, corporation) is None:
            raise PortalError(
                404, "no_corporation", f"法人 {corporation} は登録されていません", "no such corporation"
            )
        await register_in(self.conn, self.principal.actor, registration, None, corporation)
        return True

    def _corporation(self, named: str) -> str | None:
        """Corporations register facilities for themselves; the operator names the corporation."""
        if self.principal.role is Role.CORPORATION:
            own = self.principal.actor.id
            if named and named.lower() != own:
                raise PortalError(
                    403, "not_yours", f"法人 {named} の医療機関等は登録できません", "another corporation"
                )
            return own
        return named.lower() or None

    async def _finish(self, rows: int) -> None:
        rejected = sorted(self.rejected, key=lambda r: r.line)
        if rejected:
            await self.conn.execute(
                insert(import_rejections),
                [{"import_id": self.report.import_id, "line": r.line, "reason_ja": r.reason_ja, "reason_en": r.reason_en}
                 for r in rejected],
            )  # fmt: skip
        self.report.total += rows
        self.report.loaded += self.loaded
        self.report.unchanged += self.unchanged
        self.report.rejected.extend(rejected)


# The column a refused step is reported under: the facility for "not yours / no account", else
# the cell that asked for the step.
_STEP_COLUMNS = {
    "operation_start": "operation_start_date",
    "applications": "kind",
    "accounts": "facility_code",
}


def _refusal(feed: str, error: PortalError | TransitionRefused) -> InvalidValue:
    column = "facility_code" if isinstance(error, PortalError) else _STEP_COLUMNS[feed]
    return InvalidValue(column, Problem.INCONSISTENT, error.message_ja, error.message_en)
