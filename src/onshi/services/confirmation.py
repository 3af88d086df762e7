"""Confirmation by insurance-card numbers (被保険者証等の記号・番号等による資格確認).

The one function every entry point calls — facility API, terminal, CLI. It validates the
keys through the domain value objects, asks the store for the card number's periods,
lets the domain rules decide, and records an audit event before returning: a
confirmation is never answered without its audit record.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any, TypeVar

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, member_subject_key, subject_key
from onshi.domain.dates import now_jst, parse_flexible_date, today_jst
from onshi.domain.eligibility import NumberQuery, Verdict, decide, successor_lookup, with_successors
from onshi.domain.errors import InvalidValue
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerNumber
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey
from onshi.domain.text import normalise_identifier
from onshi.services.public_expense import findings_of
from onshi.store import qualifications as store
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.wire import qualification as wire_result
from onshi.wire.qualification import ResultHeader, search_info

T = TypeVar("T")
ACTION = "confirm.numbers"


@dataclass(frozen=True, slots=True)
class NumberConfirmation:
    """The keys as typed (strings are normalised and validated by the service)."""

    insurer_number: str
    number: str
    birthdate: str | date
    on: date | str | None = None  # 資格確認日; None = today (JST)
    symbol: str | None = None
    branch: str | None = None
    limit_consent: bool = False  # 限度額適用認定証提供同意


@dataclass(frozen=True, slots=True)
class Confirmed:
    query: NumberQuery
    verdict: Verdict
    processed_at: datetime
    limit_consent_at: datetime | None
    # The public expense of a valid qualification (onshi.services.public_expense), by person.
    public_expense: Mapping[MemberKey, Findings] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class InputRejected:
    errors: tuple[InvalidValue, ...]
    processed_at: datetime


Outcome = Confirmed | InputRejected


def _attempt(errors: list[InvalidValue], parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except InvalidValue as error:
        errors.append(error)
        return None


# Pure parses of values that repeat across requests (insurer numbers, birth dates): cached,
# which matters for batches. Errors are not cached; they are raised again each time.
_parse_insurer = lru_cache(maxsize=8192)(InsurerNumber.parse)
_parse_date = lru_cache(maxsize=32768)(parse_flexible_date)


def build_query(request: NumberConfirmation) -> NumberQuery:
    """The validated query; raises `InputErrors` listing every bad key at once."""
    errors: list[InvalidValue] = []
    insurer = _attempt(errors, lambda: _parse_insurer(request.insurer_number))
    symbol = _attempt(errors, lambda: parse_symbol(request.symbol))
    number = _attempt(errors, lambda: parse_number(request.number))
    branch = _attempt(errors, lambda: parse_branch(request.branch))
    birthdate = _date(errors, request.birthdate, "birthdate")
    on = _date(
        errors, request.on if request.on is not None else today_jst(), "qualification_confirmation_date"
    )
    if errors:
        raise InputErrors(tuple(errors))
    assert insurer is not None and symbol is not None and number is not None and birthdate and on
    return NumberQuery(insurer, symbol, number, branch, birthdate, on)


def _date(errors: list[InvalidValue], value: str | date, field: str) -> date | None:
    return value if isinstance(value, date) else _attempt(errors, lambda: _parse_date(value, field))


class InputErrors(ValueError):
    def __init__(self, errors: tuple[InvalidValue, ...]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def _raw_subject(request: NumberConfirmation) -> str:
    return subject_key(
        normalise_identifier(request.insurer_number),
        normalise_identifier(request.symbol or ""),
        normalise_identifier(request.number),
        normalise_identifier(request.branch or ""),
    )[:64]


def rejection_event(
    actor: Actor, request: NumberConfirmation, errors: tuple[InvalidValue, ...], at: datetime, action: str
) -> AuditEvent:
    """The audit record of keys that did not validate: the key as typed, never more."""
    problems = ",".join(sorted({e.problem.value for e in errors}))
    return AuditEvent(actor, action, f"rejected:{problems}"[:48], _raw_subject(request), occurred_at=at)


def verdict_event(
    actor: Actor,
    query: NumberQuery,
    verdict: Verdict,
    at: datetime,
    action: str,
    detail: dict[str, Any] | None = None,
) -> AuditEvent:
    subject = verdict.subject
    searched = subject_key(query.insurer_number.digits, query.symbol, query.number, query.branch)
    return AuditEvent(
        actor,
        action,
        f"validity:{verdict.validity.value}",
        # The matched person's full card key (with 枝番), else the key as searched.
        member_subject_key(subject.key) if subject else searched,
        detail,
        occurred_at=at,
    )


async def confirm_by_numbers(
    db: Database, audit: AuditLog, actor: Actor, request: NumberConfirmation
) -> Outcome:
    processed_at = now_jst()
    try:
        query = build_query(request)
    except InputErrors as rejected:
        await audit.record(rejection_event(actor, request, rejected.errors, processed_at, ACTION))
        return InputRejected(rejected.errors, processed_at)
    verdict = await decide_query(db, query)
    public_expense = await findings_of(db, verdict, query.on, actor.id)
    await audit.record(verdict_event(actor, query, verdict, processed_at, ACTION))
    consent_at = processed_at if request.limit_consent else None
    return Confirmed(query, verdict, processed_at, consent_at, public_expense)


async def decide_query(db: Database, query: NumberQuery) -> Verdict:
    """The domain's verdict on the card number's periods, with the person's newer
    qualifications (under any numbers) when theirs was lost."""
    async with db.read() as conn:
        family = await store.family(conn, query.insurer_number, query.symbol, query.number)
        verdict = decide(query, family)
        if lookup := successor_lookup(verdict):
            verdict = with_successors(verdict, await store.successors(conn, lookup))
    return verdict


def search_echo(request: NumberConfirmation) -> dict[str, Any]:
    """QualificationConfirmSearchInfo as the caller sent it (echoed in the result)."""
    return search_info(
        insurer_number=request.insurer_number,
        symbol=request.symbol,
        number=request.number,
        branch=request.branch,
        birthdate=request.birthdate,
        limit_consent=request.limit_consent,
    )


def result_document(
    outcome: Outcome, header: ResultHeader, search_echo: dict[str, Any] | None
) -> dict[str, Any]:
    """The OQSsiquc01res document (XmlMsg content) for an outcome."""
    if isinstance(outcome, InputRejected):
        return {
            "MessageHeader": wire_result.header(header),
            "MessageBody": wire_result.input_error_body(outcome.errors, search_echo),
        }
    body = wire_result.verdict_body(
        outcome.verdict, outcome.query.on, search_echo, outcome.limit_consent_at, outcome.public_expense
    )
    return {"MessageHeader": wire_result.header(header), "MessageBody": body}
