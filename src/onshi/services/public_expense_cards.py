"""My Number Cards of people on medical aid without health insurance (医療扶助単独).

Their card has no insurer's record to link to. A first registration at the reader (with the
card-surface data) links it to the one recipient, among those the payers registered with no
health-insurance card key, whose 氏名・カナ・生年月日・性別・住所 agree with the surface by the
rules of `onshi.domain.linkage`; never when none or several do. The link is stored once
(one certificate, one person) and audited like an insurance linkage (`card.link`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from onshi.card.protocol import surface_from_json
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.errors import InvalidValue
from onshi.domain.linkage import Attribute, CardSurface
from onshi.domain.public_expense import Entitlement, compare_identity
from onshi.services.public_expense import MedicalAid, medical_aid_of
from onshi.store import public_expense as store
from onshi.store.audit import AuditLog
from onshi.store.cards import CertificateRecord
from onshi.store.database import Database
from onshi.store.public_expense import RecipientKey

ACTION = "card.link"


@dataclass(frozen=True, slots=True)
class AidCard:
    medical_aid: MedicalAid
    registered_now: bool


async def aid_of_card(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    record: CertificateRecord,
    surface: Mapping[str, str] | None,
    at: datetime,
) -> AidCard | None:
    """The medical aid the card resolves to — linked earlier, or linked now on a first
    registration — or None: the card is then handled as an insurance card."""
    async with db.read() as conn:
        linked = await store.card_recipient(conn, record.serial)
    registered_now = False
    if linked is None:
        if surface is None or record.holder is not None:
            return None
        linked = await _register(db, audit, actor, record.serial, surface, at)
        if linked is None:
            return None
        registered_now = True
    async with db.read() as conn:
        periods = await store.of_recipient(conn, *linked)
        aid = await medical_aid_of(conn, periods, at.date(), actor.id)
    return AidCard(aid, registered_now) if aid is not None else None


def _parsed(surface: Mapping[str, str]) -> CardSurface | None:
    try:
        return surface_from_json(surface)
    except InvalidValue:
        return None  # the insurance path reports the bad surface data


async def _register(
    db: Database, audit: AuditLog, actor: Actor, serial: str, raw: Mapping[str, str], at: datetime
) -> RecipientKey | None:
    surface = _parsed(raw)
    if surface is None:
        return None
    async with db.read() as conn:
        candidates = await store.uninsured_born_on(conn, surface.birthdate)
    latest: dict[RecipientKey, Entitlement] = {}
    for period in candidates:
        if period.payer.is_medical_aid and (
            period.key not in latest or period.valid_from > latest[period.key].valid_from
        ):
            latest[period.key] = period
    matching = {key: compare_identity(surface, e.identity) for key, e in latest.items()}
    agreeing = [key for key, (mismatches, _) in matching.items() if not mismatches]
    if len(agreeing) != 1:
        return None
    (key,) = agreeing
    unverified = matching[key][1]
    checked = [a for a in Attribute if a not in unverified]
    try:
        async with db.write() as conn:
            await store.link_card(conn, serial, key, checked, unverified, actor.id, at)
    except IntegrityError:
        async with db.read() as conn:
            existing = await store.card_recipient(conn, serial)
        return existing if existing == key else None
    detail = {
        "certificate": serial,
        "checked": [a.value for a in checked],
        "unverified": [a.value for a in unverified],
    }
    await audit.record(AuditEvent(actor, ACTION, "linked", f"pe:{key[0]}:{key[1]}", detail, occurred_at=at))
    return key
