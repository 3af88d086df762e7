"""Confirmation with the My Number Card (電子資格確認) — what central does when a card reader
sends a signed challenge.

In order: the certificate must chain to the J-LIS CA, the signature must verify over the
challenge, facility, consent choices (and surface data), the certificate must not be
expired, the challenge must be unused, the certificate known to central and not revoked,
a smartphone certificate accepted by the facility, and the certificate linked to a person
(or linked now, on a first registration). Then the same domain `decide` as for insurance-card
numbers gives the verdict. Every use — refused or not — is audited before the answer;
refusals name their distinct CardProblem, and a technical failure is never a verdict.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from cryptography import x509

from onshi.card import certificates
from onshi.card.errors import CertificateRefused
from onshi.card.protocol import auth_payload
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.card import CardProblem, FormFactor, expires_soon, is_expired
from onshi.domain.codes import Validity
from onshi.domain.consent import ConsentChoices, ConsentContext
from onshi.domain.consent import validate as validate_consent
from onshi.domain.dates import JST, format_ja, now_jst
from onshi.domain.eligibility import NumberQuery, Reason, Verdict, decide, successor_lookup, with_successors
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityCode
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey, Qualification
from onshi.services.card_linkage import CardRefusal, resolve_person
from onshi.services.consents import record_grant
from onshi.services.public_expense import MedicalAid, findings_of
from onshi.services.public_expense_cards import AidCard, aid_of_card
from onshi.store import cards, facilities, qualifications, reference_numbers
from onshi.store.audit import AuditLog
from onshi.store.cards import CertificateRecord, Linkage
from onshi.store.database import Database
from onshi.wire.result_codes import CARD_ERRORS, ResultCode

ACTION = "card.confirm"
CHALLENGE_LIFETIME = timedelta(minutes=5)


@dataclass(frozen=True, slots=True)
class Challenge:
    nonce: str
    facility_code: str
    issued_at: datetime

    @property
    def expires_at(self) -> datetime:
        return self.issued_at + CHALLENGE_LIFETIME


def new_nonce() -> str:
    return secrets.token_urlsafe(32)


def new_challenge(actor: Actor) -> Challenge:
    """A fresh single-use nonce for the facility, issued now (stored by the caller)."""
    return Challenge(new_nonce(), actor.id, now_jst())


@dataclass(frozen=True, slots=True)
class CardConfirmation:
    """What the reader sends: the certificate, the card's signature and what it signed."""

    certificate_pem: str
    challenge: str
    signature: bytes
    consent: ConsentChoices = field(default_factory=ConsentChoices)
    surface: Mapping[str, str] | None = None  # 券面事項, on a first registration only
    context: ConsentContext = ConsentContext.COUNTER  # where the consent is given (signed)


@dataclass(frozen=True, slots=True)
class CardConfirmed:
    verdict: Verdict
    on: date
    processed_at: datetime
    consent: ConsentChoices
    form_factor: FormFactor
    certificate_not_after: datetime
    expires_soon: bool
    registered_now: bool
    reference_number: str | None
    consent_grant_id: int | None = None  # the consent stored (none when nothing was agreed)
    # The public expense of a valid qualification (onshi.services.public_expense), by person.
    public_expense: Mapping[MemberKey, Findings] = field(default_factory=dict)
    # A person on medical aid without health insurance: answered with their own A1 entry.
    medical_aid: MedicalAid | None = None


@dataclass(frozen=True, slots=True)
class CardRefused:
    problem: CardProblem
    message_ja: str  # the details to show after the code's summary (may be empty)
    processed_at: datetime
    on: date

    @property
    def code(self) -> ResultCode:
        return CARD_ERRORS[self.problem]


CardOutcome = CardConfirmed | CardRefused


@dataclass(frozen=True, slots=True)
class CardState:
    """What central holds about a presented certificate, read when its challenge is used."""

    record: CertificateRecord | None
    accepts_smartphone: bool  # the facility's
    link: Linkage | None


class CardReadsFailed(Exception):
    """The database failed under a CardReads other than SQLAlchemy's (whose DBAPIError says it)."""


class CardReads(Protocol):
    """The challenge use and the reads of one card confirmation. `SqlCardReads` (any database)
    by default; on PostgreSQL the hot path (onshi.central.hot_card) does them in one raw
    statement. Nothing here may be cached across requests: a revocation applies at once."""

    async def consume_and_read(
        self, nonce: str, facility_code: str, serial: str, at: datetime
    ) -> CardState | None:
        """None when the challenge is unknown, another facility's, used or too old."""

    async def decide_for_person(
        self, actor: Actor, person: MemberKey, on: date
    ) -> tuple[Verdict, str | None]:
        """As `decide_for_person`: the verdict and the facility's reference number."""

    async def public_expense(
        self, verdict: Verdict, on: date, facility_code: str
    ) -> dict[MemberKey, Findings]:
        """As services.public_expense.findings_of."""


@dataclass(frozen=True, slots=True)
class SqlCardReads:
    db: Database

    async def consume_and_read(
        self, nonce: str, facility_code: str, serial: str, at: datetime
    ) -> CardState | None:
        async with self.db.write() as conn:
            if not await cards.consume_challenge(conn, nonce, facility_code, at, CHALLENGE_LIFETIME):
                return None
        async with self.db.read() as conn:
            record = await cards.certificate(conn, serial)
            facility = await facilities.get(conn, FacilityCode(facility_code))
            link = await cards.linkage(conn, serial)
        return CardState(record, bool(facility and facility.accepts_smartphone), link)

    async def decide_for_person(
        self, actor: Actor, person: MemberKey, on: date
    ) -> tuple[Verdict, str | None]:
        return await decide_for_person(self.db, actor, person, on)

    async def public_expense(
        self, verdict: Verdict, on: date, facility_code: str
    ) -> dict[MemberKey, Findings]:
        return await findings_of(self.db, verdict, on, facility_code)


async def issue_challenge(db: Database, actor: Actor) -> Challenge:
    """A single-use nonce for the facility's next card use."""
    challenge = new_challenge(actor)
    async with db.write() as conn:
        await cards.issue_challenge(conn, challenge.nonce, actor.id, challenge.issued_at)
    return challenge


@dataclass(slots=True)
class _Trace:
    """What is known so far about a card use, for its audit record."""

    serial: str | None = None
    form_factor: FormFactor | None = None
    subject: MemberKey | None = None

    def detail(self, choices: ConsentChoices) -> dict[str, object]:
        detail: dict[str, object] = {"consent": sorted(item.value for item in choices.agreed)}
        if self.serial:
            detail["certificate"] = self.serial
        if self.form_factor:
            detail["form_factor"] = self.form_factor.value
        return detail


async def confirm_by_card(
    db: Database,
    audit: AuditLog,
    anchor: x509.Certificate,
    actor: Actor,
    request: CardConfirmation,
    reads: CardReads | None = None,
) -> CardOutcome:
    """Check the card use and decide the qualification. Database and other technical errors
    propagate: the caller answers "could not verify", never a verdict."""
    processed_at = now_jst()
    trace = _Trace()
    try:
        outcome = await _confirm(
            db, audit, anchor, actor, request, processed_at, trace, reads or SqlCardReads(db)
        )
    except CardRefusal as refusal:
        trace.subject = refusal.subject or trace.subject
        await _audit(audit, actor, f"refused:{refusal.problem.value}", trace, request, processed_at)
        return CardRefused(refusal.problem, refusal.message_ja, processed_at, processed_at.date())
    await _audit(audit, actor, f"validity:{outcome.verdict.validity.value}", trace, request, processed_at)
    return outcome


async def _audit(
    audit: AuditLog, actor: Actor, outcome: str, trace: _Trace, request: CardConfirmation, at: datetime
) -> None:
    subject = member_subject_key(trace.subject) if trace.subject else None
    detail = trace.detail(request.consent)
    await audit.record(AuditEvent(actor, ACTION, outcome[:48], subject, detail, occurred_at=at))


async def _confirm(
    db: Database,
    audit: AuditLog,
    anchor: x509.Certificate,
    actor: Actor,
    request: CardConfirmation,
    at: datetime,
    trace: _Trace,
    reads: CardReads,
) -> CardConfirmed:
    presented = _verified(anchor, actor, request, at)
    trace.serial, trace.form_factor = presented.serial, presented.form_factor
    if is_expired(presented.not_after, at):
        raise CardRefusal(CardProblem.EXPIRED, f"有効期限：{expiry_day(presented.not_after)}")
    state = await reads.consume_and_read(request.challenge, actor.id, presented.serial, at)
    if state is None:
        raise CardRefusal(CardProblem.CHALLENGE)
    record, link = usable_record(state.record, presented), state.link
    if record.form_factor is FormFactor.SMARTPHONE and not state.accepts_smartphone:
        raise CardRefusal(CardProblem.SMARTPHONE_NOT_ACCEPTED)
    aid = await aid_of_card(db, audit, actor, record, request.surface, at) if link is None else None
    if aid is not None:
        return _medical_aid_confirmed(aid, presented, request, at)
    resolved = await resolve_person(db, audit, actor, record, link, request.surface, at)
    trace.subject = resolved.person
    verdict, reference = await reads.decide_for_person(actor, resolved.person, at.date())
    check_consent(request.consent, verdict, at.date())
    grant_id = await _record_consent(db, actor, request, verdict, at)
    public_expense = await reads.public_expense(verdict, at.date(), actor.id)
    return CardConfirmed(
        verdict=verdict,
        on=at.date(),
        processed_at=at,
        consent=request.consent,
        form_factor=presented.form_factor,
        certificate_not_after=presented.not_after,
        expires_soon=expires_soon(presented.not_after, at),
        registered_now=resolved.registered_now,
        reference_number=reference,
        consent_grant_id=grant_id,
        public_expense=public_expense,
    )


def _medical_aid_confirmed(
    aid: AidCard, presented: certificates.PresentedCertificate, request: CardConfirmation, at: datetime
) -> CardConfirmed:
    """A card of a person on medical aid without health insurance. No consent is stored: the
    consents and clinical records of onshi are kept per insured person (docs/public-expense.md)."""
    validity = Validity.VALID if aid.medical_aid.valid else Validity.INVALID
    # The verdict has no insurance qualification to explain; the A1 entry says the rest.
    return CardConfirmed(
        verdict=Verdict(validity, Reason.VALID, on=at.date()),
        on=at.date(),
        processed_at=at,
        consent=request.consent,
        form_factor=presented.form_factor,
        certificate_not_after=presented.not_after,
        expires_soon=expires_soon(presented.not_after, at),
        registered_now=aid.registered_now,
        reference_number=None,
        medical_aid=aid.medical_aid,
    )


def _verified(
    anchor: x509.Certificate, actor: Actor, request: CardConfirmation, at: datetime
) -> certificates.PresentedCertificate:
    """The presented certificate, after its chain and the signature over what was sent."""
    payload = auth_payload(
        request.challenge, actor.id, request.consent.as_flags(), request.surface, request.context.value
    )
    try:
        presented = certificates.inspect(request.certificate_pem, anchor, at)
        certificates.verify_signature(presented, payload, request.signature)
    except CertificateRefused as refused:
        raise CardRefusal(refused.problem) from None
    return presented


def usable_record(
    record: CertificateRecord | None, presented: certificates.PresentedCertificate
) -> CertificateRecord:
    if record is None or record.fingerprint != presented.fingerprint:
        # The CA signed it, but central has no record to check revocation against: do not guess.
        raise CardRefusal(CardProblem.UNVERIFIABLE, "電子証明書の失効情報を確認できません。")
    if record.revoked and record.revocation_reason is not None:
        raise CardRefusal(CardProblem.REVOKED, f"失効理由：{record.revocation_reason.label_ja}")
    if record.revoked:
        raise CardRefusal(CardProblem.REVOKED)
    return record


async def decide_for_person(
    db: Database, actor: Actor, person: MemberKey, on: date
) -> tuple[Verdict, str | None]:
    """The verdict for the linked person, as for a confirmation by their card numbers."""
    async with db.read() as conn:
        family = await qualifications.family(conn, person.insurer_number, person.symbol, person.number)
        verdict = verdict_of(person, family, on)
        if verdict is None:
            return no_periods(on), None
        if lookup := successor_lookup(verdict):
            verdict = with_successors(verdict, await qualifications.successors(conn, lookup))
        reference = await reference_numbers.lookup(conn, actor.id, person)
    return verdict, reference


def no_periods(on: date) -> Verdict:
    return Verdict(Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS, on=on)


def verdict_of(person: MemberKey, family: list[Qualification], on: date) -> Verdict | None:
    """The domain's verdict on the person's own periods out of their card number's `family`,
    before any successor lookup; None when they have none (NOT_FOUND, without a reference)."""
    periods = [q for q in family if q.key == person]
    if not periods:
        return None
    query = NumberQuery(
        person.insurer_number, person.symbol, person.number, person.branch, periods[0].birthdate, on
    )
    return decide(query, periods)


async def _record_consent(
    db: Database, actor: Actor, request: CardConfirmation, verdict: Verdict, at: datetime
) -> int | None:
    """Store what the patient agreed to before the answer goes out. A home visit is stored
    even with no item agreed: it starts the relationship that allows 再照会."""
    subject = verdict.subject
    agreed = request.consent.agreed
    if subject is None or not (agreed or request.context is ConsentContext.HOME_VISIT):
        return None
    async with db.write() as conn:
        grant = await record_grant(conn, actor, subject, request.context, agreed, at, "card")
    return grant.id


def check_consent(choices: ConsentChoices, verdict: Verdict, on: date) -> None:
    if verdict.subject is None:
        return
    try:
        validate_consent(choices, verdict.subject.birthdate, on)
    except InvalidValue as error:
        raise CardRefusal(CardProblem.CONSENT_INVALID, error.message_ja, verdict.subject.key) from None


def expiry_day(moment: datetime) -> str:
    return format_ja(moment.astimezone(JST).date())


def expiry_message(not_after: datetime) -> str:
    return (
        f"利用者証明用電子証明書の有効期限は{expiry_day(not_after)}です。"
        "お住まいの市区町村の窓口で更新の手続きをしてください。"
    )
