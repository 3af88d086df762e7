"""Prior notifications, the compliance view and the survey, stored and read back on both databases."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import today_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.milestones import Milestone
from onshi.domain.portal.compliance import NotNeeded
from onshi.domain.portal.registration import read_registration
from onshi.domain.portal.survey import Reason
from onshi.domain.portal.transitional import Status
from onshi.services import portal_accounts, portal_filings
from onshi.services.portal_common import PortalError
from onshi.store import facilities, milestones
from onshi.store.database import Database
from onshi.store.schema import audit_events

OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)
NURSING = "1361000012"


async def register(db: Database, code: str, kind: str, **more: str) -> Actor:
    form = {
        "facility_code": code,
        "name": f"施設 {code}",
        "facility_type": kind,
        "email": "x@example.jp",
        **more,
    }
    await portal_accounts.register_facility(db, OPERATOR, read_registration(form), "kakunin-2024")
    return Actor(ActorKind.FACILITY, code, Channel.WEB)


async def test_notifications_and_the_compliance_view(db: Database) -> None:
    clinic = await register(db, "1311000011", "medical_clinic")
    await register(db, "1331000019", "dental_clinic", paper_claims="1")
    station = await register(db, NURSING, "visiting_nursing")
    async with (
        db.write() as conn
    ):  # a facility outside the portal, operating since 2023-05-10 by another source
        await facilities.save(
            conn, [Facility(FacilityCode.parse("1341000011"), "外部薬局", FacilityType.PHARMACY)]
        )
        await milestones.record(
            conn, [(FacilityCode.parse("1341000011"), Milestone.OPERATING, date(2023, 5, 10))], "load"
        )
    filed = await portal_filings.file_notification(
        db, clinic, "1311000011", {"category": "renovation", "works_end_on": "2099-03-31"}
    )
    assert filed.deadline.until == date(2099, 3, 31)
    young = {"category": "special_difficulty", "staff_birthdates": "1950-01-01\n1970-05-05"}
    pending = await portal_filings.file_notification(db, station, NURSING, young)
    assert pending.remarks  # the age rule is not met: waits for the operator's judgement
    verdicts = {v.facts.code: v.status for v in await portal_filings.verdicts(db, today_jst())}
    assert verdicts == {
        "1311000011": Status.TRANSITIONAL, "1331000019": Status.EXEMPT, NURSING: Status.OVERDUE,
        "1341000011": Status.COMPLIANT,
    }  # fmt: skip
    await portal_filings.approve_notification(db, OPERATOR, pending.id)
    with pytest.raises(PortalError):  # a renovation is not judged
        await portal_filings.approve_notification(db, OPERATOR, filed.id)
    verdicts = {v.facts.code: v.status for v in await portal_filings.verdicts(db, today_jst())}
    assert verdicts[NURSING] is Status.TRANSITIONAL
    again = await portal_filings.file_notification(db, clinic, "1311000011", {"category": "network"})
    assert again.deadline.until is None  # a newer notification supersedes the renovation
    with pytest.raises(NotNeeded):
        await portal_filings.file_notification(
            db, Actor(ActorKind.FACILITY, "1331000019", Channel.WEB), "1331000019", {"category": "network"}
        )
    async with db.read() as conn:
        outcomes = (
            (
                await conn.execute(
                    select(audit_events.c.outcome).where(audit_events.c.action == "portal.notification")
                )
            )
            .scalars()
            .all()
        )
    assert outcomes == ["filed:renovation", "filed:special_difficulty", "approved", "filed:network"]


async def test_survey_answers_and_tally(db: Database) -> None:
    first = await register(db, "1311000011", "medical_clinic")
    second = await register(db, "2741000015", "pharmacy")
    hospital = await register(db, "1311000029", "hospital")
    await portal_filings.answer_survey(
        db, first, "1311000011", {"plans": "no", "reasons": ["busy"], "conditions": ["card_spread"]}
    )
    await portal_filings.answer_survey(db, first, "1311000011",  # the latest answer counts
                                       {"plans": "no", "reasons": ["running_costs", "few_card_users"], "conditions": "support"})  # fmt: skip
    await portal_filings.answer_survey(
        db,
        second,
        "2741000015",
        {"plans": "yes", "planned_year": "2023", "planned_month": "1", "conditions": ["others_use"]},
    )
    await portal_filings.answer_survey(
        db,
        hospital,
        "1311000029",
        {"plans": "no", "reasons": "running_costs", "conditions": "support", "beds": "80"},
    )
    tally = await portal_filings.survey_tally(db)
    assert (tally.total.responses, tally.total.plans, tally.total.no_plans) == (3, 1, 2)
    assert tally.total.reasons[Reason.RUNNING_COSTS] == 2 and tally.total.reasons[Reason.BUSY] == 0
    assert tally.by_prefecture["13"].no_plans == 2 and tally.by_prefecture["27"].plans == 1
    assert tally.planned_months == {date(2023, 1, 1): 1}
