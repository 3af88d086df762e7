"""Single-use nonces a patient's card signs to open a patient session (menu or API)."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, insert, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.store.schema import patient_challenges

RETENTION = timedelta(days=1)
_T = patient_challenges.c


async def issue(conn: AsyncConnection, nonce: str, at: datetime) -> None:
    await conn.execute(delete(patient_challenges).where(_T.issued_at < at - RETENTION))
    await conn.execute(insert(patient_challenges).values(nonce=nonce, issued_at=at))


async def consume(conn: AsyncConnection, nonce: str, at: datetime, lifetime: timedelta) -> bool:
    """Mark the nonce used; False when unknown, used or too old (one conditional UPDATE)."""
    result = await conn.execute(
        update(patient_challenges)
        .where(_T.nonce == nonce, _T.used_at.is_(None), _T.issued_at >= at - lifetime)
        .values(used_at=at)
    )
    return result.rowcount == 1
