"""One shape for every statistics output: a report of typed columns and rows of raw values.

The CLI's tables, its CSV and JSON, the API and the operator's pages all render the same
`Report`, so they cannot disagree: JSON carries the raw values (counts as numbers, rates as
exact decimal strings such as "98.9", prefectures and types by code), and `display` / `csv_cell`
are the only ways a value becomes text.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from onshi.domain.facility import FacilityType
from onshi.domain.prefectures import prefecture

TOTAL = "total"  # the group of a total row (合計)
BOM = "\ufeff"  # Excel reads a UTF-8 CSV as UTF-8 only with it


class Kind(StrEnum):
    TEXT = "text"
    COUNT = "count"
    RATE = "rate"  # a percentage as a decimal string
    PREFECTURE = "prefecture"  # a JIS code, shown by name
    FACILITY_TYPE = "facility_type"  # a FacilityType value, shown by its Japanese label
    MONTH = "month"  # YYYY-MM
    FACILITY = "facility"  # a facility code


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label_ja: str
    label_en: str
    kind: Kind = Kind.COUNT

    @property
    def heading(self) -> str:
        return f"{self.label_ja}（%）" if self.kind is Kind.RATE else self.label_ja


@dataclass(frozen=True, slots=True)
class Report:
    name: str
    title_ja: str
    params: dict[str, str]
    columns: tuple[Column, ...]
    rows: tuple[dict[str, Any], ...]
    notes: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # structured parts (e.g. support money)

    def as_json(self) -> dict[str, Any]:
        return {
            "report": self.name,
            "title": self.title_ja,
            "params": self.params,
            "columns": [{"key": c.key, "label_ja": c.label_ja, "label_en": c.label_en, "kind": c.kind.value}
                        for c in self.columns],
            "rows": list(self.rows),
            "notes": list(self.notes),
            **self.extra,
        }  # fmt: skip

    def cells(self, row: dict[str, Any]) -> list[str]:
        return [display(column, row.get(column.key)) for column in self.columns]


def _name(column: Column, value: Any) -> str | None:
    """Names of codes, shared by the display and CSV forms."""
    if value == TOTAL:
        return "合計"
    if column.kind is Kind.PREFECTURE:
        return prefecture(str(value)).name_ja
    if column.kind is Kind.FACILITY_TYPE:
        return FacilityType(value).label_ja
    return None


def display(column: Column, value: Any) -> str:
    """How tables and pages show a value: 12,345 · 98.9% · 北海道 · 病院 · —."""
    if value is None:
        return "—"
    named = _name(column, value)
    if named is not None:
        return named
    if column.kind is Kind.COUNT:
        return f"{int(value):,}"
    if column.kind is Kind.RATE:
        return f"{value}%"
    return str(value)


def csv_cell(column: Column, value: Any) -> str:
    """How the CSV export writes a value: plain numbers (no separators, no %), names for codes,
    empty for an undefined rate."""
    if value is None:
        return ""
    named = _name(column, value)
    return named if named is not None else str(value)


def to_csv(report: Report) -> str:
    """UTF-8 CSV text with a BOM first (Excel-friendly), a header of Japanese headings."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(column.heading for column in report.columns)
    for row in report.rows:
        writer.writerow(csv_cell(column, row.get(column.key)) for column in report.columns)
    return BOM + buffer.getvalue()


def rate_text(value: object) -> str | None:
    return None if value is None else str(value)


def column_keys(columns: Sequence[Column]) -> list[str]:
    return [column.key for column in columns]
