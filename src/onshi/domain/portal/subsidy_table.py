"""The subsidy data table as frozen dataclasses, and its validation (`load_table`).

The figures themselves live in `subsidy_programs`; this module only knows their shape and the
consistency rules a correct table keeps (e.g. a project cap is the sum of its item caps, a limit
is never above cap × rate), so a mistyped figure fails at load time, not in a grant.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal import subsidy_programs
from onshi.domain.portal.values import Note, Rate, parse_month


class SubsidyClass(StrEnum):
    """施設の形態 as the subsidy tables distinguish them."""

    HOSPITAL = "hospital"  # 病院
    MEDICAL_CLINIC = "medical_clinic"  # 医科診療所
    DENTAL_CLINIC = "dental_clinic"  # 歯科診療所
    PHARMACY = "pharmacy"  # 薬局
    LARGE_CHAIN_PHARMACY = "large_chain_pharmacy"  # 大型チェーン薬局
    VISITING_NURSING = "visiting_nursing"  # 訪問看護ステーション

    @property
    def label_ja(self) -> str:
        if self is SubsidyClass.LARGE_CHAIN_PHARMACY:
            return "大型チェーン薬局"
        return FacilityType(self.value).label_ja


def subsidy_class(facility_type: FacilityType, large_chain: bool = False) -> SubsidyClass:
    """The class of a facility; only a pharmacy can belong to a large chain (大型チェーン薬局)."""
    if not large_chain:
        return SubsidyClass(facility_type.value)
    if facility_type is not FacilityType.PHARMACY:
        raise InvalidValue(
            "large_chain",
            Problem.INCONSISTENT,
            f"大型チェーンの区分は薬局だけです（{facility_type.label_ja}）",
            f"only a pharmacy can be a large chain, not a {facility_type.value}",
        )
    return SubsidyClass.LARGE_CHAIN_PHARMACY


# --- requirements: one dataclass per kind the table may use ---------------------------------------


@dataclass(frozen=True, slots=True)
class Operating:
    """The facility already runs online qualification confirmation (運用開始済み)."""


@dataclass(frozen=True, slots=True)
class CompletedBy:
    """The subsidised project is finished by this day (補助対象事業の完了)."""

    day: date


@dataclass(frozen=True, slots=True)
class AppliedBy:
    """The application reaches the portal by this day (補助金申請期限)."""

    day: date


@dataclass(frozen=True, slots=True)
class MonthlyUses:
    """Card uses (マイナ保険証の月間利用件数) reach `minimum` in some month of the window,
    in total or per face-recognition reader."""

    minimum: int
    first_month: date
    last_month: date
    per_reader: bool


@dataclass(frozen=True, slots=True)
class RateIncrease:
    """The average utilisation rate from `first_month` rises by `min_points` over the baseline
    month's. `running`: met as soon as the average so far does (seed 000 1-5 (注))."""

    baseline_month: date
    first_month: date
    last_month: date | None
    min_points: Decimal
    inclusive: bool
    running: bool


@dataclass(frozen=True, slots=True)
class UsersIncrease:
    """Card users (利用人数) in some month of the window exceed the baseline month's."""

    baseline_month: date
    first_month: date
    last_month: date


@dataclass(frozen=True, slots=True)
class Declared:
    """Something the facility declares it does (e.g. poster and flyers)."""

    key: str
    label: Note


Requirement = Operating | CompletedBy | AppliedBy | MonthlyUses | RateIncrease | UsersIncrease | Declared


# --- programs ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Tier:
    """Rate and limits for some classes of facility."""

    classes: frozenset[SubsidyClass]
    rate: Rate | None  # None: not stated in the seeds
    limit_yen: int | None  # 補助限度額; None: not stated
    limit_per_unit: bool  # the limit is per reader (× units)
    project_cap_yen: int | None  # 事業額上限
    item_caps_yen: tuple[tuple[str, int], ...]  # 事業額上限 per cost item
    max_units: int | None  # e.g. readers: hospitals 3, others 1

    def cap_for(self, item: str) -> int | None:
        return dict(self.item_caps_yen).get(item)


@dataclass(frozen=True, slots=True)
class Program:
    id: str
    name: Note
    source: str
    items: tuple[str, ...]  # cost items the program pays for (empty: not cost-based)
    costs_from: date | None  # costs incurred before this day do not count
    tiers: tuple[Tier, ...]
    requirements: tuple[Requirement, ...]
    exclusive_with: tuple[str, ...]  # a facility doing both applies under the other program
    notes: tuple[Note, ...]

    def tier_for(self, subsidy_class: SubsidyClass) -> Tier | None:
        return next((tier for tier in self.tiers if subsidy_class in tier.classes), None)


@dataclass(frozen=True, slots=True)
class SubsidyTable:
    version: str
    items: tuple[tuple[str, Note], ...]
    programs: tuple[Program, ...]

    def program(self, program_id: str) -> Program:
        for program in self.programs:
            if program.id == program_id:
                return program
        known = ", ".join(p.id for p in self.programs)
        raise InvalidValue(
            "program",
            Problem.UNKNOWN_CODE,
            f"補助金 {program_id!r} はありません（{known}）",
            f"no subsidy program {program_id!r} (known: {known})",
        )

    def item_label(self, key: str) -> Note:
        return dict(self.items)[key]

    def check_item(self, key: str) -> str:
        if key not in dict(self.items):
            known = ", ".join(k for k, _ in self.items)
            raise InvalidValue(
                "item",
                Problem.UNKNOWN_CODE,
                f"費目 {key!r} はありません（{known}）",
                f"no cost item {key!r} (known: {known})",
            )
        return key


@functools.cache
def default_table() -> SubsidyTable:
    return load_table(subsidy_programs.TABLE)


# --- validation ------------------------------------------------------------------------------------


def _bad(path: str, expected: str) -> InvalidValue:
    return InvalidValue(
        f"subsidy_programs.{path}",
        Problem.BAD_FORMAT,
        f"補助金データ表の {path} が不正です（{expected}）",
        f"subsidy table {path}: expected {expected}",
    )


class _Raw:
    """A JSON-shaped object read with its path, so that every error says where it is."""

    def __init__(self, raw: object, path: str) -> None:
        if not isinstance(raw, Mapping):
            raise _bad(path, "an object")
        self.raw: Mapping[object, object] = raw
        self.path = path

    def at(self, key: str) -> str:
        return f"{self.path}.{key}" if self.path else key

    def value(self, key: str) -> object:
        return self.raw.get(key)

    def text(self, key: str) -> str:
        value = self.raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise _bad(self.at(key), "a non-empty string")
        return value

    def integer(self, key: str, default: int | None = None) -> int | None:
        value = self.raw.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise _bad(self.at(key), "a positive whole number or null")
        return value

    def count(self, key: str) -> int:
        value = self.integer(key)
        if value is None:
            raise _bad(self.at(key), "a positive whole number")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        value = self.raw.get(key, default)
        if not isinstance(value, bool):
            raise _bad(self.at(key), "true or false")
        return value

    def day(self, key: str) -> date | None:
        value = self.raw.get(key)
        if value is None:
            return None
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise _bad(self.at(key), "a YYYY-MM-DD date or null") from None

    def month(self, key: str) -> date | None:
        value = self.raw.get(key)
        if value is None:
            return None
        try:
            return parse_month(str(value), self.at(key))
        except InvalidValue:
            raise _bad(self.at(key), "a YYYY-MM month or null") from None

    def required_month(self, key: str) -> date:
        month = self.month(key)
        if month is None:
            raise _bad(self.at(key), "a YYYY-MM month")
        return month

    def listing(self, key: str) -> Sequence[object]:
        value = self.raw.get(key, [])
        if not isinstance(value, list):
            raise _bad(self.at(key), "a list")
        return value

    def objects(self, key: str) -> list[_Raw]:
        return [_Raw(item, f"{self.at(key)}[{i}]") for i, item in enumerate(self.listing(key))]

    def texts(self, key: str) -> tuple[str, ...]:
        values = self.listing(key)
        if not all(isinstance(v, str) and v for v in values):
            raise _bad(self.at(key), "a list of strings")
        return tuple(str(v) for v in values)

    def note(self) -> Note:
        return Note(self.text("ja"), self.text("en"))


def load_table(raw: object) -> SubsidyTable:
    """Validate the JSON-shaped table into dataclasses; raises InvalidValue on any inconsistency."""
    table = _Raw(raw, "")
    items_raw = table.value("items")
    if not isinstance(items_raw, Mapping) or not items_raw:
        raise _bad("items", "an object of cost items")
    items = tuple((str(key), _Raw(label, f"items.{key}").note()) for key, label in items_raw.items())
    programs = tuple(_program(p, {k for k, _ in items}) for p in table.objects("programs"))
    _check_unique([p.id for p in programs], "programs")
    ids = {p.id for p in programs}
    for program in programs:
        if not set(program.exclusive_with) <= ids - {program.id}:
            raise _bad(f"programs.{program.id}.exclusive_with", "ids of other programs")
    return SubsidyTable(table.text("version"), items, programs)


def _check_unique(values: list[str], path: str) -> None:
    if len(values) != len(set(values)):
        raise _bad(path, "unique entries")


def _program(raw: _Raw, known_items: set[str]) -> Program:
    program_items = raw.texts("items")
    if not set(program_items) <= known_items:
        raise _bad(raw.at("items"), "known cost items")
    tiers = tuple(_tier(t, set(program_items)) for t in raw.objects("tiers"))
    classes = [c.value for tier in tiers for c in tier.classes]
    if not tiers:
        raise _bad(raw.at("tiers"), "at least one tier")
    _check_unique(classes, raw.at("tiers"))
    return Program(
        id=raw.text("id"),
        name=Note(raw.text("name_ja"), raw.text("name_en")),
        source=raw.text("source"),
        items=program_items,
        costs_from=raw.day("costs_from"),
        tiers=tiers,
        requirements=tuple(_requirement(r) for r in raw.objects("requirements")),
        exclusive_with=raw.texts("exclusive_with"),
        notes=tuple(n.note() for n in raw.objects("notes")),
    )


def _tier(raw: _Raw, program_items: set[str]) -> Tier:
    try:
        classes = frozenset(SubsidyClass(c) for c in raw.texts("classes"))
    except ValueError:
        raise _bad(raw.at("classes"), "known facility classes") from None
    rate_text = raw.value("rate")
    rate = Rate.parse(str(rate_text), raw.at("rate")) if rate_text is not None else None
    caps = _item_caps(raw, program_items)
    tier = Tier(
        classes=classes,
        rate=rate,
        limit_yen=raw.integer("limit_yen"),
        limit_per_unit=raw.flag("limit_per_unit"),
        project_cap_yen=raw.integer("project_cap_yen"),
        item_caps_yen=caps,
        max_units=raw.integer("max_units"),
    )
    _check_tier(tier, raw)
    return tier


def _item_caps(raw: _Raw, program_items: set[str]) -> tuple[tuple[str, int], ...]:
    caps_raw = raw.value("item_caps_yen") or {}
    if not isinstance(caps_raw, Mapping) or not set(caps_raw) <= program_items:
        raise _bad(raw.at("item_caps_yen"), "caps for the program's own items")
    caps = _Raw(caps_raw, raw.at("item_caps_yen"))
    return tuple((str(key), caps.count(str(key))) for key in caps_raw)


def _check_tier(tier: Tier, raw: _Raw) -> None:
    if not tier.classes:
        raise _bad(raw.at("classes"), "at least one class")
    if tier.item_caps_yen and tier.project_cap_yen != sum(cap for _, cap in tier.item_caps_yen):
        raise _bad(raw.at("project_cap_yen"), "the sum of the item caps")
    if tier.limit_per_unit and tier.max_units is None:
        raise _bad(raw.at("max_units"), "a number of units for a per-unit limit")
    cap, limit = tier.project_cap_yen, tier.limit_yen
    if tier.rate and cap and limit and limit > tier.rate.of_yen(cap):
        raise _bad(raw.at("limit_yen"), "at most project cap × rate")


def _requirement(raw: _Raw) -> Requirement:
    kind = raw.text("kind")
    parse = _REQUIREMENTS.get(kind)
    if parse is None:
        raise _bad(raw.at("kind"), f"one of {', '.join(_REQUIREMENTS)}")
    return parse(raw)


def _monthly_uses(raw: _Raw, per_reader: bool) -> MonthlyUses:
    first, last = raw.required_month("first_month"), raw.required_month("last_month")
    if first > last:
        raise _bad(raw.at("last_month"), "a month after first_month")
    return MonthlyUses(raw.count("min"), first, last, per_reader)


def _rate_increase(raw: _Raw) -> RateIncrease:
    baseline, first = raw.required_month("baseline_month"), raw.required_month("first_month")
    last = raw.month("last_month")
    if not baseline < first or (last is not None and last < first):
        raise _bad(raw.path, "baseline_month < first_month <= last_month")
    try:
        points = Decimal(raw.text("min_points"))
    except InvalidOperation:
        raise _bad(raw.at("min_points"), "a number of points") from None
    if not points.is_finite() or points < 0:
        raise _bad(raw.at("min_points"), "a number of points ≥ 0")
    return RateIncrease(baseline, first, last, points, raw.flag("inclusive"), raw.flag("running"))


def _users_increase(raw: _Raw) -> UsersIncrease:
    baseline, first = raw.required_month("baseline_month"), raw.required_month("first_month")
    last = raw.required_month("last_month")
    if not baseline < first <= last:
        raise _bad(raw.path, "baseline_month < first_month <= last_month")
    return UsersIncrease(baseline, first, last)


def _dated(kind: Callable[[date], Requirement]) -> Callable[[_Raw], Requirement]:
    def parse(raw: _Raw) -> Requirement:
        day = raw.day("date")
        if day is None:
            raise _bad(raw.at("date"), "a YYYY-MM-DD date")
        return kind(day)

    return parse


_REQUIREMENTS: dict[str, Callable[[_Raw], Requirement]] = {
    "operating": lambda raw: Operating(),
    "completed_by": _dated(CompletedBy),
    "applied_by": _dated(AppliedBy),
    "uses_total": lambda raw: _monthly_uses(raw, per_reader=False),
    "uses_per_reader": lambda raw: _monthly_uses(raw, per_reader=True),
    "rate_increase": _rate_increase,
    "users_increase": _users_increase,
    "declared": lambda raw: Declared(raw.text("key"), Note(raw.text("ja"), raw.text("en"))),
}
