"""Card certificates, linkages, linkage reviews and single-use challenges."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.card import FormFactor, RevocationReason
from onshi.domain.insurer import InsurerNumber
from onshi.domain.linkage import Attribute, LinkageDecision
from onshi.domain.qualification import MemberKey
from onshi.store.schema import card_certificates, card_challenges, card_linkage_reviews, card_linkages

# Challenges older than this are deleted when the facility asks for a new one.
CHALLENGE_RETENTION = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    serial: str
    fingerprint: str
    form_factor: FormFactor
    not_before: datetime
    not_after: datetime
    issued_at: datetime
    holder: MemberKey | None = None  # the insurer-registered holder, unverified until linked
    revoked_at: datetime | None = None
    revocation_reason: RevocationReason | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None


@dataclass(frozen=True, slots=True)
class Linkage:
    serial: str
    person: MemberKey
    linked_at: datetime
    checked: tuple[Attribute, ...]
    unverified: tuple[Attribute, ...]


def person_columns(key: MemberKey, prefix: str = "") -> dict[str, str]:
    return {
        f"{prefix}insurer_number": key.insurer_number.digits,
        f"{prefix}symbol": key.symbol,
        f"{prefix}number": key.number,
        f"{prefix}branch": key.branch or "",
    }


def person_of(row: Mapping[Any, Any], prefix: str = "") -> MemberKey | None:
    insurer = row[f"{prefix}insurer_number"]
    if insurer is None:
        return None
    return MemberKey(
        InsurerNumber(insurer), row[f"{prefix}symbol"], row[f"{prefix}number"], row[f"{prefix}branch"] or None
    )


def _attributes(text: str) -> tuple[Attribute, ...]:
    return tuple(Attribute(name) for name in text.split(",") if name)


def _names(attributes: tuple[Attribute, ...]) -> str:
    return ",".join(a.value for a in attributes)


# --- certificates -------------------------------------------------------------------------------


async def record_certificate(conn: AsyncConnection, record: CertificateRecord) -> None:
    holder = person_columns(record.holder, "holder_") if record.holder else {}
    await conn.execute(
        insert(card_certificates).values(
            serial=record.serial,
            fingerprint=record.fingerprint,
            form_factor=record.form_factor.value,
            not_before=record.not_before,
            not_after=record.not_after,
            issued_at=record.issued_at,
            **holder,
        )
    )


async def certificate(conn: AsyncConnection, serial: str) -> CertificateRecord | None:
    row = (
        (await conn.execute(select(card_certificates).where(card_certificates.c.serial == serial)))
        .mappings()
        .first()
    )
    return certificate_of(row) if row is not None else None


def certificate_of(row: Mapping[Any, Any], prefix: str = "") -> CertificateRecord:
    """The record from a card_certificates row (its columns under `prefix` in a wider row)."""
    reason = row[f"{prefix}revocation_reason"]
    return CertificateRecord(
        serial=row[f"{prefix}serial"],
        fingerprint=row[f"{prefix}fingerprint"],
        form_factor=FormFactor(row[f"{prefix}form_factor"]),
        not_before=row[f"{prefix}not_before"],
        not_after=row[f"{prefix}not_after"],
        issued_at=row[f"{prefix}issued_at"],
        holder=person_of(row, f"{prefix}holder_"),
        revoked_at=row[f"{prefix}revoked_at"],
        revocation_reason=RevocationReason(reason) if reason else None,
    )


async def revoke(conn: AsyncConnection, serial: str, reason: RevocationReason, at: datetime) -> bool:
    """Revoke a certificate; False when it is unknown or already revoked (the first reason stays)."""
    result = await conn.execute(
        update(card_certificates)
        .where(card_certificates.c.serial == serial, card_certificates.c.revoked_at.is_(None))
        .values(revoked_at=at, revocation_reason=reason.value)
    )
    return result.rowcount == 1


# --- challenges ---------------------------------------------------------------------------------


async def issue_challenge(conn: AsyncConnection, nonce: str, facility_code: str, at: datetime) -> None:
    await conn.execute(
        delete(card_challenges).where(
            card_challenges.c.facility_code == facility_code,
            card_challenges.c.issued_at < at - CHALLENGE_RETENTION,
        )
    )
    await conn.execute(insert(card_challenges).values(nonce=nonce, facility_code=facility_code, issued_at=at))


async def consume_challenge(
    conn: AsyncConnection, nonce: str, facility_code: str, at: datetime, lifetime: timedelta
) -> bool:
    """Mark the challenge used. False when it is unknown, another facility's, already used or
    too old — one conditional UPDATE, so two concurrent uses cannot both succeed."""
    result = await conn.execute(
        update(card_challenges)
        .where(
            card_challenges.c.nonce == nonce,
            card_challenges.c.facility_code == facility_code,
            card_challenges.c.used_at.is_(None),
            card_challenges.c.issued_at >= at - lifetime,
        )
        .values(used_at=at)
    )
    return result.rowcount == 1


# --- linkages -----------------------------------------------------------------------------------


async def linkage(conn: AsyncConnection, serial: str) -> Linkage | None:
    row = (
        (await conn.execute(select(card_linkages).where(card_linkages.c.certificate_serial == serial)))
        .mappings()
        .first()
    )
    return linkage_of(serial, row) if row is not None else None


def linkage_of(serial: str, row: Mapping[Any, Any], prefix: str = "") -> Linkage:
    """The linkage from a card_linkages row (its columns under `prefix` in a wider row)."""
    person = person_of(row, prefix)
    assert person is not None
    checked, unverified = row[f"{prefix}checked"], row[f"{prefix}unverified"]
    return Linkage(serial, person, row[f"{prefix}linked_at"], _attributes(checked), _attributes(unverified))


async def link(
    conn: AsyncConnection, serial: str, decision: LinkageDecision, facility_code: str | None, at: datetime
) -> None:
    """Insert the linkage. The primary key refuses a second person for the same certificate
    (IntegrityError) — callers re-read instead of overwriting."""
    assert decision.linked, "only an accepted linkage decision may be stored"
    await conn.execute(
        insert(card_linkages).values(
            certificate_serial=serial,
            **person_columns(decision.person),
            linked_at=at,
            facility_code=facility_code,
            checked=_names(decision.checked),
            unverified=_names(decision.unverified),
        )
    )


async def report_refused_linkage(
    conn: AsyncConnection, serial: str, decision: LinkageDecision, facility_code: str, at: datetime
) -> None:
    assert decision.refusal is not None
    await conn.execute(
        insert(card_linkage_reviews).values(
            reported_at=at,
            certificate_serial=serial,
            facility_code=facility_code,
            **person_columns(decision.person),
            refusal=decision.refusal.value,
            mismatches=_names(decision.mismatches),
        )
    )


async def refused_linkages(conn: AsyncConnection, serial: str) -> list[dict[str, Any]]:
    query = (
        select(card_linkage_reviews)
        .where(card_linkage_reviews.c.certificate_serial == serial)
        .order_by(card_linkage_reviews.c.id)
    )
    return [dict(row) for row in (await conn.execute(query)).mappings()]
