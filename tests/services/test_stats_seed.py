"""Done means: the seed's per-prefecture counts, fed as facility data through the facilities
feed, give back the seed's published percentages (tests/stats_seed004.py says which cells)."""

from __future__ import annotations

import pytest

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import FacilityType
from onshi.services.stats_import import import_stats_feed
from onshi.services.stats_reports import AdoptionQuery, adoption_report
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from tests.stats_seed004 import AS_OF, LATER, TOTAL, facility_csv, groups

OPERATOR = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)
# Four whole prefectures (every type and the 合計 agree) and 山形's three complete types.
CHOSEN = ("05", "18", "31", "32", "06")


@pytest.mark.slow
async def test_feeding_the_seed_table_reproduces_its_percentages(db: Database) -> None:
    chosen = [g for g in groups() if g.prefecture in CHOSEN]
    per_type = [g for g in chosen if g.kind != TOTAL]
    report = await import_stats_feed(
        db, DirectAuditLog(db.engine), "facilities", facility_csv(per_type), OPERATOR, "seed004"
    )
    assert report.ok and report.loaded == sum(g.facilities for g in per_type)

    for facility_type in {g.kind for g in per_type}:
        query = AdoptionQuery(AS_OF, "prefecture", FacilityType(facility_type))
        rows = {row["group"]: row for row in (await adoption_report(db, query)).rows}
        for group in (g for g in per_type if g.kind == facility_type):
            row = rows[group.prefecture]
            assert (row["facilities"], row["applied"], row["connected"], row["operating"]) == (
                group.facilities, group.applied, group.connected, group.operating,
            )  # fmt: skip
            assert (row["applied_rate"], row["connected_rate"], row["operating_rate"]) == (
                group.applied_rate, group.connected_rate, group.operating_rate,
            ), group  # fmt: skip

    rows = {row["group"]: row for row in (await adoption_report(db, AdoptionQuery(AS_OF, "prefecture"))).rows}
    for total in (g for g in chosen if g.kind == TOTAL):
        assert (rows[total.prefecture]["facilities"], rows[total.prefecture]["operating_rate"]) == (
            total.facilities, total.operating_rate,
        )  # fmt: skip

    later = {
        row["group"]: row for row in (await adoption_report(db, AdoptionQuery(LATER, "prefecture"))).rows
    }
    assert later["05"]["operating_rate"] == "100.0"  # every facility reached every step two weeks later
    obligated = (await adoption_report(db, AdoptionQuery(AS_OF, "type", obligated=True))).rows
    assert obligated[-1]["facilities"] == sum((g.facilities + 1) // 2 for g in per_type)  # every other one
