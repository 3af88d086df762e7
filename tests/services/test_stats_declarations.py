"""A facility's declaration for the lump sum: stored with its audit record, read by its report."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services.stats_declarations import declare
from onshi.services.stats_reports import facility_report
from onshi.store import facilities
from onshi.store.database import Database
from onshi.store.schema import audit_events

CLINIC = "1310000017"


async def test_a_declaration_is_audited_and_counted(db: Database) -> None:
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC), "さくら内科", FacilityType.MEDICAL_CLINIC)]
        )
    actor = Actor(ActorKind.FACILITY, CLINIC, Channel.WEB)

    def poster(report: object) -> bool:
        (check,) = [
            c for c in report.extra["support"]["lump_sum"]["checks"] if c["requirement"] == "poster_and_flyer"
        ]  # type: ignore[attr-defined]
        return bool(check["met"])

    assert not poster(await facility_report(db, FacilityCode(CLINIC)))
    await declare(db, actor, "poster_and_flyer", True)
    assert poster(await facility_report(db, FacilityCode(CLINIC)))
    await declare(db, actor, "poster_and_flyer", False)
    report = await facility_report(db, FacilityCode(CLINIC))
    assert not poster(report) and report.extra["support"]["declarations"] == []
    async with db.read() as conn:
        outcomes = [r.outcome for r in await conn.execute(
            select(audit_events.c.outcome).where(audit_events.c.action == "mypage.declare").order_by(audit_events.c.id)
        )]  # fmt: skip
    assert outcomes == ["declared", "withdrawn"]
    with pytest.raises(InvalidValue):
        await declare(db, actor, "banner", True)
    with pytest.raises(PermissionError):
        await declare(db, Actor(ActorKind.OPERATOR, "ops", Channel.WEB), "poster_and_flyer", True)
