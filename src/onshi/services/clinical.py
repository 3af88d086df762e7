"""Viewing clinical information (薬剤情報・診療情報・手術情報・特定健診等情報).

    outcome = await view(db, audit, facility, ClinicalQuery(numbers, RecordKind.MEDICATION))

The patient is found by card numbers and birth date; the domain decides whether the facility
may see that kind now (onshi.domain.clinical_access); only then are records read, through the
permit. Every view and every refusal is audited before the answer — the patient's access log
is made of these records.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key, subject_key
from onshi.domain.clinical import ClinicalRecord, RecordKind
from onshi.domain.clinical_access import AccessRefused, Basis, Refusal, ViewPermit, authorise_view
from onshi.domain.consent_grants import HOME_VISIT_GRACE_MONTHS, ConsentGrant
from onshi.domain.dates import add_months, now_jst
from onshi.domain.eligibility import NumberQuery, decide
from onshi.domain.errors import InvalidValue
from onshi.domain.qualification import Qualification
from onshi.services.confirmation import InputErrors, NumberConfirmation, build_query
from onshi.services.consents import patient_of
from onshi.store import clinical, consents, disasters, qualifications
from onshi.store.audit import AuditLog
from onshi.store.database import Database

VIEW_ACTION = "clinical.view"
MAX_PER_PAGE = 200
MAX_FILE_RECORDS = 5000  # a YZK/TKK result file holds at most this many (the newest)
# Care months older than this cannot extend a relationship that is still running.
_CARE_LOOKBACK_MONTHS = 60


@dataclass(frozen=True, slots=True)
class ClinicalQuery:
    person: NumberConfirmation  # card numbers and birth date (its `on` is ignored: views are now)
    kind: RecordKind
    page: int = 1
    per_page: int = 50


@dataclass(frozen=True, slots=True)
class ClinicalPage:
    patient: Qualification
    permit: ViewPermit
    records: list[ClinicalRecord]
    total: int
    page: int
    per_page: int
    viewed_at: datetime


@dataclass(frozen=True, slots=True)
class ClinicalRefused:
    refusal: Refusal | None  # None: no such patient (the numbers and birth date match no one)
    errors: tuple[InvalidValue, ...] = ()

    @property
    def message_ja(self) -> str:
        return refusal_message(self.refusal, self.errors)


def refusal_message(refusal: Refusal | None, errors: tuple[InvalidValue, ...]) -> str:
    """What staff read when nothing is shown: the bad keys, no such patient, or the refusal."""
    if errors:
        return "; ".join(f"{e.field}: {e.message_ja}" for e in errors)
    if refusal is None:
        return "該当する患者の資格情報がありません（番号と生年月日を確認してください）"
    return refusal.message_ja


async def find_patient(db: Database, query: NumberQuery) -> Qualification | None:
    """The person the numbers and birth date name (in any period), or None."""
    async with db.read() as conn:
        family = await qualifications.family(conn, query.insurer_number, query.symbol, query.number)
    return decide(query, family).subject


async def view(
    db: Database, audit: AuditLog, actor: Actor, request: ClinicalQuery
) -> ClinicalPage | ClinicalRefused:
    at = now_jst()
    person = request.person
    try:
        query = build_query(
            NumberConfirmation(
                person.insurer_number,
                person.number,
                person.birthdate,
                at.date(),
                person.symbol,
                person.branch,
            )
        )
    except InputErrors as rejected:
        return ClinicalRefused(None, rejected.errors)
    patient = await find_patient(db, query)
    searched = subject_key(query.insurer_number.digits, query.symbol, query.number, query.branch)
    if patient is None:
        await _audit(audit, actor, request.kind, "refused:no_patient", searched, {}, at)
        return ClinicalRefused(None)
    return await view_person(db, audit, actor, patient, request.kind, request.page, request.per_page, at)


async def view_person(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    patient: Qualification,
    kind: RecordKind,
    page: int = 1,
    per_page: int = 50,
    at: datetime | None = None,
) -> ClinicalPage | ClinicalRefused:
    """The records of one identified patient, if the domain permits; audited either way."""
    at = at or now_jst()
    subject = member_subject_key(patient.key)
    try:
        permit = await permit_for(db, actor.id, patient, kind, at)
    except AccessRefused as refused:
        await _audit(audit, actor, kind, f"refused:{refused.refusal.value}", subject, {}, at)
        return ClinicalRefused(refused.refusal)
    per_page = max(1, min(per_page, MAX_FILE_RECORDS))
    page = max(1, page)
    async with db.read() as conn:
        records, total = await clinical.page(conn, permit, (page - 1) * per_page, per_page)
    detail: dict[str, Any] = {
        "basis": permit.basis.value, "grant_id": permit.grant_id, "disaster_id": permit.disaster_id,
        "since": permit.since.isoformat(), "shown": len(records), "total": total, "page": page,
    }  # fmt: skip
    outcome = "override:disaster" if permit.basis is Basis.DISASTER else "shown"
    await _audit(audit, actor, kind, outcome, subject, detail, at)
    return ClinicalPage(patient, permit, records, total, page, per_page, at)


async def permit_for(
    db: Database, facility_code: str, patient: Qualification, kind: RecordKind, at: datetime
) -> ViewPermit:
    """The domain's decision, from the facility's grants for the patient, the months its claims
    show care, and the disaster declarations in force. Raises AccessRefused."""
    key = patient_of(patient)
    async with db.read() as conn:
        grants = await consents.of_patient(conn, key, facility_code)
        months = await care_months_for(conn, facility_code, key, grants_first_visit(grants), at.date())
        declared = await disasters.current(conn, at.date())
    return authorise_view(
        facility_code=facility_code, patient=key, birthdate=patient.birthdate, kind=kind, at=at,
        grants=grants, care_months=months, disasters=declared,
    )  # fmt: skip


def grants_first_visit(grants: list[ConsentGrant]) -> date | None:
    return min((g.first_visit for g in grants), default=None)


async def care_months_for(
    conn: AsyncConnection, facility_code: str, patient: str, first: date | None, today: date
) -> list[date]:
    if first is None:
        return []
    since = max(first, add_months(today, -_CARE_LOOKBACK_MONTHS - HOME_VISIT_GRACE_MONTHS))
    return await clinical.care_months(conn, facility_code, patient, since)


async def _audit(
    audit: AuditLog,
    actor: Actor,
    kind: RecordKind,
    outcome: str,
    subject: str,
    detail: dict[str, Any],
    at: datetime,
) -> None:
    event = AuditEvent(actor, VIEW_ACTION, outcome[:48], subject[:64], {"kind": kind.value, **detail}, at)
    await audit.record(event)
