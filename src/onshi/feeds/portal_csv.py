"""The portal's bulk files (一括申請) for hospital groups and pharmacy chains, as UTF-8 CSV with a
header row (docs/portal.md):

- `accounts` — register facilities (facility_code, name, facility_type, email[, opened_on,
  paper_claims, corporation]);
- `applications` — submit an application per facility (facility_code, kind and the kind's fields);
- `operation_start` — 運用開始日 per facility (facility_code, operation_start_date).

Headers may be written in English or Japanese (医療機関等コード, 運用開始日 …). Unknown and
missing columns refuse the file; a bad row is rejected with its line and reasons and the others
are applied. Here only the cells are read; what needs the registry (is the facility the
caller's, may it move on) is the import's (onshi.services.portal_bulk).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import TypeVar

from onshi.domain.dates import parse_flexible_date
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode
from onshi.domain.portal.applications import LABELS
from onshi.domain.portal.onboarding import Application
from onshi.feeds._block import RejectedRow
from onshi.feeds._table import records, unknown_feed
from onshi.feeds.text import FeedFormatError as FeedFormatError  # re-exported: the feed's refusal

T = TypeVar("T")
FEEDS = ("accounts", "applications", "operation_start")
_DETAIL_COLUMNS = tuple(dict.fromkeys(name for fields in LABELS.values() for name, _ in fields))
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # (required, optional)
    "accounts": (
        ("facility_code", "name", "facility_type", "email"),
        ("opened_on", "paper_claims", "corporation"),
    ),
    "applications": (
        ("facility_code", "kind"),
        _DETAIL_COLUMNS,
    ),
    "operation_start": (("facility_code", "operation_start_date"), ()),
}
ALIASES = {
    "医療機関等コード": "facility_code",
    "医療機関コード": "facility_code",
    "運用開始日": "operation_start_date",
    "名称": "name",
    "医療機関等の名称": "name",
    "施設の種類": "facility_type",
    "メールアドレス": "email",
    "開設日": "opened_on",
    "紙レセプト": "paper_claims",
    "法人": "corporation",
    "申請の種類": "kind",
    **{label: name for fields in LABELS.values() for name, label in fields},
}


@dataclass(frozen=True, slots=True)
class FeedRow:
    line: int
    code: FacilityCode
    cells: dict[str, str]  # the row's other cells by column name (non-empty only)
    application: Application | None = None  # applications
    start_on: date | None = None  # operation_start


def parse_csv(feed: str, lines: Iterable[str]) -> Iterator[FeedRow | RejectedRow]:
    if feed not in COLUMNS:
        raise unknown_feed(feed, FEEDS)
    for record in records(lines, partial(_header, feed)):
        if isinstance(record, RejectedRow):
            yield record
        else:
            line, cells = record
            yield parse_row(feed, line, {c: v.strip() for c, v in cells.items() if v.strip()})


def _header(feed: str, cells: list[str]) -> list[str]:
    columns = [ALIASES.get(cell.strip().lstrip("\ufeff"), cell.strip().lstrip("\ufeff")) for cell in cells]
    required, optional = COLUMNS[feed]
    unknown = [c for c in columns if c not in required and c not in optional]
    if unknown:
        raise FeedFormatError(
            f"unknown columns {', '.join(unknown)} (allowed: {', '.join(required + optional)})"
        )
    missing = [c for c in required if c not in columns]
    if missing:
        raise FeedFormatError(f"missing columns {', '.join(missing)}")
    if len(set(columns)) != len(columns):
        raise FeedFormatError("a column is named twice")
    return columns


def parse_row(feed: str, line: int, cells: dict[str, str]) -> FeedRow | RejectedRow:
    errors: list[InvalidValue] = []
    code = _read(errors, lambda: FacilityCode.parse(cells.get("facility_code", ""), "facility_code"))
    application = start = None
    if feed == "applications":
        application = _read(errors, lambda: _kind(cells.get("kind", "")))
    if feed == "operation_start":
        start = _read(errors, lambda: _start(cells.get("operation_start_date", "")))
    if errors or code is None:
        return RejectedRow(line, tuple(errors))
    others = {k: v for k, v in cells.items() if k not in ("facility_code", "kind", "operation_start_date")}
    return FeedRow(line, code, others, application, start)


def _read(errors: list[InvalidValue], parse: Callable[[], T]) -> T | None:
    try:
        return parse()
    except InvalidValue as error:
        errors.append(error)
        return None


def _kind(text: str) -> Application:
    try:
        return Application(text)
    except ValueError:
        raise InvalidValue(
            "kind", Problem.UNKNOWN_CODE, f"申請の種類は {' / '.join(Application)} です: {text[:30]!r}",
            f"kind is one of {', '.join(Application)}",
        ) from None  # fmt: skip


def _start(text: str) -> date:
    if not text:
        raise InvalidValue("operation_start_date", Problem.REQUIRED, "運用開始日が空です", "required")
    return parse_flexible_date(text, "operation_start_date")
