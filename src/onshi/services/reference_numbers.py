"""照会番号 (reference-number) registration: a facility registers its own patient ID for a person,
and every later face-reader result for that person at that facility carries it.

The functions take an open connection and write the registrations *and their audit events*
in the caller's transaction, so a registration is never stored without its audit record.
The terminal's OQSsiimm01 (single) and OQSmuimm01 (bulk) handling calls them::

    async with db.write() as conn:
        result = await register_reference_number(conn, actor, ReferenceEntry("P-0042", "01130012", "456", "123", "00"))
    async with db.write() as conn:
        results = await register_reference_numbers(conn, actor, entries)  # one result per entry, in order

`actor` is the facility (its `id` is the 10-digit facility code). Each entry is checked on its
own: a bad entry is reported (`ReferenceResult.code` / `message_ja`) and the others are
registered. A person is found by 保険者番号 + 記号 + 番号 (+ 枝番); without 枝番 the numbers must
name exactly one person. Registering again replaces the facility's previous number for
that person.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key, subject_key
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import MemberKey
from onshi.domain.reference_number import parse_reference_number
from onshi.domain.text import normalise_identifier
from onshi.store import qualifications
from onshi.store import reference_numbers as store
from onshi.store.audit import insert_events
from onshi.wire.result_codes import INPUT_ERRORS, REFERENCE_NUMBER_ERRORS, ResultCode

ACTION = "reference.register"
T = TypeVar("T")


class Problem(StrEnum):
    NOT_FOUND = "not_found"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class ReferenceEntry:
    """ReferenceNumberRegistrationInfo as received (values are validated by the service)."""

    reference_number: str
    insurer_number: str
    number: str
    symbol: str | None = None
    branch: str | None = None


@dataclass(frozen=True, slots=True)
class ReferenceResult:
    entry: ReferenceEntry
    person: MemberKey | None = None  # whom the number was registered for
    reference_number: str | None = None  # as registered (surrounding spaces trimmed)
    code: ResultCode | None = None  # None when registered
    message_ja: str = ""

    @property
    def registered(self) -> bool:
        return self.code is None


async def register_reference_number(
    conn: AsyncConnection, actor: Actor, entry: ReferenceEntry, at: datetime | None = None
) -> ReferenceResult:
    """Register one 照会番号 for `actor`'s facility (OQSsiimm01)."""
    (result,) = await register_reference_numbers(conn, actor, [entry], at)
    return result


async def register_reference_numbers(
    conn: AsyncConnection, actor: Actor, entries: Sequence[ReferenceEntry], at: datetime | None = None
) -> list[ReferenceResult]:
    """Register many 照会番号 (OQSmuimm01): one result per entry, in the entries' order. When an
    upload names the same person twice, the later entry wins, as it would in two uploads."""
    moment = at or now_jst()
    results = [await _resolve(conn, entry) for entry in entries]
    accepted: dict[MemberKey, str] = {}
    for result in results:
        if result.person is not None and result.reference_number is not None and result.registered:
            accepted[result.person] = result.reference_number
    await store.save(conn, actor.id, list(accepted.items()), moment)
    await insert_events(conn, [_event(actor, result, moment) for result in results])
    return results


async def _resolve(conn: AsyncConnection, entry: ReferenceEntry) -> ReferenceResult:
    errors: list[InvalidValue] = []
    reference = _attempt(errors, lambda: parse_reference_number(entry.reference_number))
    insurer = _attempt(errors, lambda: InsurerNumber.parse(entry.insurer_number))
    symbol = _attempt(errors, lambda: parse_symbol(entry.symbol))
    number = _attempt(errors, lambda: parse_number(entry.number))
    branch = _attempt(errors, lambda: parse_branch(entry.branch))
    if errors:
        first = errors[0]
        message = "、".join(e.message_ja for e in errors)
        return ReferenceResult(entry, code=INPUT_ERRORS[first.problem], message_ja=message)
    assert reference is not None and insurer is not None and symbol is not None and number is not None
    family = await qualifications.family(conn, insurer, symbol, number)
    people = {q.key for q in family if branch is None or q.key.branch in (None, branch)}
    if len(people) != 1:
        problem = Problem.NOT_FOUND if not people else Problem.AMBIGUOUS
        code = REFERENCE_NUMBER_ERRORS[problem]
        return ReferenceResult(entry, code=code, message_ja=code.summary_ja)
    (person,) = people
    return ReferenceResult(entry, person, reference)


def _attempt(errors: list[InvalidValue], parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except InvalidValue as error:
        errors.append(error)
        return None


def _event(actor: Actor, result: ReferenceResult, at: datetime) -> AuditEvent:
    entry = result.entry
    if result.person is not None:
        subject = member_subject_key(result.person)
    else:
        subject = subject_key(
            normalise_identifier(entry.insurer_number),
            normalise_identifier(entry.symbol or ""),
            normalise_identifier(entry.number),
            normalise_identifier(entry.branch or ""),
        )[:64]
    outcome = "registered" if result.code is None else f"rejected:{result.code.code}"
    return AuditEvent(actor, ACTION, outcome, subject, occurred_at=at)
