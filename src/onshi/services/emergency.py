"""The emergency qualification-confirmation function (緊急時資格確認機能), central's side.

    switched = await switch_on(db, operator, "prefecture", "13", "障害のため")
    await switch_off(db, operator, switched.switch.id)
    switch = await in_force_for(db, "1310000017")     # what a terminal is told when it asks

Switching on and off writes the switch and its audit record in one transaction: no switch
changes without a record of who changed it and why. Terminals poll `in_force_for`; what
they do with it is in `onshi.terminal.emergency`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain import emergency as rules
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.emergency import Scope, Switch
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode
from onshi.store import emergency as store
from onshi.store import facilities
from onshi.store.audit import insert_events
from onshi.store.database import Database

ON_ACTION = "emergency.on"
OFF_ACTION = "emergency.off"


@dataclass(frozen=True, slots=True)
class SwitchedOn:
    switch: Switch
    created: bool  # False: the target's switch was already on (that one is returned)


class AlreadyOff(Exception):
    def __init__(self, switch: Switch) -> None:
        super().__init__(f"switch {switch.id} is already off")
        self.switch = switch


async def switch_on(db: Database, actor: Actor, scope: str, target: str, reason: str) -> SwitchedOn:
    """Switch the function on for a facility or a prefecture. Raises InvalidValue for a bad
    scope, target (including a facility that is not registered) or reason."""
    parsed_scope = rules.parse_scope(scope)
    parsed_target = rules.parse_target(parsed_scope, target)
    parsed_reason = rules.parse_reason(reason)
    at = now_jst()
    async with db.write() as conn:
        if parsed_scope is Scope.FACILITY:
            await _require_registered(conn, parsed_target)
        # Looked up first so that a repeated switch-on costs no id (PostgreSQL spends one on a
        # conflicting insert); the insert's unique index still settles two at once.
        existing = await store.on_for(conn, parsed_scope, parsed_target)
        switch = existing or await store.insert(
            conn, parsed_scope, parsed_target, parsed_reason, at, actor.id
        )
        created = existing is None and switch is not None
        if switch is None:
            switch = await store.on_for(conn, parsed_scope, parsed_target)
            assert switch is not None  # switched on by another operator just now
        await insert_events(conn, [_event(actor, ON_ACTION, "on" if created else "already_on", switch, at)])
    return SwitchedOn(switch, created)


async def switch_off(db: Database, actor: Actor, switch_id: int) -> Switch | None:
    """Switch a switch off; None when there is no such switch. Raises AlreadyOff."""
    at = now_jst()
    async with db.write() as conn:
        if not await store.switch_off(conn, switch_id, at, actor.id):
            found = await store.get(conn, switch_id)
            if found is None:
                return None
            raise AlreadyOff(found)
        switch = await store.get(conn, switch_id)
        assert switch is not None
        await insert_events(conn, [_event(actor, OFF_ACTION, "off", switch, at)])
    return switch


async def listing(db: Database, include_off: bool = False) -> list[Switch]:
    async with db.read() as conn:
        return await store.listing(conn, include_off)


async def in_force_for(db: Database, facility_code: str, at: datetime | None = None) -> Switch | None:
    """The switch that puts the facility in emergency mode now (or at `at`), or None."""
    async with db.read() as conn:
        switches = await store.listing(conn)  # a handful at most: the rule runs over all of them
    return rules.in_force_for(switches, facility_code, at or now_jst())


async def _require_registered(conn: AsyncConnection, code: str) -> None:
    if await facilities.get(conn, FacilityCode(code)) is None:
        raise InvalidValue(
            "target",
            Problem.UNKNOWN_CODE,
            f"医療機関等 {code} は登録されていません",
            f"facility {code} is not registered",
        )


def _event(actor: Actor, action: str, outcome: str, switch: Switch, at: datetime) -> AuditEvent:
    detail = {"switch_id": switch.id, "scope": switch.scope.value, "target": switch.target}
    if action == ON_ACTION:
        detail["reason"] = switch.reason
    return AuditEvent(actor, action, outcome, detail=detail, occurred_at=at)
