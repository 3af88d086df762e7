"""Resolving a certificate to a person: an existing linkage, or a first registration for
insurance use (利用登録) checked against the insurer's record.

Refused registrations are stored for review (attribute names only) and audited; they are
never retried silently with fewer attributes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.exc import IntegrityError

from onshi.card.protocol import surface_from_json
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.card import CardProblem
from onshi.domain.errors import InvalidValue
from onshi.domain.linkage import (
    CardSurface,
    LinkageDecision,
    LinkageRefusal,
    decide_linkage,
    record_to_compare,
)
from onshi.domain.qualification import MemberKey, Qualification
from onshi.store import cards, qualifications
from onshi.store.audit import AuditLog
from onshi.store.cards import CertificateRecord, Linkage
from onshi.store.database import Database

ACTION = "card.link"


class CardRefusal(Exception):
    """A card use refused for `problem`; `message_ja` is what the patient and staff are told."""

    def __init__(self, problem: CardProblem, message_ja: str = "", subject: MemberKey | None = None) -> None:
        super().__init__(f"{problem.value}: {message_ja}")
        self.problem = problem
        self.message_ja = message_ja
        self.subject = subject


@dataclass(frozen=True, slots=True)
class Resolved:
    person: MemberKey
    registered_now: bool


async def resolve_person(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    record: CertificateRecord,
    link: Linkage | None,
    surface: Mapping[str, str] | None,
    at: datetime,
) -> Resolved:
    """The person the certificate resolves to, registering it first when `surface` is given.
    Raises CardRefusal."""
    if link is not None:
        if surface is not None and record.holder is not None and record.holder != link.person:
            # The insurer now names someone else as the holder: a person must review it.
            await _refuse_relink(db, audit, actor, record, link, surface, at)
        return Resolved(link.person, registered_now=False)
    if surface is None:
        raise CardRefusal(
            CardProblem.NOT_LINKED,
            "初めてご利用の場合は、カードリーダーで健康保険証の利用登録を行ってください。",
        )
    return Resolved(await _register(db, audit, actor, record, surface, at), registered_now=True)


async def _holder_record(db: Database, holder: MemberKey | None) -> Qualification:
    if holder is not None:
        async with db.read() as conn:
            family = await qualifications.family(conn, holder.insurer_number, holder.symbol, holder.number)
        record = record_to_compare([q for q in family if q.key == holder])
        if record is not None:
            return record
    raise CardRefusal(
        CardProblem.NO_INSURANCE_RECORD,
        "ご加入の医療保険者でマイナンバーの登録が済んでいない可能性があります。",
    )


def _surface(surface: Mapping[str, str]) -> CardSurface:
    try:
        return surface_from_json(surface)
    except InvalidValue as error:
        raise CardRefusal(CardProblem.LINKAGE_MISMATCH, error.message_ja) from None


async def _register(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    record: CertificateRecord,
    surface: Mapping[str, str],
    at: datetime,
) -> MemberKey:
    holder = await _holder_record(db, record.holder)
    decision = decide_linkage(_surface(surface), holder, None)
    if not decision.linked:
        await _report(db, audit, actor, record.serial, decision, at)
        raise CardRefusal(CardProblem.LINKAGE_MISMATCH, decision.message_ja, decision.person)
    try:
        async with db.write() as conn:
            await cards.link(conn, record.serial, decision, actor.id, at)
    except IntegrityError:
        # Registered concurrently (another counter, another worker): the stored link decides.
        async with db.read() as conn:
            existing = await cards.linkage(conn, record.serial)
        if existing is None or existing.person != decision.person:
            raise CardRefusal(CardProblem.LINKED_TO_OTHER, subject=decision.person) from None
        return existing.person
    await audit.record(_event(actor, record.serial, decision, at))
    return decision.person


async def _refuse_relink(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    record: CertificateRecord,
    link: Linkage,
    surface: Mapping[str, str],
    at: datetime,
) -> None:
    holder = await _holder_record(db, record.holder)
    decision = decide_linkage(_surface(surface), holder, link.person)
    assert decision.refusal is LinkageRefusal.LINKED_TO_OTHER
    await _report(db, audit, actor, record.serial, decision, at)
    raise CardRefusal(CardProblem.LINKED_TO_OTHER, decision.message_ja, link.person)


async def _report(
    db: Database, audit: AuditLog, actor: Actor, serial: str, decision: LinkageDecision, at: datetime
) -> None:
    async with db.write() as conn:
        await cards.report_refused_linkage(conn, serial, decision, actor.id, at)
    await audit.record(_event(actor, serial, decision, at))


def _event(actor: Actor, serial: str, decision: LinkageDecision, at: datetime) -> AuditEvent:
    outcome = "linked" if decision.linked else f"refused:{decision.refusal}"
    detail = {
        "certificate": serial,
        "checked": [a.value for a in decision.checked],
        "unverified": [a.value for a in decision.unverified],
        "mismatches": [a.value for a in decision.mismatches],
    }
    return AuditEvent(actor, ACTION, outcome, member_subject_key(decision.person), detail, occurred_at=at)
