"""A send being answered keeps its claim fresh: an answer slower than the lease (an
overloaded server) is not taken over by a resend and run twice; a claim whose process died
still expires."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from onshi.central.terminal import renewing_claim
from onshi.store import terminal_requests
from onshi.store.database import Database

CLINIC = "1310000017"


async def claim(db: Database) -> bool:
    async with db.write() as conn:
        return await terminal_requests.claim(conn, CLINIC, "r1")


async def test_a_claim_renewed_while_answering_outlives_its_lease(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(terminal_requests, "CLAIM_LEASE", timedelta(seconds=0.6))
    assert await claim(db)
    async with renewing_claim(db, CLINIC, "r1"):
        await asyncio.sleep(1.5)  # two and a half leases
        assert not await claim(db)
    await asyncio.sleep(0.8)  # no longer renewed: as if its process had died
    assert await claim(db)
