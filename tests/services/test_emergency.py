"""Switching the emergency function on and off (both backends): audited in the same
transaction, one switch per target, and the answer terminals get for a facility."""

from __future__ import annotations

from typing import Any

import orjson
import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.emergency import Scope
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services import emergency
from onshi.store import facilities
from onshi.store.database import Database
from onshi.store.schema import audit_events

OPERATOR = Actor(ActorKind.OPERATOR, "ops-suzuki", Channel.API, 7)
CLINIC = "1310000017"


@pytest.fixture
async def registered(db: Database) -> Database:
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC), "テスト診療所", FacilityType.MEDICAL_CLINIC)]
        )
    return db


async def audit(db: Database) -> list[dict[str, Any]]:
    async with db.read() as conn:
        rows = await conn.execute(
            select(audit_events).where(audit_events.c.action.like("emergency.%")).order_by(audit_events.c.id)
        )
        return [dict(row) for row in rows.mappings()]


async def test_on_and_off_are_audited_with_who_and_why(registered: Database) -> None:
    db = registered
    assert await emergency.in_force_for(db, CLINIC) is None
    switched = await emergency.switch_on(db, OPERATOR, "prefecture", "13", "東京都内の回線障害")
    assert switched.created and switched.switch.scope is Scope.PREFECTURE
    assert (await emergency.in_force_for(db, CLINIC)) == switched.switch
    assert await emergency.in_force_for(db, "1410000015") is None  # 神奈川県: not covered

    again = await emergency.switch_on(db, OPERATOR, "prefecture", "１３", "重複")
    assert not again.created and again.switch.id == switched.switch.id

    off = await emergency.switch_off(db, OPERATOR, switched.switch.id)
    assert off is not None and not off.is_on and off.switched_off_by == "ops-suzuki"
    assert await emergency.in_force_for(db, CLINIC) is None
    with pytest.raises(emergency.AlreadyOff):
        await emergency.switch_off(db, OPERATOR, switched.switch.id)
    assert await emergency.switch_off(db, OPERATOR, 12345) is None

    events = await audit(db)
    assert [(e["action"], e["outcome"]) for e in events] == [
        ("emergency.on", "on"),
        ("emergency.on", "already_on"),
        ("emergency.off", "off"),
    ]
    first = events[0]
    assert (first["actor_kind"], first["actor_id"], first["credential_id"]) == ("operator", "ops-suzuki", 7)
    assert orjson.loads(first["detail"]) == {
        "switch_id": switched.switch.id,
        "scope": "prefecture",
        "target": "13",
        "reason": "東京都内の回線障害",
    }
    assert [s.id for s in await emergency.listing(db, include_off=True)] == [switched.switch.id]
    assert await emergency.listing(db) == []


async def test_a_facility_switch_needs_a_registered_facility(registered: Database) -> None:
    switched = await emergency.switch_on(registered, OPERATOR, "facility", CLINIC, "院内LAN障害")
    assert (await emergency.in_force_for(registered, CLINIC)) == switched.switch
    assert await emergency.in_force_for(registered, "1310000025") is None
    with pytest.raises(InvalidValue) as unknown:
        await emergency.switch_on(registered, OPERATOR, "facility", "1310000025", "障害")
    assert unknown.value.field == "target"
    for scope, target, reason in [
        ("region", "13", "x"),
        ("prefecture", "99", "x"),
        ("prefecture", "13", " "),
    ]:
        with pytest.raises(InvalidValue):
            await emergency.switch_on(registered, OPERATOR, scope, target, reason)
    assert [e["outcome"] for e in await audit(registered)] == ["on"]  # refusals change nothing
