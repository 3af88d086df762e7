from __future__ import annotations

from datetime import date

from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.domain.milestones import ORDER, Milestone
from onshi.store import facilities, milestones
from onshi.store.database import Database

CODE = FacilityCode.parse("1310000017")


async def test_a_step_keeps_the_first_day_it_was_reached(db: Database) -> None:
    async with db.write() as conn:
        clinic = Facility(CODE, "テスト診療所", FacilityType.MEDICAL_CLINIC, FacilityStatus.ACTIVE, False)
        await facilities.save(conn, [clinic])
        await milestones.record(conn, [(CODE, Milestone.CARD_READER_APPLIED, date(2023, 1, 5))], "portal")
    async with db.write() as conn:
        await milestones.record(
            conn,
            [
                (CODE, Milestone.CARD_READER_APPLIED, date(2023, 3, 1)),
                (CODE, Milestone.OPERATING, date(2023, 4, 1)),
            ],
            "portal",
        )
    async with db.read() as conn:
        reached = await milestones.of_facility(conn, CODE)
    assert reached == {Milestone.CARD_READER_APPLIED: date(2023, 1, 5), Milestone.OPERATING: date(2023, 4, 1)}


def test_the_steps_run_from_account_to_operating() -> None:
    assert ORDER[0] is Milestone.ACCOUNT_REGISTERED
    assert ORDER[-1] is Milestone.OPERATING
    assert all(step.label_ja for step in ORDER)
