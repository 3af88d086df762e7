"""照会番号 registration, single and bulk, on both backends — with its audit in the same transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services.reference_numbers import (
    ReferenceEntry,
    register_reference_number,
    register_reference_numbers,
)
from onshi.store import facilities
from onshi.store import reference_numbers as store
from onshi.store.database import Database
from onshi.store.schema import audit_events
from tests.factories import KYOKAI_TOKYO, feed_row, key
from tests.services.test_insurer_import import load

CLINIC = Actor(ActorKind.FACILITY, "1310000017", Channel.TERMINAL)
ROWS = [
    feed_row(),
    feed_row(insured_identification_number="7", insured_branch_number="01", name="山田　一郎"),
    feed_row(insured_identification_number="7", insured_branch_number="02", name="山田　二郎"),
]


@pytest.fixture
async def registry(db: Database) -> Database:
    assert (await load(db, ROWS)).ok
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC.id), "テスト診療所", FacilityType.MEDICAL_CLINIC)]
        )
    return db


def entry(reference: str, number: str = "456", branch: str | None = None, **extra: str) -> ReferenceEntry:
    return ReferenceEntry(reference, extra.get("insurer", KYOKAI_TOKYO.digits), number, "１２３", branch)


async def lookup(db: Database, number: str = "456", branch: str = "00") -> str | None:
    async with db.read() as conn:
        return await store.lookup(conn, CLINIC.id, key(number=number, branch=branch))


async def test_a_single_registration_is_stored_and_audited(registry: Database) -> None:
    async with registry.write() as conn:
        result = await register_reference_number(conn, CLINIC, entry(" P-0042 "))
    assert result.registered
    assert result.person == key()
    assert await lookup(registry) == "P-0042"
    async with registry.read() as conn:
        query = select(audit_events).where(audit_events.c.action == "reference.register")
        rows = (await conn.execute(query)).mappings().all()
    assert [(r["action"], r["outcome"], r["subject_key"]) for r in rows] == [
        ("reference.register", "registered", "01130012:123:456:00")
    ]


async def test_registering_again_replaces_the_number(registry: Database) -> None:
    for reference in ("P-1", "P-2"):
        async with registry.write() as conn:
            await register_reference_number(conn, CLINIC, entry(reference))
    assert await lookup(registry) == "P-2"


async def test_bulk_reports_each_entry_and_registers_the_good_ones(registry: Database) -> None:
    entries = [
        entry("A-1"),
        entry("A-2", number="7"),  # two people under these numbers, no branch
        entry("A-3", number="7", branch="02"),
        entry("A-4", number="404"),
        entry("", number="456"),
        entry("123456789012", number="456"),  # may be a My Number
        entry("A-7", insurer="01130013"),  # bad check digit
        entry("A-8"),  # the same person again: the later entry wins
    ]
    async with registry.write() as conn:
        results = await register_reference_numbers(conn, CLINIC, entries)
    codes = [r.code.code if r.code else None for r in results]
    assert codes == [None, "ONSP4002", None, "ONSP4001", "ONSP1001", "ONSP1008", "ONSP1003", None]
    assert "個人番号" in results[5].message_ja
    assert await lookup(registry) == "A-8"
    assert await lookup(registry, "7", "02") == "A-3"
    assert await lookup(registry, "7", "01") is None
    async with registry.read() as conn:
        query = select(audit_events.c.outcome).where(audit_events.c.action == "reference.register")
        outcomes = (await conn.execute(query)).scalars().all()
    assert len(outcomes) == len(entries)
