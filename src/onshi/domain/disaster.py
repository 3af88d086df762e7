"""災害時モード: while the operator's declaration covers a facility's prefecture, the facility may
view medication and treatment information without the card — each view an override that
the patient sees in their access log (domain.md §10)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.prefectures import prefecture

MAX_DAYS = 366  # a declaration is renewed, not open-ended


@dataclass(frozen=True, slots=True)
class DisasterDeclaration:
    id: int
    prefectures: frozenset[str]  # 2-digit 都道府県番号
    starts_on: date
    ends_on: date  # inclusive
    reason: str
    declared_at: datetime
    declared_by: str
    cancelled_at: datetime | None = None

    def covers(self, facility_code: str, at: datetime) -> bool:
        if self.cancelled_at is not None and self.cancelled_at <= at:
            return False
        return facility_code[:2] in self.prefectures and self.starts_on <= at.date() <= self.ends_on


def covering(
    declarations: Iterable[DisasterDeclaration], facility_code: str, at: datetime
) -> DisasterDeclaration | None:
    found = [d for d in declarations if d.covers(facility_code, at)]
    return min(found, key=lambda d: d.id) if found else None


def parse_prefectures(values: Iterable[str]) -> frozenset[str]:
    codes = frozenset(
        prefecture(value.strip().zfill(2), "prefectures").code for value in values if value.strip()
    )
    if not codes:
        raise InvalidValue(
            "prefectures", Problem.REQUIRED, "都道府県を指定してください", "name at least one prefecture"
        )
    return codes


def check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise InvalidValue(
            "ends_on", Problem.INCONSISTENT, "終了日が開始日より前です", "the period ends before it starts"
        )
    if (ends_on - starts_on).days >= MAX_DAYS:
        raise InvalidValue(
            "ends_on",
            Problem.INCONSISTENT,
            f"期間は{MAX_DAYS}日以内です（延長は再度宣言してください）",
            f"a declaration lasts at most {MAX_DAYS} days (declare again to extend)",
        )
