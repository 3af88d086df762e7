"""The onboarding's verbs on both databases: a stage moved by one request only, the certificate
issued once under concurrent downloads, milestones and audit written with the change."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import func, select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.portal.onboarding import Application, Stage, TransitionRefused
from onshi.domain.portal.registration import read_registration
from onshi.services import portal_accounts, portal_onboarding
from onshi.services.portal_common import PortalError
from onshi.store import certificates
from onshi.store import portal_onboarding as store
from onshi.store.database import Database
from onshi.store.schema import audit_events, facility_milestones

OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)
CODE = "1311000011"
CLINIC = Actor(ActorKind.FACILITY, CODE, Channel.WEB)
DETAILS = {
    Application.CARD_READER: {"readers": "1", "contact_name": "佐藤", "phone": "03-1234-5678"},
    Application.USAGE: {
        "representative": "桜井",
        "contact_name": "佐藤",
        "phone": "03-1234-5678",
        "email": "a@b.jp",
        "vendor": "V",
    },
    Application.CERTIFICATE: {"contact_name": "佐藤"},
}


async def registered(db: Database) -> None:
    form = {"facility_code": CODE, "name": "さくら内科", "facility_type": "medical_clinic", "email": "a@b.jp"}
    await portal_accounts.register_facility(db, OPERATOR, read_registration(form), "kakunin-2024")


async def test_two_decisions_on_one_application_one_wins(db: Database) -> None:
    await registered(db)
    record = await portal_onboarding.submit(
        db, CLINIC, CODE, Application.CARD_READER, DETAILS[Application.CARD_READER]
    )
    outcomes = await asyncio.gather(
        portal_onboarding.decide(db, OPERATOR, record.id, True),
        portal_onboarding.decide(db, OPERATOR, record.id, False, "重複"),
        return_exceptions=True,
    )
    assert sum(not isinstance(o, BaseException) for o in outcomes) == 1
    assert all(
        isinstance(o, PortalError | TransitionRefused) for o in outcomes if isinstance(o, BaseException)
    )
    async with db.read() as conn:
        state = await store.onboarding_of(conn, CODE)
    assert state is not None and state.stage in (Stage.CARD_READER_APPROVED, Stage.CARD_READER_RETURNED)


async def test_concurrent_downloads_issue_one_certificate(db: Database, tmp_path: Path) -> None:
    await registered(db)
    for application, details in DETAILS.items():
        record = await portal_onboarding.submit(db, CLINIC, CODE, application, details)
        await portal_onboarding.decide(db, OPERATOR, record.id, True)
    outcomes = await asyncio.gather(
        *(portal_onboarding.download_certificate(db, tmp_path / "ca", CLINIC, CODE) for _ in range(3)),
        return_exceptions=True,
    )
    issued = [o for o in outcomes if isinstance(o, portal_onboarding.Download)]
    assert len(issued) == 1
    async with db.read() as conn:
        recorded = await certificates.for_facility(conn, CODE)
        reached = (await conn.execute(select(func.count()).select_from(facility_milestones)
                                      .where(facility_milestones.c.milestone == "certificate_issued"))).scalar_one()  # fmt: skip
        audited = (await conn.execute(select(func.count()).select_from(audit_events)
                                      .where(audit_events.c.outcome == "issued"))).scalar_one()  # fmt: skip
    assert [c.serial for c in recorded] == [issued[0].issued.serial] and reached == 1 and audited == 1


async def test_a_refused_step_writes_nothing(db: Database) -> None:
    await registered(db)
    with pytest.raises(TransitionRefused):
        await portal_onboarding.submit(db, CLINIC, CODE, Application.USAGE, DETAILS[Application.USAGE])
    async with db.read() as conn:
        applications = await store.applications(conn, facility_code=CODE)
        milestones = (await conn.execute(select(facility_milestones.c.milestone))).scalars().all()
    assert applications == [] and milestones == ["account_registered"]
