"""緊急時資格確認機能 (emergency qualification confirmation): which switches cover a facility.

During an outage the operator (through the call centre) switches the function on for one
facility or for a whole prefecture; the facility's terminal then answers today's single
inquiries from the latest batch pre-check (一括照会) it holds. A switch covers a facility
when it names the facility's code, or the prefecture its code starts with (医療機関等コード
digits 1–2 are the 都道府県番号), and is in force from switch-on until switch-off.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode
from onshi.domain.prefectures import prefecture
from onshi.domain.text import is_ascii_digits, normalise_digits

MAX_REASON_LENGTH = 500


class Scope(StrEnum):
    FACILITY = "facility"  # one 医療機関等
    PREFECTURE = "prefecture"  # every facility of a 都道府県

    @property
    def label_ja(self) -> str:
        return "医療機関等" if self is Scope.FACILITY else "都道府県"


@dataclass(frozen=True, slots=True)
class Switch:
    id: int
    scope: Scope
    target: str  # 10-digit facility code, or 2-digit prefecture code
    reason: str
    switched_on_at: datetime
    switched_on_by: str
    switched_off_at: datetime | None = None
    switched_off_by: str | None = None

    @property
    def is_on(self) -> bool:
        return self.switched_off_at is None

    def in_force_at(self, at: datetime) -> bool:
        return self.switched_on_at <= at and (self.switched_off_at is None or at < self.switched_off_at)

    def covers(self, facility_code: str) -> bool:
        if self.scope is Scope.FACILITY:
            return self.target == facility_code
        return facility_code[:2] == self.target

    @property
    def target_label_ja(self) -> str:
        """The target as staff read it: 13（東京都）, or the facility code."""
        if self.scope is Scope.PREFECTURE:
            return f"{self.target}（{prefecture(self.target).name_ja}）"
        return self.target


def covering(switches: Iterable[Switch], facility_code: str, at: datetime) -> list[Switch]:
    """The switches in force at `at` that cover the facility: the most specific first (a
    facility's own switch says more about its outage than its prefecture's), then the oldest."""
    found = [s for s in switches if s.in_force_at(at) and s.covers(facility_code)]
    return sorted(found, key=lambda s: (s.scope is not Scope.FACILITY, s.switched_on_at, s.id))


def in_force_for(switches: Iterable[Switch], facility_code: str, at: datetime) -> Switch | None:
    """The switch that puts the facility in emergency mode at `at`, or None."""
    found = covering(switches, facility_code, at)
    return found[0] if found else None


def parse_scope(text: str) -> Scope:
    try:
        return Scope(text.strip().lower())
    except ValueError:
        raise InvalidValue(
            "scope",
            Problem.UNKNOWN_CODE,
            f"範囲は facility（医療機関等）か prefecture（都道府県）です: {text!r}",
            f"scope is 'facility' or 'prefecture': {text!r}",
        ) from None


def parse_target(scope: Scope, text: str) -> str:
    """The canonical target of a switch: a valid facility code, or an existing prefecture code."""
    if scope is Scope.FACILITY:
        return FacilityCode.parse(text, "target").digits
    digits = normalise_digits(text)
    if len(digits) != 2 or not is_ascii_digits(digits):
        raise InvalidValue(
            "target",
            Problem.BAD_FORMAT,
            f"都道府県番号は2桁の数字です: {text!r}",
            f"a prefecture code is 2 digits: {text!r}",
        )
    return prefecture(digits, "target").code


def parse_reason(text: str) -> str:
    reason = text.strip()
    if not reason:
        raise InvalidValue("reason", Problem.REQUIRED, "理由を入力してください", "a reason is required")
    if len(reason) > MAX_REASON_LENGTH:
        raise InvalidValue(
            "reason",
            Problem.TOO_LONG,
            f"理由は{MAX_REASON_LENGTH}文字以内です",
            f"the reason exceeds {MAX_REASON_LENGTH} characters",
        )
    return reason
