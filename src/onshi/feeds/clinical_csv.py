"""Clinical-information feeds (docs/clinical-feed.md): medication, procedures and checkups as
UTF-8 CSV with a header row, one record per row.

Every row names its patient by card key and birth date (who they were on the insurer's
record at the time); the import resolves that to the patient. A bad cell rejects its row
with the line and every reason; the other rows load. Unknown columns are refused, so a
misspelt column never silently drops data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from typing import Any

from onshi.domain.clinical import Checkup, GuidanceLevel, Medication, Procedure, RecordKind
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode
from onshi.domain.insurer import InsurerNumber
from onshi.feeds import _cells
from onshi.feeds._block import RejectedRow
from onshi.feeds._table import Cell, Column, check_header, parse_cells, records, required, unknown_feed
from onshi.feeds.text import FeedFormatError as FeedFormatError  # re-exported: the feed's refusal

IDENTITY = ("insurer_number", "symbol", "number", "branch", "birthdate")
SITE = ("facility_code", "facility_name")
URINE = frozenset({"-", "±", "+", "2+", "3+", "4+"})


@dataclass(frozen=True, slots=True)
class Holder:
    """Who the record is about, as the row names them."""

    insurer_number: InsurerNumber
    symbol: str
    number: str
    branch: str | None
    birthdate: date


@dataclass(frozen=True, slots=True)
class ClinicalRow:
    line: int
    holder: Holder
    record: Medication | Procedure | Checkup


def _facility(raw: str) -> str:
    return FacilityCode.parse(raw, "facility_code").digits


def _code(width: int) -> Cell:
    def parse(raw: str) -> str | None:
        value = raw.strip()
        if not value:
            return None
        if not value.isascii() or not value.isalnum() or len(value) > width:
            raise InvalidValue(
                "", Problem.BAD_FORMAT, f"英数字{width}桁以内です", f"up to {width} letters/digits"
            )
        return value

    return parse


def _number(convert: Callable[[str], Any], low: Any, high: Any, what_ja: str, what_en: str) -> Cell:
    def parse(raw: str) -> Any:
        value = raw.strip()
        if not value:
            return None
        try:
            number = convert(value)
            finite = not isinstance(number, Decimal | float) or math.isfinite(number)
        except (InvalidOperation, ValueError):
            finite = False
        if not finite:  # also "NaN" and "Infinity", which Decimal and float accept
            raise InvalidValue("", Problem.BAD_FORMAT, f"{what_ja}ではありません", f"not {what_en}")
        if not (low <= number <= high):
            raise InvalidValue(
                "", Problem.INCONSISTENT, f"{low}〜{high}の範囲外です", f"outside {low}–{high}"
            )
        return number

    return parse


def _decimal(low: str, high: str) -> Cell:
    return _number(Decimal, Decimal(low), Decimal(high), "数値", "a number")


def _integer(low: int, high: int) -> Cell:
    return _number(_whole, low, high, "整数", "a whole number")


def _whole(text: str) -> int:
    if not text.isdigit():
        raise ValueError(text)
    return int(text)


def _choice(allowed: frozenset[str]) -> Cell:
    def parse(raw: str) -> str | None:
        value = raw.strip().replace("－", "-").replace("＋", "+")
        if not value:
            return None
        if value not in allowed:
            shown = " ".join(sorted(allowed))
            raise InvalidValue("", Problem.UNKNOWN_CODE, f"{shown} のいずれかです", f"one of {shown}")
        return value

    return parse


_IDENTITY_CELLS: dict[str, Column] = {
    "insurer_number": required(_cells.insurer),
    "symbol": Column(_cells.symbol),
    "number": required(_cells.number),
    "branch": Column(_cells.branch),
    "birthdate": required(_cells.day),
    "facility_code": required(_facility),
    "facility_name": required(_cells.text),
}
MEDICATION_CELLS: dict[str, Column] = {
    **_IDENTITY_CELLS,
    "dispensed_on": required(_cells.day),
    "drug_code": required(_code(12)),
    "drug_name": required(_cells.text),
    "quantity": required(_decimal("0.001", "99999")),
    "unit": required(_cells.text),
    "days": required(_integer(1, 365)),
    "usage": Column(_cells.text),
}
PROCEDURE_CELLS: dict[str, Column] = {
    **_IDENTITY_CELLS,
    "kind": required(_choice(frozenset({"treatment", "surgery"}))),
    "performed_on": required(_cells.day),
    "code": required(_code(12)),
    "name": required(_cells.text),
    "quantity": Column(_integer(1, 999)),
}
CHECKUP_CELLS: dict[str, Column] = {
    **_IDENTITY_CELLS,
    "examined_on": required(_cells.day),
    "height_cm": Column(_decimal("50", "250")),
    "weight_kg": Column(_decimal("10", "300")),
    "waist_cm": Column(_decimal("30", "250")),
    "bmi": Column(_decimal("5", "80")),
    "systolic_mmhg": Column(_integer(50, 300)),
    "diastolic_mmhg": Column(_integer(20, 200)),
    "triglycerides_mg_dl": Column(_integer(1, 5000)),
    "hdl_mg_dl": Column(_integer(1, 300)),
    "ldl_mg_dl": Column(_integer(1, 1000)),
    "hba1c_percent": Column(_decimal("2", "20")),
    "glucose_mg_dl": Column(_integer(10, 1000)),
    "ast_u_l": Column(_integer(1, 5000)),
    "alt_u_l": Column(_integer(1, 5000)),
    "gamma_gt_u_l": Column(_integer(1, 5000)),
    "urine_glucose": Column(_choice(URINE)),
    "urine_protein": Column(_choice(URINE)),
    "guidance": Column(_choice(frozenset(level.value for level in GuidanceLevel))),
}
CELLS = {"medication": MEDICATION_CELLS, "procedure": PROCEDURE_CELLS, "checkup": CHECKUP_CELLS}
FEEDS = tuple(CELLS)


def read_header(feed: str, header: list[str]) -> list[str]:
    return check_header(feed, header, CELLS[feed])


def parse_csv(feed: str, lines: Iterable[str]) -> Iterator[ClinicalRow | RejectedRow]:
    if feed not in CELLS:
        raise unknown_feed(feed, FEEDS)
    for record in records(lines, partial(read_header, feed)):
        yield record if isinstance(record, RejectedRow) else parse_row(feed, *record)


def parse_row(feed: str, line: int, cells: Mapping[str, str]) -> ClinicalRow | RejectedRow:
    values, errors = parse_cells(cells, CELLS[feed])
    if errors:
        return RejectedRow(line, tuple(errors))
    holder = Holder(*(values[name] for name in IDENTITY))
    holder = Holder(
        holder.insurer_number, holder.symbol or "", holder.number, holder.branch, holder.birthdate
    )
    return ClinicalRow(line, holder, _record(feed, values))


def _record(feed: str, v: dict[str, Any]) -> Medication | Procedure | Checkup:
    site = (v["facility_code"], v["facility_name"])
    if feed == "medication":
        return Medication(
            v["dispensed_on"], *site, v["drug_code"], v["drug_name"], v["quantity"], v["unit"], v["days"],
            v["usage"] or "",
        )  # fmt: skip
    if feed == "procedure":
        kind = RecordKind(v["kind"])
        return Procedure(kind, v["performed_on"], *site, v["code"], v["name"], v["quantity"] or 1)
    measurements = {
        name: v[name] for name in CHECKUP_CELLS if name not in _IDENTITY_CELLS and name != "examined_on"
    }
    guidance = measurements.pop("guidance")
    return Checkup(
        v["examined_on"], *site, **measurements, guidance=GuidanceLevel(guidance) if guidance else None
    )
