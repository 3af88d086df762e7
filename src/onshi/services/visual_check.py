"""Confirmation by 目視確認 (visual check) at a home visit or a house call.

Seed 004: at a home visit the risk of impersonation is low, so a facility may choose to
confirm identity by looking at the card (its photo against the patient) instead of the PIN.
Without a PIN the card cannot sign, so central checks everything a certificate can show on
its own — chain to the J-LIS CA, expiry, central's record of it (revocation), a card rather
than a smartphone, and an existing linkage for insurance use (a first registration needs the
PIN: surface data are never taken on sight) — and records how identity was checked: the
grant's channel is `visual` and the audit detail says `"identity": "visual"`.

The verdict, the consent rule (40 and over) and the grant are those of `confirm_by_card`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from cryptography import x509

from onshi.card import certificates
from onshi.card.errors import CertificateRefused
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.card import CardProblem, FormFactor, expires_soon, is_expired
from onshi.domain.consent import ConsentChoices, ConsentContext
from onshi.domain.dates import now_jst
from onshi.services.card_confirmation import (
    ACTION,
    CardConfirmed,
    CardOutcome,
    CardRefused,
    check_consent,
    decide_for_person,
    expiry_day,
    usable_record,
)
from onshi.services.card_linkage import CardRefusal, resolve_person
from onshi.services.consents import record_grant
from onshi.store import cards
from onshi.store.audit import AuditLog
from onshi.store.database import Database

IDENTITY = "visual"
CHANNEL = "visual"  # consent_grants.channel
# Only where the patient is met in person at home (seed 004); online care needs the PIN.
VISUAL_CONTEXTS = frozenset({ConsentContext.HOME_VISIT, ConsentContext.HOUSE_CALL})


@dataclass(frozen=True, slots=True)
class VisualConfirmation:
    """What the facility's device read from the card (its certificate) and what staff attest."""

    certificate_pem: str
    context: ConsentContext
    consent: ConsentChoices = field(default_factory=ConsentChoices)


async def confirm_visually(
    db: Database, audit: AuditLog, anchor: x509.Certificate, actor: Actor, request: VisualConfirmation
) -> CardOutcome:
    """Like `confirm_by_card` without a signature. Every use, refused or not, is audited."""
    if request.context not in VISUAL_CONTEXTS:
        raise ValueError(f"目視確認 is for home visits and house calls only, not {request.context.value}")
    at = now_jst()
    trace = _Trace(
        {
            "identity": IDENTITY,
            "context": request.context.value,
            "consent": sorted(item.value for item in request.consent.agreed),
        }
    )
    try:
        outcome = await _confirm(db, audit, anchor, actor, request, at, trace)
    except CardRefusal as refusal:
        if refusal.subject is not None:
            trace.subject = member_subject_key(refusal.subject)
        await _audit(audit, actor, f"refused:{refusal.problem.value}", trace, at)
        return CardRefused(refusal.problem, refusal.message_ja, at, at.date())
    await _audit(audit, actor, f"validity:{outcome.verdict.validity.value}", trace, at)
    return outcome


@dataclass(slots=True)
class _Trace:
    """What is known so far about the use, for its audit record."""

    detail: dict[str, object]
    subject: str | None = None


async def _confirm(
    db: Database,
    audit: AuditLog,
    anchor: x509.Certificate,
    actor: Actor,
    request: VisualConfirmation,
    at: datetime,
    trace: _Trace,
) -> CardConfirmed:
    try:
        presented = certificates.inspect(request.certificate_pem, anchor, at)
    except CertificateRefused as refused:
        raise CardRefusal(refused.problem) from None
    trace.detail["certificate"] = presented.serial
    trace.detail["form_factor"] = presented.form_factor.value
    if is_expired(presented.not_after, at):
        raise CardRefusal(CardProblem.EXPIRED, f"有効期限：{expiry_day(presented.not_after)}")
    if presented.form_factor is not FormFactor.CARD:
        raise CardRefusal(
            CardProblem.SMARTPHONE_NOT_ACCEPTED, "目視確認はマイナンバーカード（顔写真付き）でのみ行えます。"
        )
    async with db.read() as conn:
        record = await cards.certificate(conn, presented.serial)
        link = await cards.linkage(conn, presented.serial)
    record = usable_record(record, presented)
    resolved = await resolve_person(db, audit, actor, record, link, None, at)
    trace.subject = member_subject_key(resolved.person)
    verdict, reference = await decide_for_person(db, actor, resolved.person, at.date())
    check_consent(request.consent, verdict, at.date())
    grant_id = None
    agreed = request.consent.agreed
    if verdict.subject is not None and (agreed or request.context is ConsentContext.HOME_VISIT):
        async with db.write() as conn:
            grant = await record_grant(conn, actor, verdict.subject, request.context, agreed, at, CHANNEL)
        grant_id = grant.id
        trace.detail["grant_id"] = grant.id
    return CardConfirmed(
        verdict=verdict,
        on=at.date(),
        processed_at=at,
        consent=request.consent,
        form_factor=presented.form_factor,
        certificate_not_after=presented.not_after,
        expires_soon=expires_soon(presented.not_after, at),
        registered_now=False,
        reference_number=reference,
        consent_grant_id=grant_id,
    )


async def _audit(audit: AuditLog, actor: Actor, outcome: str, trace: _Trace, at: datetime) -> None:
    await audit.record(AuditEvent(actor, ACTION, outcome[:48], trace.subject, trace.detail, occurred_at=at))
