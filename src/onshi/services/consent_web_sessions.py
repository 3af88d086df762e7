"""Who is using the consent web: a facility's device (API key → session) or a patient (card
signature over a single-use challenge → session).

Facility sessions live 8 hours (a day of visits) and stop at once when the key is revoked or
the facility suspended. Patient sessions live 30 minutes. Both are audited when opened or
refused (`consent_web.login`, `patient.signin`).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from cryptography import x509

from onshi.card import certificates
from onshi.card.errors import CertificateRefused
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.card import CardProblem, is_expired
from onshi.domain.dates import now_jst
from onshi.domain.qualification import MemberKey
from onshi.services.card_confirmation import expiry_day, usable_record
from onshi.services.card_linkage import CardRefusal
from onshi.services.web_sign_in import check_facility_key
from onshi.store import cards, patient_challenges, web_sessions
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.web_sessions import IdentityMode, SessionKind

FACILITY_SESSION = timedelta(hours=8)
PATIENT_SESSION = timedelta(minutes=30)
CHALLENGE_LIFETIME = timedelta(minutes=5)
LOGIN_ACTION = "consent_web.login"
SIGNIN_ACTION = "patient.signin"
PATIENT_PURPOSE = "onshi-patient-session/1"


def patient_actor(channel: Channel) -> Actor:
    return Actor(ActorKind.PATIENT, "patient", channel)


# --- facilities ---------------------------------------------------------------------------------


async def facility_login(
    db: Database, audit: AuditLog, code: str, secret: str, mode: IdentityMode
) -> str | None:
    """A session token when `secret` is an active facility key of facility `code`, else None."""
    code, at = code.strip(), now_jst()
    check = await check_facility_key(db, code, secret.strip())
    actor, refusal = check.actor, check.refusal
    if refusal:
        await audit.record(AuditEvent(actor, LOGIN_ACTION, f"refused:{refusal}", occurred_at=at))
        return None
    async with db.write() as conn:
        token = await web_sessions.create(
            conn, SessionKind.FACILITY, at, FACILITY_SESSION,
            facility_code=code, credential_id=actor.credential_id, identity_mode=mode,
        )  # fmt: skip
    await audit.record(AuditEvent(actor, LOGIN_ACTION, "signed_in", detail={"identity": mode.value}))
    return token


# --- patients -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PatientChallenge:
    nonce: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class PatientSession:
    token: str
    expires_at: datetime
    person: MemberKey


@dataclass(frozen=True, slots=True)
class SignInRefused:
    problem: CardProblem
    message_ja: str


def patient_payload(challenge: str) -> bytes:
    """What the card signs to open a patient session: a purpose of its own, so no signature
    given to a facility (onshi-card-auth) can ever open the patient's menu, nor the reverse."""
    document = {"purpose": PATIENT_PURPOSE, "challenge": challenge}
    return json.dumps(document, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


async def patient_challenge(db: Database) -> PatientChallenge:
    nonce, at = secrets.token_urlsafe(32), now_jst()
    async with db.write() as conn:
        await patient_challenges.issue(conn, nonce, at)
    return PatientChallenge(nonce, at + CHALLENGE_LIFETIME)


async def patient_sign_in(
    db: Database,
    audit: AuditLog,
    anchor: x509.Certificate,
    certificate_pem: str,
    challenge: str,
    signature: bytes,
    channel: Channel,
) -> PatientSession | SignInRefused:
    """Checks as for a card confirmation — chain, signature, expiry, single-use challenge,
    central's record (revocation) and an existing linkage — then opens a session for the
    person the card is linked to."""
    at, actor = now_jst(), patient_actor(channel)
    detail: dict[str, object] = {}
    try:
        person = await _signed_in_person(db, anchor, certificate_pem, challenge, signature, at, detail)
    except CardRefusal as refusal:
        subject = member_subject_key(refusal.subject) if refusal.subject else None
        event = AuditEvent(actor, SIGNIN_ACTION, f"refused:{refusal.problem.value}", subject, detail, at)
        await audit.record(event)
        return SignInRefused(refusal.problem, refusal.message_ja)
    async with db.write() as conn:
        token = await web_sessions.create(
            conn, SessionKind.PATIENT, at, PATIENT_SESSION,
            certificate_serial=str(detail["certificate"]), person=person,
        )  # fmt: skip
    await audit.record(AuditEvent(actor, SIGNIN_ACTION, "signed_in", member_subject_key(person), detail, at))
    return PatientSession(token, at + PATIENT_SESSION, person)


async def _signed_in_person(
    db: Database,
    anchor: x509.Certificate,
    certificate_pem: str,
    challenge: str,
    signature: bytes,
    at: datetime,
    detail: dict[str, object],
) -> MemberKey:
    try:
        presented = certificates.inspect(certificate_pem, anchor, at)
        detail["certificate"] = presented.serial
        certificates.verify_signature(presented, patient_payload(challenge), signature)
    except CertificateRefused as refused:
        raise CardRefusal(refused.problem) from None
    if is_expired(presented.not_after, at):
        raise CardRefusal(CardProblem.EXPIRED, f"有効期限：{expiry_day(presented.not_after)}")
    async with db.write() as conn:
        if not await patient_challenges.consume(conn, challenge, at, CHALLENGE_LIFETIME):
            raise CardRefusal(CardProblem.CHALLENGE)
    async with db.read() as conn:
        record = await cards.certificate(conn, presented.serial)
        link = await cards.linkage(conn, presented.serial)
    usable_record(record, presented)
    if link is None:
        raise CardRefusal(
            CardProblem.NOT_LINKED,
            "マイナンバーカードの健康保険証利用登録がありません。医療機関等のカードリーダーまたは"
            "マイナポータルで登録してください。",
        )
    return link.person


async def end_session(db: Database, token: str) -> None:
    async with db.write() as conn:
        await web_sessions.end(conn, token, now_jst())
