"""Issuing and revoking cards: the emulated J-LIS side of the system.

`issue_card` creates the key pair, has the J-LIS CA certify it, writes the card file and
records the certificate with central — the record central checks revocation and expiry
against on every use. When the card is issued for a person already in the registry, the
record also names that person as the holder, standing in for the insurer's My Number
registration; the certificate resolves to the person only after a linkage has checked the
card-surface data against the insurer's record (see `onshi.domain.linkage`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from onshi.card import face
from onshi.card.cardfile import write_card
from onshi.card.certificates import fingerprint, serial_hex
from onshi.card.jlis import JlisCa, new_key
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.card import FormFactor, RevocationReason
from onshi.domain.dates import JST, now_jst
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey, Qualification
from onshi.store import cards, qualifications
from onshi.store.audit import AuditLog
from onshi.store.database import Database

DEFAULT_VALIDITY_YEARS = 5


@dataclass(frozen=True, slots=True)
class IssuedCard:
    path: Path
    serial: str
    form_factor: FormFactor
    not_after: datetime
    holder: MemberKey | None


def default_expiry(today: date) -> date:
    """Five years on (the real certificate runs to the 5th birthday after issue; onshi keeps it simple)."""
    try:
        return today.replace(year=today.year + DEFAULT_VALIDITY_YEARS)
    except ValueError:  # 29 February
        return today.replace(year=today.year + DEFAULT_VALIDITY_YEARS, day=28)


def end_of_day(day: date) -> datetime:
    """A certificate "valid until D" is valid through the whole of D in Japan."""
    return datetime.combine(day, time(23, 59, 59), JST)


async def holder_record(db: Database, person: MemberKey) -> Qualification | None:
    """The person's latest qualification period (its data are printed on the card)."""
    async with db.read() as conn:
        family = await qualifications.family(conn, person.insurer_number, person.symbol, person.number)
    periods = [q for q in family if q.key.branch == person.branch]
    return max(periods, key=lambda q: q.qualification_date, default=None)


async def find_person(db: Database, key: MemberKey) -> list[MemberKey]:
    """The people under these numbers; a key without 枝番 may name several."""
    async with db.read() as conn:
        family = await qualifications.family(conn, key.insurer_number, key.symbol, key.number)
    return sorted(
        {q.key for q in family if key.branch is None or q.key.branch in (None, key.branch)},
        key=lambda k: k.branch or "",
    )


async def issue_card(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    jlis_dir: Path,
    out: Path,
    surface: CardSurface,
    pin: str,
    *,
    holder: MemberKey | None = None,
    expires: date | None = None,
    form_factor: FormFactor = FormFactor.CARD,
) -> IssuedCard:
    ca = JlisCa.open(jlis_dir)
    key = new_key()
    not_after = end_of_day(expires or default_expiry(now_jst().date()))
    certificate = ca.issue(key.public_key(), form_factor, not_after)
    record = cards.CertificateRecord(
        serial=serial_hex(certificate),
        fingerprint=fingerprint(certificate),
        form_factor=form_factor,
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        issued_at=now_jst(),
        holder=holder,
    )
    async with db.write() as conn:
        await cards.record_certificate(conn, record)
        # Written inside the transaction: a card file that cannot be written leaves no record.
        write_card(out, certificate, key, surface, face.new_template(), pin, form_factor)
    await audit.record(
        AuditEvent(
            actor,
            "card.issue",
            "issued",
            member_subject_key(holder) if holder else None,
            {"certificate": record.serial, "form_factor": form_factor.value},
        )
    )
    return IssuedCard(out, record.serial, form_factor, not_after, holder)


async def revoke_card(
    db: Database, audit: AuditLog, actor: Actor, serial: str, reason: RevocationReason
) -> bool:
    """Record the revocation centrally; False when the serial is unknown or already revoked."""
    serial = serial.strip().lower()
    async with db.write() as conn:
        revoked = await cards.revoke(conn, serial, reason, now_jst())
    outcome = "revoked" if revoked else "refused:unknown_or_revoked"
    await audit.record(
        AuditEvent(actor, "card.revoke", outcome, detail={"certificate": serial, "reason": reason.value})
    )
    return revoked
