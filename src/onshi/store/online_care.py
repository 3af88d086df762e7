"""Online-care sessions (オンライン診療等): created by an app for its facility, opened once by the
patient's browser, completed with an outcome, fetched once by the facility (then erased)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.store.dialect import aware_jst
from onshi.store.schema import facilities, online_care_sessions

_T = online_care_sessions.c
# Sessions are deleted this long after they expired (fetched or not).
RETENTION = timedelta(days=1)


class Status(StrEnum):
    CREATED = "created"  # the app has the URL; no browser opened it yet
    OPENED = "opened"  # one browser opened it (and only that browser may continue)
    COMPLETED = "completed"  # consent and qualification are ready for the app
    REFUSED = "refused"  # the card was refused (locked PIN, revoked, not linked …)
    FETCHED = "fetched"  # the app took the outcome; nothing is left to take


@dataclass(frozen=True, slots=True)
class OnlineCareSession:
    id: str
    facility_code: str
    facility_name: str
    return_url: str
    state: str
    status: Status
    created_at: datetime
    expires_at: datetime
    completed_at: datetime | None
    outcome: str | None

    def expired_at(self, at: datetime) -> bool:
        return at >= self.expires_at


def _session(row: Any) -> OnlineCareSession:
    return OnlineCareSession(
        id=row["id"],
        facility_code=row["facility_code"],
        facility_name=row["facility_name"],
        return_url=row["return_url"],
        state=row["state"],
        status=Status(row["status"]),
        created_at=aware_jst(row["created_at"]),
        expires_at=aware_jst(row["expires_at"]),
        completed_at=aware_jst(row["completed_at"]),
        outcome=row["outcome"],
    )


def _select() -> Any:
    return select(online_care_sessions, facilities.c.name.label("facility_name")).join(
        facilities, facilities.c.code == _T.facility_code
    )


async def create(
    conn: AsyncConnection,
    session_id: str,
    facility_code: str,
    start_token_hash: str,
    return_url: str,
    state: str,
    at: datetime,
    lifetime: timedelta,
) -> None:
    await conn.execute(delete(online_care_sessions).where(_T.expires_at < at - RETENTION))
    await conn.execute(
        insert(online_care_sessions).values(
            id=session_id,
            facility_code=facility_code,
            start_token_hash=start_token_hash,
            return_url=return_url,
            state=state,
            status=Status.CREATED.value,
            created_at=at,
            expires_at=at + lifetime,
        )
    )


async def get(conn: AsyncConnection, session_id: str) -> OnlineCareSession | None:
    row = (await conn.execute(_select().where(_T.id == session_id))).mappings().first()
    return _session(row) if row else None


async def open_once(
    conn: AsyncConnection, start_token_hash: str, browser_token_hash: str, at: datetime
) -> OnlineCareSession | None:
    """Bind the session to the first browser that opens the one-time URL; None when the URL is
    unknown, expired or was opened already."""
    result = await conn.execute(
        update(online_care_sessions)
        .where(
            _T.start_token_hash == start_token_hash,
            _T.status == Status.CREATED.value,
            _T.expires_at > at,
        )
        .values(status=Status.OPENED.value, browser_token_hash=browser_token_hash, opened_at=at)
    )
    if result.rowcount != 1:
        return None
    row = (await conn.execute(_select().where(_T.start_token_hash == start_token_hash))).mappings().first()
    return _session(row) if row else None


async def by_browser(
    conn: AsyncConnection, browser_token_hash: str, at: datetime
) -> OnlineCareSession | None:
    """The open session this browser is working on (not yet completed, not expired)."""
    query = _select().where(
        _T.browser_token_hash == browser_token_hash,
        _T.status == Status.OPENED.value,
        _T.expires_at > at,
    )
    row = (await conn.execute(query)).mappings().first()
    return _session(row) if row else None


async def finish(conn: AsyncConnection, session_id: str, status: Status, outcome: str, at: datetime) -> bool:
    """Completed or refused, with the outcome for the app; False when no longer open."""
    result = await conn.execute(
        update(online_care_sessions)
        .where(_T.id == session_id, _T.status == Status.OPENED.value)
        .values(status=status.value, outcome=outcome, completed_at=at)
    )
    return result.rowcount == 1


async def take_outcome(
    conn: AsyncConnection, session_id: str, facility_code: str, at: datetime, window: timedelta
) -> OnlineCareSession | None:
    """The finished session for its own facility, once: the outcome is erased as it is taken.
    None when unknown, another facility's, not finished, already taken, or finished longer
    than `window` ago."""
    row = (
        (await conn.execute(_select().where(_T.id == session_id, _T.facility_code == facility_code)))
        .mappings()
        .first()
    )
    if row is None:
        return None
    found = _session(row)
    if found.status not in (Status.COMPLETED, Status.REFUSED) or found.completed_at is None:
        return None
    if at >= found.completed_at + window:
        return None
    result = await conn.execute(
        update(online_care_sessions)
        .where(_T.id == session_id, _T.status == found.status.value, _T.fetched_at.is_(None))
        .values(status=Status.FETCHED.value, fetched_at=at, outcome=None)
    )
    return found if result.rowcount == 1 else None
