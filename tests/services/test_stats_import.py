"""The statistics feeds: facility data (steps reached, obligation) and claims counts — bad rows
rejected with their reasons, the rest loaded, a reload changing nothing."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import FacilityCode, FacilityStatus
from onshi.domain.milestones import Milestone
from onshi.feeds.stats_csv import FeedFormatError
from onshi.services.insurer_import import ImportReport
from onshi.services.stats_import import import_stats_feed
from onshi.store import facilities, milestones
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import audit_events, stats_claim_counts
from onshi.store.schema import facilities as facilities_table

OPERATOR = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)
CLINIC, PHARMACY, HOSPITAL = "1310000017", "1340000015", "1310000025"


def lines(rows: list[dict[str, str]]) -> list[str]:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().splitlines(keepends=True)


async def load(db: Database, feed: str, rows: list[dict[str, str]]) -> ImportReport:
    return await import_stats_feed(db, DirectAuditLog(db.engine), feed, lines(rows), OPERATOR, "test.csv")


def facility(code: str = CLINIC, **values: str) -> dict[str, str]:
    row = {"facility_code": code, "name": "さくら内科", "facility_type": "medical_clinic", "obligated_from": "2023-04-01",
           "card_reader_applied_on": "2022-05-10", "connected_on": "2022-08-01", "operating_on": "2022-09-01"}  # fmt: skip
    row.update(values)
    return row


async def test_facility_rows_write_the_facility_its_obligation_and_its_steps(db: Database) -> None:
    report = await load(db, "facilities", [facility(), facility(PHARMACY, name="みどり薬局", facility_type="pharmacy",
                                                                obligated_from="", card_reader_applied_on="",
                                                                operating_on="")])  # fmt: skip
    assert report.ok and (report.total, report.loaded) == (2, 2)
    async with db.read() as conn:
        clinic = await facilities.get(conn, FacilityCode(CLINIC))
        steps = await milestones.of_facility(conn, FacilityCode(CLINIC))
        pharmacy_steps = await milestones.of_facility(conn, FacilityCode(PHARMACY))
        obligated = dict(
            (await conn.execute(select(facilities_table.c.code, facilities_table.c.obligated_from))).all()
        )
        (event,) = (
            await conn.execute(select(audit_events).where(audit_events.c.action == "stats.import"))
        ).all()
    assert clinic is not None and clinic.name == "さくら内科" and clinic.status is FacilityStatus.ACTIVE
    assert steps == {Milestone.CARD_READER_APPLIED: date(2022, 5, 10), Milestone.CONNECTED: date(2022, 8, 1),
                     Milestone.OPERATING: date(2022, 9, 1)}  # fmt: skip
    assert pharmacy_steps == {Milestone.CONNECTED: date(2022, 8, 1)}  # connected without a reader application
    assert obligated == {CLINIC: date(2023, 4, 1), PHARMACY: None}
    assert event.outcome == "done:2/2"


@pytest.mark.parametrize(
    ("row", "fields"),
    [
        (facility(facility_code="131000001"), {"facility_code"}),
        (facility(facility_type="pharmacy"), {"facility_type"}),  # fee table 1 is not a pharmacy's
        (facility(facility_type="clinic"), {"facility_type"}),
        (facility(name=""), {"name"}),
        (facility(connected_on="2099-01-01", operating_on="2099-02-01"), {"connected_on", "operating_on"}),  # future
        (facility(connected_on=""), {"operating_on"}),  # operating without a connection
        (facility(operating_on="2022-07-01"), {"operating_on"}),  # operating before connecting
        (facility(obligated_from="2023-02-30"), {"obligated_from"}),
    ],
)  # fmt: skip
async def test_bad_facility_rows_are_rejected_with_their_reasons(
    db: Database, row: dict[str, str], fields: set[str]
) -> None:
    report = await load(
        db, "facilities", [facility(HOSPITAL, name="ほか病院", facility_type="hospital"), row]
    )
    assert report.loaded == 1
    (rejected,) = report.rejected
    assert rejected.line == 3 and {e.field for e in rejected.errors} == fields
    assert rejected.reason_ja and rejected.reason_en


async def test_a_step_keeps_its_first_day_and_a_reload_changes_nothing(db: Database) -> None:
    assert (await load(db, "facilities", [facility()])).ok
    again = await load(db, "facilities", [facility()])
    assert again.ok and again.loaded == 1
    moved = await load(db, "facilities", [facility(connected_on="2022-07-15", name="さくら内科クリニック")])
    (rejected,) = moved.rejected
    assert [e.field for e in rejected.errors] == ["connected_on"] and "2022-08-01" in rejected.reason_en
    async with db.read() as conn:
        kept = await facilities.get(conn, FacilityCode(CLINIC))
        steps = await milestones.of_facility(conn, FacilityCode(CLINIC))
    assert kept is not None and kept.name == "さくら内科"  # the rejected row wrote nothing
    assert steps[Milestone.CONNECTED] == date(2022, 8, 1)


async def test_a_load_never_reactivates_a_suspended_facility_and_absent_columns_stay(db: Database) -> None:
    assert (await load(db, "facilities", [facility()])).ok
    async with db.write() as conn:
        await facilities.set_status(conn, FacilityCode(CLINIC), FacilityStatus.SUSPENDED)
    row = {"facility_code": CLINIC, "name": "さくら内科（移転）", "facility_type": "medical_clinic"}
    assert (await load(db, "facilities", [row])).ok
    async with db.read() as conn:
        kept = await facilities.get(conn, FacilityCode(CLINIC))
        obligated = (await conn.execute(select(facilities_table.c.obligated_from))).scalar_one()
    assert kept is not None and kept.status is FacilityStatus.SUSPENDED and kept.name == "さくら内科（移転）"
    assert obligated == date(2023, 4, 1)  # no obligated_from column: left as stored


def test_unusable_files_are_refused_before_anything_is_read() -> None:
    from onshi.feeds.stats_csv import parse_csv

    with pytest.raises(FeedFormatError, match="unknown column"):
        list(parse_csv("facilities", ["facility_code,name,facility_type,opened_on\n"], date(2024, 1, 1)))
    with pytest.raises(FeedFormatError, match="needs the columns"):
        list(parse_csv("claims", ["facility_code,billing_month\n"], date(2024, 1, 1)))
    with pytest.raises(FeedFormatError, match="empty"):
        list(parse_csv("claims", [], date(2024, 1, 1)))


def claim(code: str = CLINIC, **values: str) -> dict[str, str]:
    row = {
        "facility_code": code,
        "billing_month": "2023-11",
        "insurer_kind": "kyokai_kenpo",
        "outpatient_claims": "120",
    }
    row.update(values)
    return row


async def test_claims_rows_replace_their_count_and_need_a_registered_facility(db: Database) -> None:
    assert (await load(db, "facilities", [facility()])).ok
    report = await load(db, "claims", [
        claim(), claim(insurer_kind="kokuho", outpatient_claims="80"), claim(billing_month="202312"),
        claim(PHARMACY),  # not registered
        claim(insurer_kind="jieikan", outpatient_claims="x"), claim(billing_month="2023-13"),
        claim(insurer_kind="mutual"),
    ])  # fmt: skip
    assert report.loaded == 3
    assert [(r.line, [e.field for e in r.errors]) for r in report.rejected] == [
        (5, ["facility_code"]), (6, ["outpatient_claims"]), (7, ["billing_month"]), (8, ["insurer_kind"]),
    ]  # fmt: skip
    assert (await load(db, "claims", [claim(outpatient_claims="125")])).ok
    async with db.read() as conn:
        stored = sorted((r.billing_month, r.insurer_kind, r.outpatient_claims)
                        for r in await conn.execute(select(stats_claim_counts)))  # fmt: skip
    assert stored == [(date(2023, 11, 1), "kokuho", 80), (date(2023, 11, 1), "kyokai_kenpo", 125),
                      (date(2023, 12, 1), "kyokai_kenpo", 120)]  # fmt: skip
