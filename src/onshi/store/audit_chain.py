"""The audit trail chained by hash, in sealed ranges (`onshi audit seal`, `onshi audit verify`).

Triggers already refuse UPDATE and DELETE on `audit_events`; the chain catches what a
database superuser could still do with the triggers dropped. A sealer (central, every few
seconds) chains the events that have settled — older than SETTLE_SECONDS, so a transaction
still in flight cannot commit an id below a seal — and appends one `audit_seals` row per range.
`verify` recomputes every range: an edited, deleted or later-inserted event changes the range's
count or hash. Events after the last seal are reported as unsealed (they are younger than a
few seconds, or nobody ran the sealer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import orjson
from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.audit import GENESIS, chain_step
from onshi.store.dialect import aware_jst, is_postgres
from onshi.store.schema import audit_events, audit_seals

_TRY_SEAL_LOCK = "SELECT pg_try_advisory_xact_lock(7042002)"  # held until the seal commits
SETTLE_SECONDS = 30.0  # longer than any transaction that writes audit events
_PAGE = 5000
_FIELDS = (
    "id", "occurred_at", "actor_kind", "actor_id", "credential_id", "channel", "action", "subject_key",
    "outcome", "detail",
)  # fmt: skip


def canonical(row: Any) -> bytes:
    """One form for both databases: JST timestamps to the microsecond, keys sorted."""
    values = {name: row[name] for name in _FIELDS}
    values["occurred_at"] = aware_jst(values["occurred_at"]).isoformat(timespec="microseconds")
    return orjson.dumps(values, option=orjson.OPT_SORT_KEYS)


@dataclass(frozen=True, slots=True)
class Seal:
    seq: int
    through_id: int
    events: int
    chain_hash: str


async def _last(conn: AsyncConnection) -> Seal | None:
    row = (await conn.execute(select(audit_seals).order_by(audit_seals.c.seq.desc()).limit(1))).first()
    return Seal(row.seq, row.through_id, row.events, row.chain_hash) if row else None


async def _events(conn: AsyncConnection, after: int, through: int | None = None) -> AsyncIterator[Any]:
    """Events with ids in (after, through], in id order, a page at a time."""
    while True:
        query = select(audit_events).where(audit_events.c.id > after).order_by(audit_events.c.id).limit(_PAGE)
        if through is not None:
            query = query.where(audit_events.c.id <= through)
        rows = (await conn.execute(query)).mappings().all()
        for row in rows:
            yield row
        if len(rows) < _PAGE:
            return
        after = rows[-1]["id"]


async def seal(conn: AsyncConnection, now: datetime, settle_seconds: float = SETTLE_SECONDS) -> Seal | None:
    """Chain the settled events after the last seal into a new seal; None when there were none,
    or when another sealer is at work (PostgreSQL)."""
    if is_postgres(conn) and not (await conn.execute(text(_TRY_SEAL_LOCK))).scalar_one():
        # Every central worker runs a sealer: without the lock each one read and hashed the
        # same events (≈ 20 µs of a worker's CPU per event each) and all but one lost the insert.
        return None
    last = await _last(conn)
    previous, after = (last.chain_hash, last.through_id) if last else (GENESIS, 0)
    settled = now - timedelta(seconds=settle_seconds)
    through = (
        await conn.execute(
            select(func.max(audit_events.c.id)).where(
                audit_events.c.id > after, audit_events.c.occurred_at <= settled
            )
        )
    ).scalar_one_or_none()
    if through is None:
        return None
    chain, count = previous, 0
    async for row in _events(conn, after, through):
        chain, count = chain_step(chain, canonical(row)), count + 1
    made = Seal((last.seq if last else 0) + 1, int(through), count, chain)
    # Two sealers at once: the second insert of this seq fails on the primary key (IntegrityError
    # for the caller, who lets the transaction go: the other seal stands).
    await conn.execute(insert(audit_seals).values(
        seq=made.seq, through_id=made.through_id, events=made.events, chain_hash=made.chain_hash, sealed_at=now,
    ))  # fmt: skip
    return made


@dataclass(slots=True)
class Verification:
    seals: int = 0
    events: int = 0  # sealed events checked
    unsealed: int = 0  # events after the last seal
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


async def verify(conn: AsyncConnection) -> Verification:
    result = Verification()
    previous, after = GENESIS, 0
    seals = (await conn.execute(select(audit_seals).order_by(audit_seals.c.seq))).all()
    for expected_seq, row in enumerate(seals, start=1):
        if row.seq != expected_seq:
            result.problems.append(f"seal {expected_seq} is missing (found {row.seq})")
        chain, count = previous, 0
        async for event in _events(conn, after, row.through_id):
            chain, count = chain_step(chain, canonical(event)), count + 1
        if count != row.events:
            result.problems.append(
                f"seal {row.seq} (events {after + 1}–{row.through_id}): {count} events where {row.events} were sealed"
                " — deleted or inserted afterwards"
            )
        elif chain != row.chain_hash:
            result.problems.append(
                f"seal {row.seq} (events {after + 1}–{row.through_id}): an event was changed"
            )
        result.seals, result.events = result.seals + 1, result.events + count
        previous, after = row.chain_hash, row.through_id
    tail = select(func.count()).select_from(audit_events).where(audit_events.c.id > after)
    result.unsealed = int((await conn.execute(tail)).scalar_one())
    return result
