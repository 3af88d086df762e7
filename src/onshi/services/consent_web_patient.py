"""What the patient sees and does in the patient menu and API: their consents (同意照会・更新,
すべての同意を取消す) and their access log (アクセス履歴). Never clinical records.

Changes go through `services.consents` (each with its audit record, actor kind patient).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select

from onshi.domain.actors import Actor
from onshi.domain.consent import ConsentContext, ConsentItem, checkup_allowed
from onshi.domain.consent_grants import ConsentGrant
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.qualification import MemberKey, Qualification
from onshi.services import access_log, consents
from onshi.services.clinical import care_months_for
from onshi.store import consents as consent_store
from onshi.store import qualifications
from onshi.store.database import Database
from onshi.store.schema import facilities


class GrantState(StrEnum):
    LIVE = "live"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"

    @property
    def label_ja(self) -> str:
        return {"live": "有効", "expired": "期限切れ", "withdrawn": "取消済み"}[self.value]


@dataclass(frozen=True, slots=True)
class GrantView:
    grant: ConsentGrant
    facility_name: str
    viewing_until: datetime
    state: GrantState

    @property
    def live(self) -> bool:
        return self.state is GrantState.LIVE

    def as_json(self) -> dict[str, Any]:
        grant = self.grant
        return {
            "id": grant.id,
            "facility_code": grant.facility_code,
            "facility_name": self.facility_name,
            "context": grant.context.value,
            "context_ja": grant.context.label_ja,
            "items": sorted(item.value for item in grant.items),
            "given_at": grant.given_at.isoformat(timespec="seconds"),
            "viewing_until": self.viewing_until.isoformat(timespec="seconds"),
            "withdrawn_at": grant.withdrawn_at.isoformat(timespec="seconds") if grant.withdrawn_at else None,
            "state": self.state.value,
        }


async def qualification_of(db: Database, person: MemberKey) -> Qualification | None:
    """The person's latest qualification period (name, birth date, the key consents are under)."""
    async with db.read() as conn:
        family = await qualifications.family(conn, person.insurer_number, person.symbol, person.number)
    periods = [q for q in family if q.key == person]
    return max(periods, key=lambda q: q.qualification_date, default=None)


async def grants_of(db: Database, patient: Qualification, at: datetime | None = None) -> list[GrantView]:
    """Every consent the patient gave, newest first, with its facility and window."""
    at = at or now_jst()
    key = consents.patient_of(patient)
    async with db.read() as conn:
        grants = await consent_store.of_patient(conn, key)
        codes = sorted({g.facility_code for g in grants})
        rows = await conn.execute(
            select(facilities.c.code, facilities.c.name).where(facilities.c.code.in_(codes))
        )
        names = {row.code: row.name for row in rows}
        views = []
        for grant in reversed(grants):
            months: list[Any] = []
            if grant.context is ConsentContext.HOME_VISIT:
                months = await care_months_for(conn, grant.facility_code, key, grant.first_visit, at.date())
            until = grant.viewing_until(months)
            state = (
                GrantState.WITHDRAWN
                if grant.withdrawn_at is not None
                else GrantState.LIVE
                if grant.in_force_at(at, months)
                else GrantState.EXPIRED
            )
            views.append(GrantView(grant, names.get(grant.facility_code, grant.facility_code), until, state))
    return views


async def update(
    db: Database, actor: Actor, patient: Qualification, grant_id: int, items: frozenset[ConsentItem]
) -> ConsentGrant:
    """Change the items of one live consent (raises InvalidValue otherwise)."""
    found = next((v for v in await grants_of(db, patient) if v.grant.id == grant_id), None)
    if found is None or not found.live:
        raise InvalidValue(
            "grant_id",
            Problem.UNKNOWN_CODE,
            "変更できる有効な同意がありません",
            "no live consent with that id",
        )
    return await consents.update_items(
        db, actor, consents.patient_of(patient), patient.key, grant_id, items, patient.birthdate
    )


async def withdraw_all(db: Database, actor: Actor, patient: Qualification) -> list[int]:
    return await consents.withdraw_all(db, actor, consents.patient_of(patient), patient.key)


async def accesses(db: Database, patient: Qualification) -> list[access_log.Access]:
    return await access_log.accesses(db, patient)


def allowed_items(patient: Qualification, at: datetime | None = None) -> tuple[ConsentItem, ...]:
    on = (at or now_jst()).date()
    return tuple(
        i for i in ConsentItem if i is not ConsentItem.CHECKUP or checkup_allowed(patient.birthdate, on)
    )


def access_json(entry: access_log.Access) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(timespec="seconds"),
        "action": entry.action,
        "action_ja": entry.action_ja,
        "actor_kind": entry.actor_kind,
        "actor_id": entry.actor_id,
        "facility_name": entry.actor_name,
        "outcome": entry.outcome,
        "override": entry.override,
        "detail": entry.detail,
    }
