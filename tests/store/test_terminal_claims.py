"""One run per terminal request id: a second send waits while the first holds its claim,
and takes over only when the claim's lease ran out (its process died)."""

from __future__ import annotations

from sqlalchemy import update

from onshi.domain.dates import now_jst
from onshi.store import terminal_requests
from onshi.store.database import Database
from onshi.store.schema import terminal_request_claims


async def claim(db: Database, request_id: str = "r1") -> bool:
    async with db.write() as conn:
        return await terminal_requests.claim(conn, "1310000017", request_id)


async def test_the_first_send_claims_and_a_resend_waits(db: Database) -> None:
    assert await claim(db)
    assert not await claim(db)
    assert await claim(db, "r2")  # another request is independent


async def test_an_expired_claim_is_taken_over_once(db: Database) -> None:
    assert await claim(db)
    async with db.write() as conn:
        old = now_jst() - terminal_requests.CLAIM_LEASE * 2
        await conn.execute(update(terminal_request_claims).values(claimed_at=old))
    assert await claim(db)
    assert not await claim(db)
