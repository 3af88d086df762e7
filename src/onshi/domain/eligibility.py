"""Qualification validity (資格有効性, OQSCD006) of a confirmation by insurance-card numbers.

The store hands over every qualification period registered under the searched 保険者番号 +
記号 + 番号 (all branch numbers: the family under one card number). The rules:

* branch number given → only that branch (cards without 枝番 ignore it); none left → 4;
* birth date must match; none left → 4 (number matches, birth date does not);
* more than one person left (no branch given, e.g. twins) → 5 複数該当;
* one person: a period valid on the date → 1 (latest acquisition wins if periods overlap);
  else the latest lost period → 3 when the same person has a newer qualification (same
  numbers later, or another insurer via the individual key), otherwise 2; only periods
  starting after the date → 2 (not yet acquired).

Every verdict carries a reason so staff are told *why* (lost on X with reason Y; newer
qualification since Z; number matches but birth date does not …).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from onshi.domain.codes import Validity
from onshi.domain.dates import format_ja
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import MemberKey, Qualification


class Reason(StrEnum):
    VALID = "valid"
    VALID_CARD_EXPIRED = "valid_card_expired"  # covered, but the card's validity period is over
    LOST = "lost"
    LOST_NEWER_EXISTS = "lost_newer_exists"
    NOT_YET_ACQUIRED = "not_yet_acquired"
    NO_SUCH_NUMBERS = "no_such_numbers"
    BRANCH_MISMATCH = "branch_mismatch"
    BIRTHDATE_MISMATCH = "birthdate_mismatch"
    AMBIGUOUS = "ambiguous"


@dataclass(frozen=True, slots=True)
class NumberQuery:
    """A confirmation by insurance-card numbers (被保険者証等の記号・番号等による資格確認)."""

    insurer_number: InsurerNumber
    symbol: str
    number: str
    branch: str | None
    birthdate: date
    on: date  # 資格確認日


@dataclass(frozen=True, slots=True)
class Verdict:
    validity: Validity
    reason: Reason
    results: tuple[Qualification, ...] = ()
    newer_since: date | None = None  # acquisition date of the newer qualification (reason LOST_NEWER_EXISTS)
    on: date | None = None

    @property
    def subject(self) -> Qualification | None:
        return self.results[0] if len(self.results) == 1 else None

    @property
    def message_ja(self) -> str:
        return _message_ja(self)

    @property
    def message_en(self) -> str:
        return _message_en(self)


@dataclass(frozen=True, slots=True)
class SuccessorLookup:
    """What the store must fetch to tell 2 from 3: later qualifications of this individual."""

    individual_key: str
    acquired_after: date
    exclude: MemberKey


def decide(query: NumberQuery, family: Sequence[Qualification]) -> Verdict:
    """The verdict for `query` given every period registered under its card number.

    A plain loss may still become 3 when the individual holds a newer qualification under
    other numbers: callers ask `successor_lookup` what to fetch and apply `with_successors`."""
    if not family:
        return Verdict(Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS, on=query.on)
    branch_matched = [q for q in family if _branch_matches(q, query.branch)]
    if not branch_matched:
        return Verdict(Validity.NOT_FOUND, Reason.BRANCH_MISMATCH, on=query.on)
    people = _group_by_member([q for q in branch_matched if q.birthdate == query.birthdate])
    if not people:
        return Verdict(Validity.NOT_FOUND, Reason.BIRTHDATE_MISMATCH, on=query.on)
    if len(people) > 1:
        chosen = tuple(_most_relevant(periods, query.on) for periods in people.values())
        return Verdict(Validity.MULTIPLE, Reason.AMBIGUOUS, chosen, on=query.on)
    (periods,) = people.values()
    return _decide_one(periods, query.on)


def successor_lookup(verdict: Verdict) -> SuccessorLookup | None:
    """When the verdict is a plain loss of a linked individual, what to look up to find a newer one."""
    subject = verdict.subject
    if verdict.reason is not Reason.LOST or subject is None or subject.individual_key is None:
        return None
    return SuccessorLookup(subject.individual_key, subject.qualification_date, subject.key)


def with_successors(verdict: Verdict, successors: Iterable[Qualification]) -> Verdict:
    """Upgrade a LOST verdict to LOST_NEWER_EXISTS when a later qualification exists."""
    subject = verdict.subject
    if verdict.reason is not Reason.LOST or subject is None:
        return verdict
    later = [q for q in successors if q.qualification_date > subject.qualification_date]
    if not later:
        return verdict
    since = min(q.qualification_date for q in later)
    return replace(
        verdict, validity=Validity.INVALID_NEWER_EXISTS, reason=Reason.LOST_NEWER_EXISTS, newer_since=since
    )


def _branch_matches(q: Qualification, branch: str | None) -> bool:
    return branch is None or q.key.branch is None or q.key.branch == branch


def _group_by_member(periods: Iterable[Qualification]) -> dict[MemberKey, list[Qualification]]:
    people: dict[MemberKey, list[Qualification]] = {}
    for q in periods:
        people.setdefault(q.key, []).append(q)
    return people


def _most_relevant(periods: Sequence[Qualification], on: date) -> Qualification:
    valid = [q for q in periods if q.is_valid_on(on)]
    pool = valid or list(periods)
    return max(pool, key=lambda q: q.qualification_date)


def _decide_one(periods: list[Qualification], on: date) -> Verdict:
    valid = [q for q in periods if q.is_valid_on(on)]
    if valid:
        current = max(valid, key=lambda q: q.qualification_date)
        reason = Reason.VALID_CARD_EXPIRED if current.card_expired_on(on) else Reason.VALID
        return Verdict(Validity.VALID, reason, (current,), on=on)
    lost = [q for q in periods if q.disqualification_date is not None and q.disqualification_date <= on]
    if not lost:
        upcoming = min(periods, key=lambda q: q.qualification_date)
        return Verdict(Validity.INVALID, Reason.NOT_YET_ACQUIRED, (upcoming,), on=on)
    last = max(lost, key=lambda q: q.qualification_date)
    verdict = Verdict(Validity.INVALID, Reason.LOST, (last,), on=on)
    same_numbers_later = [q for q in periods if q.qualification_date > last.qualification_date]
    return with_successors(verdict, same_numbers_later)


def _message_ja(verdict: Verdict) -> str:
    subject = verdict.subject
    match verdict.reason:
        case Reason.VALID:
            return ""
        case Reason.VALID_CARD_EXPIRED:
            assert subject is not None and subject.card_valid_to is not None
            return (
                f"資格は有効ですが、被保険者証等の有効期限（{format_ja(subject.card_valid_to)}）を過ぎています。"
                "新しい資格確認書等の交付状況を患者にご確認ください。"
            )
        case Reason.LOST | Reason.LOST_NEWER_EXISTS:
            assert subject is not None and subject.disqualification_date is not None
            cause = f"（喪失事由：{subject.reason_of_loss.label_ja}）" if subject.reason_of_loss else ""
            text = f"{format_ja(subject.disqualification_date)}に資格を喪失しています{cause}。"
            if verdict.newer_since is not None:
                text += (
                    f"{format_ja(verdict.newer_since)}から新しい資格があります。"
                    "新しい資格確認書等またはマイナ保険証の提示を求めてください。"
                )
            return text
        case Reason.NOT_YET_ACQUIRED:
            assert subject is not None
            return f"資格取得日（{format_ja(subject.qualification_date)}）より前の日付で照会されています。"
        case Reason.NO_SUCH_NUMBERS:
            return (
                "入力された保険者番号・記号・番号の資格情報は登録されていません。"
                "番号の入力誤りがないか、保険者の登録が遅れていないかご確認ください。"
            )
        case Reason.BRANCH_MISMATCH:
            return "保険者番号・記号・番号は登録されていますが、枝番が一致しません。"
        case Reason.BIRTHDATE_MISMATCH:
            return "保険者番号・記号・番号は登録されていますが、生年月日が一致しません。"
        case Reason.AMBIGUOUS:
            return "該当する方が複数います。枝番を入力して再度照会してください。"


def _message_en(verdict: Verdict) -> str:
    subject = verdict.subject
    match verdict.reason:
        case Reason.VALID:
            return ""
        case Reason.VALID_CARD_EXPIRED:
            assert subject is not None
            return f"covered, but the card expired on {subject.card_valid_to}"
        case Reason.LOST | Reason.LOST_NEWER_EXISTS:
            assert subject is not None
            cause = f" (reason {subject.reason_of_loss.name.lower()})" if subject.reason_of_loss else ""
            text = f"qualification lost on {subject.disqualification_date}{cause}"
            if verdict.newer_since is not None:
                text += f"; a newer qualification exists since {verdict.newer_since}"
            return text
        case Reason.NOT_YET_ACQUIRED:
            assert subject is not None
            return f"the qualification starts on {subject.qualification_date}"
        case Reason.NO_SUCH_NUMBERS:
            return "no qualification is registered under these numbers"
        case Reason.BRANCH_MISMATCH:
            return "the numbers are registered but the branch number does not match"
        case Reason.BIRTHDATE_MISMATCH:
            return "the numbers are registered but the birth date does not match"
        case Reason.AMBIGUOUS:
            return "several people match; give the branch number"
