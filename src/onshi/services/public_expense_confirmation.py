"""Confirmation by a recipient's numbers (公費負担者番号 + 受給者番号 + 生年月日).

The answer is the person's whole confirmation, as with the card:

* a recipient the payer linked to a health-insurance card key: that qualification's verdict,
  whose valid entry lists every entitlement of the day (and the medical-aid tickets);
* a recipient on medical aid without (valid) insurance: their own A1 entry;
* otherwise the entitlement cannot be sent alone (a result entry needs a card classification):
  該当資格なし with a message saying the 受給者証 is valid but no insurance was found.

Numbers of a payer outside online confirmation, unknown numbers, a wrong birth date and days
outside every validity period are answered like the corresponding insurance verdicts (codes
ONSI2005, ONSI2007, ONSI2002, ONSI2004) with messages about the 受給者証. Audited like any
confirmation, under `confirm.public_expense`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, TypeVar

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key
from onshi.domain.codes import Validity
from onshi.domain.dates import format_ja, format_wire_date, now_jst, parse_flexible_date, today_jst
from onshi.domain.eligibility import Reason, Verdict
from onshi.domain.errors import InvalidValue
from onshi.domain.public_expense import Entitlement, Findings, PayerNumber, RecipientNumber
from onshi.domain.qualification import MemberKey
from onshi.services.confirmation import InputErrors, InputRejected
from onshi.services.public_expense import MedicalAid, findings_for, insurance_verdict, medical_aid_of
from onshi.store import public_expense as store
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.wire import qualification as wire_result
from onshi.wire.medical_aid import medical_aid_body
from onshi.wire.qualification import ResultHeader

ACTION = "confirm.public_expense"
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class RecipientConfirmation:
    payer_number: str
    recipient_number: str
    birthdate: str | date
    on: str | date | None = None  # None: today (JST)


@dataclass(frozen=True, slots=True)
class RecipientQuery:
    payer: PayerNumber
    recipient: RecipientNumber
    birthdate: date
    on: date


@dataclass(frozen=True, slots=True)
class RecipientConfirmed:
    query: RecipientQuery
    processed_at: datetime
    verdict: Verdict  # the insurance verdict, or one standing for the 受給者証's
    note_ja: str = ""  # replaces the verdict's message when set
    public_expense: Mapping[MemberKey, Findings] = field(default_factory=dict)
    medical_aid: MedicalAid | None = None  # answered with the A1 entry

    @property
    def validity(self) -> Validity:
        if self.medical_aid is not None:
            return Validity.VALID if self.medical_aid.valid else Validity.INVALID
        return self.verdict.validity


RecipientOutcome = RecipientConfirmed | InputRejected


def _attempt(errors: list[InvalidValue], parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except InvalidValue as error:
        errors.append(error)
        return None


def build_query(request: RecipientConfirmation) -> RecipientQuery:
    errors: list[InvalidValue] = []
    payer = _attempt(errors, lambda: PayerNumber.parse(request.payer_number))
    recipient = _attempt(errors, lambda: RecipientNumber.parse(request.recipient_number))
    birthdate = _date(errors, request.birthdate, "birthdate")
    on = _date(
        errors, request.on if request.on is not None else today_jst(), "qualification_confirmation_date"
    )
    if errors:
        raise InputErrors(tuple(errors))
    assert payer and recipient and birthdate and on
    return RecipientQuery(payer, recipient, birthdate, on)


def _date(errors: list[InvalidValue], value: str | date, name: str) -> date | None:
    return value if isinstance(value, date) else _attempt(errors, lambda: parse_flexible_date(value, name))


async def confirm_by_recipient(
    db: Database, audit: AuditLog, actor: Actor, request: RecipientConfirmation
) -> RecipientOutcome:
    at = now_jst()
    subject = f"pe:{request.payer_number}:{request.recipient_number}"[:64]
    try:
        query = build_query(request)
    except InputErrors as rejected:
        problems = ",".join(sorted({e.problem.value for e in rejected.errors}))
        await audit.record(AuditEvent(actor, ACTION, f"rejected:{problems}"[:48], subject, occurred_at=at))
        return InputRejected(rejected.errors, at)
    outcome = await _decide(db, query, actor.id, at)
    insured = outcome.verdict.subject
    key = member_subject_key(insured.key) if insured else f"pe:{query.payer}:{query.recipient}"
    detail = {"public_expense": f"{query.payer}:{query.recipient}"}
    await audit.record(AuditEvent(actor, ACTION, f"validity:{outcome.validity.value}", key, detail, at))
    return outcome


def _standing(validity: Validity, reason: Reason, on: date) -> Verdict:
    return Verdict(validity, reason, on=on)


async def _decide(db: Database, query: RecipientQuery, facility: str, at: datetime) -> RecipientConfirmed:
    on = query.on
    async with db.read() as conn:
        periods = await store.of_recipient(conn, query.payer.digits, query.recipient.digits)
        payer = (await store.payers(conn, [query.payer.digits])).get(query.payer.digits)
        if payer is None or not payer.participating:
            note = f"公費負担者番号 {query.payer} はオンライン資格確認に参加していません。紙の受給者証で確認してください。"
            return RecipientConfirmed(
                query, at, _standing(Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS, on), note
            )
        if not periods:
            note = "入力された公費負担者番号・受給者番号の受給者は登録されていません。番号をご確認ください。"
            return RecipientConfirmed(
                query, at, _standing(Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS, on), note
            )
        mine = [p for p in periods if p.identity.birthdate == query.birthdate]
        if not mine:
            note = "公費負担者番号・受給者番号は登録されていますが、生年月日が一致しません。"
            return RecipientConfirmed(
                query, at, _standing(Validity.NOT_FOUND, Reason.BIRTHDATE_MISMATCH, on), note
            )
        current = [p for p in mine if p.is_valid_on(on)]
        if not current:
            return RecipientConfirmed(query, at, *_outside(mine, on))
        entitlement = max(current, key=lambda p: p.valid_from)
        verdict = await insurance_verdict(conn, entitlement, on)
        if verdict is not None and verdict.validity is Validity.VALID:
            found = await findings_for(conn, verdict.results, on, facility)
            return RecipientConfirmed(query, at, verdict, public_expense=found)
        aid = await medical_aid_of(conn, mine, on, facility)
    if aid is not None:
        return RecipientConfirmed(query, at, _standing(Validity.VALID, Reason.VALID, on), medical_aid=aid)
    note = (
        f"受給者証（{entitlement.programme.name_ja}）は有効ですが、医療保険の資格を確認できません。"
        "医療保険の資格確認書等またはマイナ保険証で確認してください。"
    )
    return RecipientConfirmed(
        query, at, verdict or _standing(Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS, on), note
    )


def _outside(periods: list[Entitlement], on: date) -> tuple[Verdict, str]:
    ended = [p for p in periods if p.valid_to is not None and p.valid_to < on]
    if ended:
        last = max(ended, key=lambda p: p.valid_from)
        assert last.valid_to is not None
        note = f"受給者証の有効期間は{format_ja(last.valid_to)}までです。"
        return _standing(Validity.INVALID, Reason.LOST, on), note
    first = min(periods, key=lambda p: p.valid_from)
    note = f"受給者証の有効期間は{format_ja(first.valid_from)}からです。"
    return _standing(Validity.INVALID, Reason.NOT_YET_ACQUIRED, on), note


def search_echo(request: RecipientConfirmation) -> dict[str, Any]:
    """The request's keys as QualificationConfirmSearchInfo (the 公費 numbers stand in the
    insurer's places, as OD2 reads a medical-aid result)."""
    birthdate = request.birthdate
    return {
        "InsurerNumber": request.payer_number,
        "InsuredIdentificationNumber": request.recipient_number,
        "Birthdate": birthdate if isinstance(birthdate, str) else format_wire_date(birthdate),
    }


def result_document(outcome: RecipientOutcome, header: ResultHeader, echo: dict[str, Any] | None) -> dict[str, Any]:  # fmt: skip
    """The OQSsiquc01res document (XmlMsg content) for a recipient confirmation."""
    head = wire_result.header(header)
    if isinstance(outcome, InputRejected):
        return {"MessageHeader": head, "MessageBody": wire_result.input_error_body(outcome.errors, echo)}
    if outcome.medical_aid is not None:
        aid = outcome.medical_aid
        return {
            "MessageHeader": head,
            "MessageBody": medical_aid_body(aid.aid, aid.findings, outcome.query.on, echo),
        }
    verdict = outcome.verdict
    note = outcome.note_ja or None
    body = wire_result.verdict_body(verdict, outcome.query.on, echo, None, outcome.public_expense, note)
    return {"MessageHeader": head, "MessageBody": body}
