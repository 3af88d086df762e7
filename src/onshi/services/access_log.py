"""The patient's access log: every confirmation and every clinical-information view about
them, and every change to their consents — which facility, when, what, with what outcome.

Made from the audit trail (never from counters), by the card keys the patient has held: all
of an individual's keys when the insurer sent an individual key, else the one card key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select

from onshi.domain.audit import member_subject_key
from onshi.domain.qualification import Qualification
from onshi.store.database import Database
from onshi.store.dialect import aware_jst
from onshi.store.schema import audit_events, facilities, qualifications

# What each audited action means to the patient (actions not listed are not about access).
ACTION_LABELS = {
    "confirm.numbers": "資格確認（保険証等の番号）",
    "confirm.batch": "資格確認（一括照会）",
    "confirm.reinquiry": "資格確認（再照会）",
    "card.confirm": "資格確認（マイナ保険証）",
    "card.link": "マイナ保険証の利用登録",
    "clinical.view": "診療・薬剤・健診情報の閲覧",
    "consent.grant": "同意",
    "consent.update": "同意の変更",
    "consent.withdraw": "同意の取消し",
    "reference_number.register": "照会番号の登録",
}
MAX_ENTRIES = 1000


@dataclass(frozen=True, slots=True)
class Access:
    at: datetime
    action: str
    action_ja: str
    actor_kind: str
    actor_id: str  # facility code (or "patient")
    actor_name: str | None  # the facility's name when known
    outcome: str
    detail: dict[str, object]

    @property
    def override(self) -> bool:
        """A view without consent under 災害時モード: shown to the patient prominently."""
        return self.outcome == "override:disaster"


async def accesses(db: Database, patient: Qualification, limit: int = MAX_ENTRIES) -> list[Access]:
    """Newest first."""
    async with db.read() as conn:
        keys = {member_subject_key(patient.key)}
        if patient.individual_key:
            q = qualifications.c
            rows = await conn.execute(
                select(q.insurer_number, q.symbol, q.number, q.branch).where(
                    q.individual_key == patient.individual_key
                )
            )
            keys |= {f"{r.insurer_number}:{r.symbol}:{r.number}:{r.branch}" for r in rows}
        a = audit_events.c
        query = (
            select(audit_events, facilities.c.name.label("facility_name"))
            .outerjoin(facilities, facilities.c.code == a.actor_id)
            .where(a.subject_key.in_(sorted(keys)), a.action.in_(list(ACTION_LABELS)))
            .order_by(a.occurred_at.desc(), a.id.desc())
            .limit(limit)
        )
        found = (await conn.execute(query)).mappings().all()
    return [_access(row) for row in found]


def _access(values: Mapping[Any, Any]) -> Access:
    return Access(
        at=aware_jst(values["occurred_at"]),
        action=values["action"],
        action_ja=ACTION_LABELS[values["action"]],
        actor_kind=values["actor_kind"],
        actor_id=values["actor_id"],
        actor_name=values["facility_name"],
        outcome=values["outcome"],
        detail=json.loads(values["detail"]) if values["detail"] else {},
    )
