"""Card tables on SQLite and PostgreSQL: single-use challenges, one person per certificate, revocation."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy.exc import IntegrityError

from onshi.domain.card import FormFactor, RevocationReason
from onshi.domain.dates import now_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.linkage import Attribute, LinkageDecision, LinkageRefusal
from onshi.store import cards, facilities
from onshi.store.database import Database
from tests.factories import key

CLINIC = "1310000017"
LIFETIME = timedelta(minutes=5)


@pytest.fixture
async def clinic(db: Database) -> Database:
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC), "テスト診療所", FacilityType.MEDICAL_CLINIC)]
        )
    return db


def record(serial: str = "ab12") -> cards.CertificateRecord:
    now = now_jst()
    return cards.CertificateRecord(
        serial,
        f"{serial:0>64}",
        FormFactor.CARD,
        now - timedelta(days=1),
        now + timedelta(days=9),
        now,
        key(),
    )


async def test_a_challenge_is_used_once_by_its_own_facility(clinic: Database) -> None:
    at = now_jst()
    async with clinic.write() as conn:
        await cards.issue_challenge(conn, "nonce-1", CLINIC, at)
    async with clinic.write() as conn:
        assert not await cards.consume_challenge(conn, "nonce-1", "1310000025", at, LIFETIME)
        assert await cards.consume_challenge(conn, "nonce-1", CLINIC, at, LIFETIME)
    async with clinic.write() as conn:
        assert not await cards.consume_challenge(conn, "nonce-1", CLINIC, at, LIFETIME)
        assert not await cards.consume_challenge(conn, "unknown", CLINIC, at, LIFETIME)


async def test_concurrent_uses_of_one_challenge_succeed_once(clinic: Database) -> None:
    at = now_jst()
    async with clinic.write() as conn:
        await cards.issue_challenge(conn, "nonce-2", CLINIC, at)

    async def use() -> bool:
        async with clinic.write() as conn:
            return await cards.consume_challenge(conn, "nonce-2", CLINIC, at, LIFETIME)

    assert sorted(await asyncio.gather(*(use() for _ in range(4)))) == [False, False, False, True]


async def test_an_old_challenge_has_expired(clinic: Database) -> None:
    at = now_jst()
    async with clinic.write() as conn:
        await cards.issue_challenge(conn, "nonce-3", CLINIC, at - timedelta(minutes=6))
        assert not await cards.consume_challenge(conn, "nonce-3", CLINIC, at, LIFETIME)


async def test_a_certificate_links_to_one_person_only(db: Database) -> None:
    at = now_jst()
    linked = LinkageDecision(key(), (), (Attribute.ADDRESS,), None)
    async with db.write() as conn:
        await cards.record_certificate(conn, record())
        await cards.link(conn, "ab12", linked, CLINIC, at)
    with pytest.raises(IntegrityError):
        async with db.write() as conn:
            await cards.link(conn, "ab12", LinkageDecision(key(number="999"), (), (), None), CLINIC, at)
    async with db.read() as conn:
        stored = await cards.linkage(conn, "ab12")
    assert stored is not None
    assert stored.person == key()
    assert stored.unverified == (Attribute.ADDRESS,)
    assert Attribute.NAME in stored.checked


async def test_refused_linkages_keep_attribute_names_only(db: Database) -> None:
    refused = LinkageDecision(key(), (Attribute.NAME, Attribute.SEX), (), LinkageRefusal.MISMATCH)
    async with db.write() as conn:
        await cards.report_refused_linkage(conn, "ab12", refused, CLINIC, now_jst())
    async with db.read() as conn:
        (report,) = await cards.refused_linkages(conn, "ab12")
    assert (report["refusal"], report["mismatches"]) == ("mismatch", "name,sex")


async def test_revocation_is_recorded_once(db: Database) -> None:
    async with db.write() as conn:
        await cards.record_certificate(conn, record())
        assert await cards.revoke(conn, "ab12", RevocationReason.LOST, now_jst())
        assert not await cards.revoke(conn, "ab12", RevocationReason.RENEWED, now_jst())
        assert not await cards.revoke(conn, "ffff", RevocationReason.LOST, now_jst())
    async with db.read() as conn:
        stored = await cards.certificate(conn, "ab12")
    assert stored is not None
    assert stored.revoked
    assert stored.revocation_reason is RevocationReason.LOST
    assert stored.holder == key()
