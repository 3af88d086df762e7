"""Answering a claimed chunk of a batch, per kind: confirmations (一括照会) set-based — one
query for the chunk's card numbers, one for the facility's reference numbers — and 照会番号
registrations through the registration service. Units are dicts keyed by wire element names
(BulkConfirmUnit / BulkRegistrationUnit content) whose values are strings, lists of them, or
None for an absent element, so they store as JSON as they are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.audit import AuditEvent
from onshi.domain.batch import CRITERIA_KINDS, BatchKind, ChunkState
from onshi.domain.codes import ConsentFlag, ProcessingResultStatus, Validity
from onshi.domain.eligibility import NumberQuery, Verdict, decide, successor_lookup, with_successors
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey
from onshi.services.batch_answered import Answered as Answered  # re-exported: callers annotate with it
from onshi.services.confirmation import (
    InputErrors,
    NumberConfirmation,
    build_query,
    rejection_event,
    verdict_event,
)
from onshi.services.medical_aid_batch import answer_medical_aid
from onshi.services.public_expense import findings_for
from onshi.services.reference_numbers import ReferenceEntry, register_reference_numbers
from onshi.store import qualifications, reference_numbers
from onshi.store.batches import ClaimedChunk, Entry
from onshi.wire.bulk import confirm_unit, error_unit, registration_unit
from onshi.wire.result_codes import TECHNICAL_FAILURE

INQUIRY_ACTION = "confirm.batch"  # one audit record per entry, like confirm.numbers

# The element each unit echoes its entry in.
ECHO_NAMES = {
    BatchKind.INQUIRY: "QualificationConfirmSearchInfo",
    BatchKind.REFERENCE_NUMBERS: "ReferenceNumberRegistrationInfo",
    BatchKind.MEDICAL_AID: "QualificationConfirmSearchInfo",  # the criteria (not echoed in units)
}


def _confirmation(entry: Entry, on: date | None) -> NumberConfirmation:
    return NumberConfirmation(
        insurer_number=entry.get("InsurerNumber") or "",
        symbol=entry.get("InsuredCardSymbol"),
        number=entry.get("InsuredIdentificationNumber") or "",
        branch=entry.get("InsuredBranchNumber"),
        birthdate=entry.get("Birthdate") or "",
        on=on,
        limit_consent=entry.get("LimitApplicationCertificateRelatedConsFlg") == ConsentFlag.CONSENTED.value,
    )


async def answer_inquiries(conn: AsyncConnection, chunk: ClaimedChunk, at: datetime) -> Answered:
    batch = chunk.batch
    detail = {"reception_number": batch.reception_number}
    requests = [_confirmation(entry, batch.confirmation_date) for entry in chunk.entries]
    queries = [_query(request) for request in requests]
    verdicts = await _decide_all(conn, queries)
    people = [q.key for v in verdicts if v is not None for q in v.results]
    references = await reference_numbers.lookup_many(conn, batch.actor.id, people)
    public_expense = await _public_expense(conn, queries, verdicts, batch.actor.id)
    answered = Answered()
    for entry, request, query, verdict in zip(chunk.entries, requests, queries, verdicts, strict=True):
        if isinstance(query, InputErrors):
            answered.units.append(error_unit(query.errors, entry))
            answered.events.append(rejection_event(batch.actor, request, query.errors, at, INQUIRY_ACTION))
            continue
        assert verdict is not None
        consent_at = at if request.limit_consent else None
        refs = _references(verdict, references)
        answered.units.append(confirm_unit(verdict, query.on, entry, consent_at, refs, public_expense))
        answered.events.append(verdict_event(batch.actor, query, verdict, at, INQUIRY_ACTION, detail))
        answered.normal += 1
    return answered


async def _public_expense(
    conn: AsyncConnection,
    queries: list[NumberQuery | InputErrors],
    verdicts: list[Verdict | None],
    facility: str,
) -> dict[MemberKey, Findings]:
    """The public expense of every valid qualification in the chunk, in one lookup (all entries
    of a batch share its confirmation date)."""
    valid = [
        (query, verdict)
        for query, verdict in zip(queries, verdicts, strict=True)
        if isinstance(query, NumberQuery) and verdict is not None and verdict.validity is Validity.VALID
    ]
    if not valid:
        return {}
    people = [q for _, verdict in valid for q in verdict.results]
    return await findings_for(conn, people, valid[0][0].on, facility)


def _query(request: NumberConfirmation) -> NumberQuery | InputErrors:
    try:
        return build_query(request)
    except InputErrors as rejected:
        return rejected


async def _decide_all(
    conn: AsyncConnection, queries: list[NumberQuery | InputErrors]
) -> list[Verdict | None]:
    """Verdicts for the valid queries (None for the others): one lookup of all their card
    numbers, one of the individuals whose lost qualification may have a successor."""
    valid = [q for q in queries if isinstance(q, NumberQuery)]
    families = await qualifications.families(conn, [_card_number(q) for q in valid])
    verdicts: list[Verdict | None] = [
        None if isinstance(q, InputErrors) else decide(q, families[_card_number(q)]) for q in queries
    ]
    lookups = [successor_lookup(v) if v is not None else None for v in verdicts]
    individuals = await qualifications.successors_of_many(conn, [lookup for lookup in lookups if lookup])
    return [
        with_successors(v, individuals[lookup.individual_key]) if v is not None and lookup else v
        for v, lookup in zip(verdicts, lookups, strict=True)
    ]


def _card_number(query: NumberQuery) -> qualifications.CardNumber:
    return (query.insurer_number.digits, query.symbol, query.number)


def _references(verdict: Verdict, references: dict[MemberKey, str]) -> list[str]:
    if not references:  # most facilities register none: skip hashing every result's key
        return []
    return [references[q.key] for q in verdict.results if q.key in references]


async def answer_registrations(conn: AsyncConnection, chunk: ClaimedChunk, at: datetime) -> Answered:
    entries = [
        ReferenceEntry(
            reference_number=entry.get("ReferenceNumber") or "",
            insurer_number=entry.get("InsurerNumber") or "",
            number=entry.get("InsuredIdentificationNumber") or "",
            symbol=entry.get("InsuredCardSymbol"),
            branch=entry.get("InsuredBranchNumber"),
        )
        for entry in chunk.entries
    ]
    # The registration service writes the registrations and their audit records itself.
    outcomes = await register_reference_numbers(conn, chunk.batch.actor, entries, at)
    answered = Answered()
    for entry, outcome in zip(chunk.entries, outcomes, strict=True):
        message = outcome.message_ja or None
        answered.units.append(registration_unit(entry, outcome.code, message))
        answered.normal += outcome.registered
    return answered


def technical_failure(chunk: ClaimedChunk, at: datetime) -> Answered:
    """Units for a chunk that could not be answered: "not checked", never "not covered"."""
    error = TECHNICAL_FAILURE
    echoed = chunk.batch.kind not in CRITERIA_KINDS  # criteria have no place in a unit
    units = [
        {
            ECHO_NAMES[chunk.batch.kind]: entry if echoed else None,
            "ProcessingResultStatus": ProcessingResultStatus.ERROR.value,
            "ProcessingResultCode": error.code,
            "ProcessingResultMessage": error.summary_ja,
        }
        for entry in chunk.entries
    ]
    detail = {"reception_number": chunk.batch.reception_number, "entries": len(units)}
    action = f"batch.{chunk.batch.kind.value}"
    event = AuditEvent(chunk.batch.actor, action, f"error:{error.code}", detail=detail, occurred_at=at)
    return Answered(units, 0, [event], ChunkState.FAILED)


Answerer = Callable[[AsyncConnection, ClaimedChunk, datetime], Awaitable[Answered]]
ANSWERERS: dict[BatchKind, Answerer] = {
    BatchKind.INQUIRY: answer_inquiries,
    BatchKind.REFERENCE_NUMBERS: answer_registrations,
    BatchKind.MEDICAL_AID: answer_medical_aid,
}
