"""Results central gave terminals, by the terminal's request id: a resend gets the same answer."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.dates import now_jst
from onshi.store.dialect import dialect_insert
from onshi.store.schema import terminal_request_claims, terminal_requests


@dataclass(frozen=True, slots=True)
class StoredResult:
    result_filename: str
    result: bytes


async def find(conn: AsyncConnection, facility_code: str, request_id: str) -> StoredResult | None:
    row = (
        await conn.execute(
            select(terminal_requests.c.result_filename, terminal_requests.c.result).where(
                terminal_requests.c.facility_code == facility_code,
                terminal_requests.c.request_id == request_id,
            )
        )
    ).first()
    return StoredResult(row.result_filename, bytes(row.result)) if row else None


async def keep(
    conn: AsyncConnection, facility_code: str, request_id: str, request_filename: str, result: StoredResult
) -> StoredResult:
    """Store a result unless one is stored already (two sends racing): the stored one wins."""
    statement = (
        dialect_insert(conn, terminal_requests)
        .values(
            facility_code=facility_code,
            request_id=request_id,
            request_filename=request_filename,
            result_filename=result.result_filename,
            result=result.result,
            received_at=now_jst(),
        )
        .on_conflict_do_nothing(index_elements=["facility_code", "request_id"])
    )
    inserted = (await conn.execute(statement)).rowcount == 1
    # Answered: the claim has done its work (a later resend finds the stored result first).
    await conn.execute(
        delete(terminal_request_claims).where(
            terminal_request_claims.c.facility_code == facility_code,
            terminal_request_claims.c.request_id == request_id,
        )
    )
    if inserted:  # ours is the stored one: no need to read back what may be an 18 MB file
        return result
    stored = await find(conn, facility_code, request_id)
    assert stored is not None
    return stored


# As long as clients wait for an answer (domain.md §10: 10 s); after that the first send is
# given up on by its sender, and a claim that old belonged to a process that died.
CLAIM_LEASE = timedelta(seconds=10)


async def claim(conn: AsyncConnection, facility_code: str, request_id: str) -> bool:
    """Claim the right to answer a request (commit before answering). False while another
    send of it holds an unexpired claim."""
    now = now_jst()
    statement = (
        dialect_insert(conn, terminal_request_claims)
        .values(facility_code=facility_code, request_id=request_id, claimed_at=now)
        .on_conflict_do_nothing(index_elements=["facility_code", "request_id"])
    )
    if (await conn.execute(statement)).rowcount == 1:
        return True
    taken_over = await conn.execute(
        update(terminal_request_claims)
        .where(
            terminal_request_claims.c.facility_code == facility_code,
            terminal_request_claims.c.request_id == request_id,
            terminal_request_claims.c.claimed_at < now - CLAIM_LEASE,
        )
        .values(claimed_at=now)
    )
    return taken_over.rowcount == 1


async def renew(conn: AsyncConnection, facility_code: str, request_id: str) -> None:
    """Keep a claim fresh while its request is being answered: a live answer that takes longer
    than the lease (an overloaded server) is not taken over by a resend and run twice."""
    await conn.execute(
        update(terminal_request_claims)
        .where(
            terminal_request_claims.c.facility_code == facility_code,
            terminal_request_claims.c.request_id == request_id,
        )
        .values(claimed_at=now_jst())
    )
