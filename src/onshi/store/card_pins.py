"""Server-side PIN retry counters of the consent web, per card certificate.

The emulated card keeps its own counter in its file, and whoever holds the file can copy it
before trying. The web therefore counts too, by certificate serial, in the database: an
attempt is counted *before* the PIN is tried (one conditional UPDATE, so parallel requests
cannot all slip under the limit) and cleared when the PIN was right — a crash in between
costs the patient one try, never gives an attacker one.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.store.dialect import dialect_insert
from onshi.store.schema import card_pin_attempts

MAX_FAILURES = 3  # like the card: the third wrong PIN locks
_T = card_pin_attempts.c


async def reserve_attempt(conn: AsyncConnection, serial: str, at: datetime) -> int | None:
    """Count one attempt for the certificate; the attempts left after it fails, or None when
    the PIN route is locked already (nothing counted)."""
    statement = dialect_insert(conn, card_pin_attempts).values(
        certificate_serial=serial, failures=0, updated_at=at
    )
    await conn.execute(statement.on_conflict_do_nothing(index_elements=["certificate_serial"]))
    result = await conn.execute(
        update(card_pin_attempts)
        .where(_T.certificate_serial == serial, _T.failures < MAX_FAILURES)
        .values(failures=_T.failures + 1, updated_at=at)
        .returning(_T.failures)
    )
    failures = result.scalar_one_or_none()
    if failures is None:
        return None
    if failures >= MAX_FAILURES:
        await conn.execute(
            update(card_pin_attempts).where(_T.certificate_serial == serial).values(locked_at=at)
        )
    return MAX_FAILURES - int(failures)


async def clear(conn: AsyncConnection, serial: str, at: datetime) -> None:
    """The PIN was right: the reserved attempt and earlier failures are forgotten (as on the card)."""
    await conn.execute(
        update(card_pin_attempts)
        .where(_T.certificate_serial == serial, _T.locked_at.is_(None))
        .values(failures=0, updated_at=at)
    )


async def attempts_left(conn: AsyncConnection, serial: str) -> int:
    failures = (
        await conn.execute(select(_T.failures).where(_T.certificate_serial == serial))
    ).scalar_one_or_none()
    return MAX_FAILURES - int(failures or 0)


async def lock(conn: AsyncConnection, serial: str, at: datetime) -> None:
    """Lock the PIN route (the uploaded card file said it is locked itself)."""
    statement = dialect_insert(conn, card_pin_attempts).values(
        certificate_serial=serial, failures=MAX_FAILURES, updated_at=at, locked_at=at
    )
    await conn.execute(
        statement.on_conflict_do_update(
            index_elements=["certificate_serial"],
            set_={"failures": MAX_FAILURES, "updated_at": at, "locked_at": at},
        )
    )
