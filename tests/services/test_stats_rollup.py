"""The monthly roll-ups, rebuilt from the audit trail: what counts, 名寄せ across visits and card
keys, month boundaries in JST, and the utilisation rate with the claim-month offset."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent, subject_key
from onshi.domain.consent import ConsentChoices, ConsentContext
from onshi.domain.dates import JST, now_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.insurer import InsurerNumber
from onshi.domain.portal.values import shift_month
from onshi.services import (
    batch_answers,
    card_confirmation,
    clinical,
    confirmation,
    public_expense_confirmation,
    reinquiry,
)
from onshi.services.card_confirmation import CardConfirmed
from onshi.services.confirmation import Confirmed, InputRejected, NumberConfirmation, confirm_by_numbers
from onshi.services.consent_web_confirm import WebConsent, register_consent
from onshi.services.stats_reports import (
    NotBuilt,
    UsageQuery,
    UtilisationQuery,
    usage_report,
    utilisation_report,
)
from onshi.services.stats_rollup import rebuild, rebuild_month, trail_months
from onshi.store import facilities, stats
from onshi.store.audit import DirectAuditLog, insert_events
from onshi.store.database import Database
from onshi.store.schema import audit_events, stats_usage_monthly
from onshi.store.web_sessions import IdentityMode
from tests.consent_web.support import CLINIC, PHARMACY, PIN, facility_actor, pki_dir, prepare  # noqa: F401
from tests.factories import KENPO, KYOKAI_TOKYO, feed_row
from tests.services.test_insurer_import import load
from tests.services.test_stats_import import claim
from tests.services.test_stats_import import load as load_feed

OCT, NOV = date(2023, 10, 1), date(2023, 11, 1)
HOSPITAL = "1310000025"
JIEIKAN = InsurerNumber.build("0713001")  # 自衛官等: not counted in the rate
OPERATOR = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)


def at(day: int, hour: int = 10, month: date = OCT) -> datetime:
    return datetime(month.year, month.month, day, hour, tzinfo=JST)


def card_key(insurer: InsurerNumber, number: str) -> str:
    return subject_key(insurer.digits, "1", number, "00")


def event(action: str, outcome: str, when: datetime, facility: str = CLINIC, subject: str | None = None,
          detail: dict[str, Any] | None = None, kind: ActorKind = ActorKind.FACILITY) -> AuditEvent:  # fmt: skip
    return AuditEvent(Actor(kind, facility, Channel.API), action, outcome, subject, detail, when)


CARD = card_confirmation.ACTION
PHONE = {"consent": [], "certificate": "ab", "form_factor": "smartphone"}
PLASTIC = {"consent": [], "certificate": "cd", "form_factor": "card"}


async def october(db: Database) -> None:
    """A month of the trail: carol changed jobs (two card keys, one individual key) and came four
    times; dan came twice; an SDF member (自衛官等) once; refusals and other actors do not count."""
    people = [
        feed_row(insured_card_symbol="1", insured_identification_number="101", individual_key="carol"),
        feed_row(insurer_number=KENPO.digits, insurer_name="テスト健保", insured_card_symbol="1",
                 insured_identification_number="201", individual_key="carol"),
        feed_row(insured_card_symbol="1", insured_identification_number="102"),  # dan: no individual key
    ]  # fmt: skip
    assert (await load(db, people)).ok
    async with db.write() as conn:
        for code, kind in ((CLINIC, FacilityType.MEDICAL_CLINIC), (PHARMACY, FacilityType.PHARMACY),
                           (HOSPITAL, FacilityType.HOSPITAL)):  # fmt: skip
            await facilities.save(conn, [Facility(FacilityCode(code), "テスト", kind)])
        carol_old, carol_new, dan = (
            card_key(KYOKAI_TOKYO, "101"),
            card_key(KENPO, "201"),
            card_key(KYOKAI_TOKYO, "102"),
        )
        await insert_events(conn, [
            event(CARD, "validity:1", at(1, 0), subject=carol_old, detail=PLASTIC),  # 00:00 JST on the 1st
            event(CARD, "validity:1", at(9), subject=carol_old, detail=PLASTIC),
            event(CARD, "validity:1", at(20), subject=carol_new, detail=PHONE),  # after the job change
            event(CARD, "validity:3", at(21), subject=carol_old, detail=PLASTIC),  # an answer is a verdict too
            event(CARD, "validity:1", at(5), subject=dan, detail=PHONE),
            event(CARD, "validity:1", at(6), subject=dan, detail=PLASTIC),
            event(CARD, "validity:1", at(7), subject=card_key(JIEIKAN, "9"), detail=PLASTIC),
            event(CARD, "refused:pin_locked", at(7), subject=dan, detail=PLASTIC),
            event(CARD, "validity:1", at(8), facility=PHARMACY, subject=carol_new, detail=PLASTIC),
            event(confirmation.ACTION, "validity:1", at(2), subject=dan),
            event(confirmation.ACTION, "validity:4", at(2), subject=dan),
            event(confirmation.ACTION, "rejected:bad_check_digit", at(2), subject=dan),
            event(reinquiry.ACTION, "validity:1", at(3), subject=dan),
            event(public_expense_confirmation.ACTION, "validity:1", at(3)),
            event(batch_answers.INQUIRY_ACTION, "validity:1", at(4), facility=HOSPITAL, subject=dan),
            event(batch_answers.INQUIRY_ACTION, "validity:2", at(4), facility=HOSPITAL, subject=dan),
            event(clinical.VIEW_ACTION, "shown", at(9), subject=carol_old, detail={"kind": "medication"}),
            event(clinical.VIEW_ACTION, "override:disaster", at(9), subject=carol_old, detail={"kind": "treatment"}),
            event(clinical.VIEW_ACTION, "shown", at(9), subject=carol_old, detail={"kind": "surgery"}),
            event(clinical.VIEW_ACTION, "shown", at(9), subject=carol_old, detail={"kind": "checkup"}),
            event(clinical.VIEW_ACTION, "refused:no_consent", at(9), subject=dan, detail={"kind": "checkup"}),
            event(confirmation.ACTION, "validity:1", at(9), facility="ops", kind=ActorKind.OPERATOR),
            event(CARD, "validity:1", datetime(2023, 9, 30, 23, 59, 59, tzinfo=JST), subject=dan, detail=PLASTIC),
            event(CARD, "validity:1", datetime(2023, 11, 1, 0, 0, tzinfo=JST), subject=dan, detail=PLASTIC),
        ])  # fmt: skip


async def rows(db: Database, month: date) -> dict[str, dict[str, int]]:
    async with db.read() as conn:
        result = await conn.execute(select(stats_usage_monthly).where(stats_usage_monthly.c.month == month))
        return {r.facility_code: {k: v for k, v in r._mapping.items() if k not in ("month", "facility_code")}
                for r in result}  # fmt: skip


async def test_a_month_is_counted_from_the_trail(db: Database) -> None:
    await october(db)
    rebuilt = await rebuild_month(db, OPERATOR, OCT)
    assert (rebuilt.facilities, rebuilt.card_users) == (3, 3)
    counted = await rows(db, OCT)
    assert counted[CLINIC] == {
        "card": 7, "card_smartphone": 2, "numbers": 4, "batch": 0,  # numbers: 2 verdicts, 再照会, 公費
        "views_checkup": 1, "views_medication": 1, "views_treatment": 2,  # treatment and surgery
        "card_users": 2,  # carol (under two insurers, four visits) and dan; not the SDF member
    }  # fmt: skip
    assert counted[PHARMACY]["card_users"] == 1 and counted[HOSPITAL]["batch"] == 2
    assert "ops" not in counted
    assert rebuilt.events == 7 + 4 + 4 + 1 + 2


async def test_a_rebuild_replaces_the_month_and_is_audited(db: Database) -> None:
    await october(db)
    await rebuild(db, OPERATOR, [OCT, OCT])
    async with db.read() as conn:
        built = await stats.built_months(conn)
        count = (await conn.execute(select(func.count()).select_from(stats_usage_monthly))).scalar_one()
        audited = (
            await conn.execute(select(func.count()).where(audit_events.c.action == "stats.rebuild"))
        ).scalar_one()
    assert list(built) == [OCT] and built[OCT].facilities == 3 and count == 3 and audited == 2
    months = await trail_months(db)  # from the earliest event to today's import and rebuild records
    assert months[:3] == (date(2023, 9, 1), OCT, NOV) and months[-1] == now_jst().date().replace(day=1)


async def test_the_rate_divides_october_users_by_claims_billed_in_november(db: Database) -> None:
    await october(db)
    await rebuild(db, OPERATOR, [OCT])
    report = await load_feed(db, "claims", [
        claim(CLINIC, billing_month="2023-11", outpatient_claims="15"),
        claim(CLINIC, billing_month="2023-11", insurer_kind="kokuho", outpatient_claims="5"),
        claim(CLINIC, billing_month="2023-11", insurer_kind="jieikan", outpatient_claims="40"),  # not counted
        claim(CLINIC, billing_month="2023-10", outpatient_claims="1000"),  # October's claims: September's care
        claim(PHARMACY, billing_month="2023-11", outpatient_claims="4"),
    ])  # fmt: skip
    assert report.ok
    by_facility = {
        r["group"]: r for r in (await utilisation_report(db, UtilisationQuery(OCT, "facility"))).rows
    }
    assert (
        by_facility[CLINIC]["card_users"],
        by_facility[CLINIC]["claims"],
        by_facility[CLINIC]["rate"],
    ) == (2, 20, "10.00")
    assert by_facility[PHARMACY]["rate"] == "25.00"
    assert by_facility[HOSPITAL]["claims"] is None and by_facility[HOSPITAL]["rate"] is None  # no claims data
    by_type = {r["group"]: r for r in (await utilisation_report(db, UtilisationQuery(OCT, "type"))).rows}
    assert (by_type["total"]["card_users"], by_type["total"]["claims"], by_type["total"]["rate"]) == (
        3,
        24,
        "12.50",
    )
    assert (by_type["total"]["facilities"], by_type["total"]["with_claims"]) == (3, 2)


async def test_months_never_built_are_refused_not_zero(db: Database) -> None:
    await october(db)
    await rebuild(db, OPERATOR, [OCT])
    with pytest.raises(NotBuilt, match="2023-11"):
        await usage_report(db, UsageQuery(OCT, NOV, "month"))
    usage = (await usage_report(db, UsageQuery(OCT, OCT, "type"))).rows
    assert {r["group"]: r["card"] for r in usage} == {
        "hospital": 0, "medical_clinic": 7, "dental_clinic": 0, "pharmacy": 1, "visiting_nursing": 0, "total": 8,
    }  # fmt: skip


@pytest.mark.slow
async def test_the_services_own_audit_records_are_counted(db: Database, database_url: str, tmp_path: Path,
                                                          pki_dir: Path) -> None:  # noqa: F811  # fmt: skip
    """Not hand-written events: a card confirmation at the counter (twice, one person), a number
    confirmation and a rejected one, through the services as the API runs them."""
    world = await prepare(db, database_url, tmp_path, pki_dir)
    audit = DirectAuditLog(db.engine)
    for _ in range(2):
        outcome = await register_consent(
            db, audit, world.anchor, facility_actor(CLINIC),
            WebConsent(ConsentContext.HOUSE_CALL, ConsentChoices(), world.card.read_bytes(), PIN), IdentityMode.PIN,
        )  # fmt: skip
        assert isinstance(outcome, CardConfirmed)
    actor = facility_actor(CLINIC)
    ok = await confirm_by_numbers(
        db, audit, actor, NumberConfirmation("01130012", "456", "19800401", None, "123", "00")
    )
    bad = await confirm_by_numbers(
        db, audit, actor, NumberConfirmation("01130013", "456", "19800401", None, "123")
    )
    assert isinstance(ok, Confirmed) and isinstance(bad, InputRejected)
    month = now_jst().date().replace(day=1)
    await rebuild_month(db, OPERATOR, month)
    if now_jst() - datetime(month.year, month.month, 1, tzinfo=JST) < timedelta(minutes=1):
        pytest.skip("the month turned while the test ran")
    counted = (await rows(db, month))[CLINIC]
    assert (counted["card"], counted["card_smartphone"], counted["numbers"], counted["card_users"]) == (
        2,
        0,
        1,
        1,
    )
    assert shift_month(month, 1) > month
