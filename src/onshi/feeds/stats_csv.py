"""The statistics feeds (docs/statistics.md) as UTF-8 CSV with a header row, one record a row:

* `facilities` — facility data: code, name, type, the day its obligation applies
  (義務化対象) and the days it reached its onboarding steps (`<milestone>_on`), e.g. the
  operator's register or the seed's per-prefecture counts fed as facilities;
* `claims` — outpatient claims (外来レセプト枚数) per facility, billing month (請求年月) and
  insurer kind, the denominator of the utilisation rate.

A bad cell rejects its row with the line and every reason; the other rows load. Unknown
columns are refused, so a misspelt column never silently drops data. Checks that need the
registry (is the facility registered, was a step already recorded on another day) are the
import's.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from onshi.domain.dates import format_ja
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.milestones import Milestone
from onshi.domain.portal.values import parse_month
from onshi.domain.statistics.utilisation import CLAIM_KINDS
from onshi.feeds import _cells
from onshi.feeds._block import RejectedRow
from onshi.feeds._table import Cell, Column, blank_or, check_header, parse_cells, records, unknown_feed
from onshi.feeds.text import FeedFormatError as FeedFormatError  # re-exported: the feed's refusal

MAX_CLAIMS = 10_000_000  # outpatient claims of one facility, kind and month: far above any real one


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise InvalidValue("", Problem.UNKNOWN_CODE, "0 または 1 です", "0 or 1")
    return raw == "1"


def _choice(allowed: tuple[str, ...]) -> Cell:
    shown = ", ".join(allowed)

    def parse(raw: str) -> str:
        if raw not in allowed:
            raise InvalidValue(
                "", Problem.UNKNOWN_CODE, f"{shown} のいずれかです: {raw!r}", f"one of {shown}: {raw!r}"
            )
        return raw

    return blank_or(parse)


def _count(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or int(raw) > MAX_CLAIMS:
        raise InvalidValue(
            "", Problem.BAD_FORMAT, f"0〜{MAX_CLAIMS:,}の整数です", f"a whole number 0–{MAX_CLAIMS:,}"
        )
    return int(raw)


def milestone_column(milestone: Milestone) -> str:
    return _MILESTONE_COLUMNS[milestone]


_MILESTONE_COLUMNS = {milestone: f"{milestone.value}_on" for milestone in Milestone}


FACILITY_CELLS: dict[str, Column] = {
    "facility_code": Column(blank_or(lambda raw: FacilityCode.parse(raw, "facility_code")), required=True),
    "name": Column(_cells.text, required=True),
    "facility_type": Column(_choice(tuple(t.value for t in FacilityType)), required=True),
    "obligated_from": Column(_cells.day),
    "accepts_smartphone": Column(blank_or(_flag)),
    **{milestone_column(milestone): Column(_cells.day) for milestone in Milestone},
}
CLAIM_CELLS: dict[str, Column] = {
    "facility_code": Column(blank_or(lambda raw: FacilityCode.parse(raw, "facility_code")), required=True),
    "billing_month": Column(blank_or(parse_month), required=True),
    "insurer_kind": Column(_choice(CLAIM_KINDS), required=True),
    "outpatient_claims": Column(blank_or(_count), required=True),
}
CELLS = {"facilities": FACILITY_CELLS, "claims": CLAIM_CELLS}
FEEDS = tuple(CELLS)


@dataclass(frozen=True, slots=True)
class FacilityRow:
    code: FacilityCode
    name: str
    facility_type: FacilityType
    obligated_from: date | None
    accepts_smartphone: bool | None  # None: the column was blank or absent (keep what is stored)
    reached: Mapping[Milestone, date]
    columns: frozenset[str]  # the header's columns: an absent column leaves its value as stored


@dataclass(frozen=True, slots=True)
class ClaimRow:
    code: FacilityCode
    billing_month: date
    insurer_kind: str
    outpatient_claims: int


Record = FacilityRow | ClaimRow


@dataclass(frozen=True, slots=True)
class FeedRow:
    line: int
    record: Record


def read_header(feed: str, header: list[str]) -> list[str]:
    return check_header(feed, header, CELLS[feed])


def parse_csv(feed: str, lines: Iterable[str], today: date) -> Iterator[FeedRow | RejectedRow]:
    """Rows of the feed; a day after `today` is refused (a step is recorded once reached)."""
    if feed not in CELLS:
        raise unknown_feed(feed, FEEDS)
    for record in records(lines, partial(read_header, feed)):
        yield record if isinstance(record, RejectedRow) else parse_row(feed, *record, today)


def parse_row(feed: str, line: int, cells: Mapping[str, str], today: date) -> FeedRow | RejectedRow:
    values, errors = parse_cells(cells, CELLS[feed])
    if errors:
        return RejectedRow(line, tuple(errors))
    try:
        record = _facility(values, frozenset(cells), today) if feed == "facilities" else _claim(values)
    except _RowErrors as invalid:
        return RejectedRow(line, invalid.errors)
    return FeedRow(line, record)


class _RowErrors(Exception):
    def __init__(self, errors: list[InvalidValue]) -> None:
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = tuple(errors)


def _facility(v: dict[str, Any], columns: frozenset[str], today: date) -> FacilityRow:
    code: FacilityCode = v["facility_code"]
    facility_type = FacilityType(v["facility_type"])
    reached = {m: v[column] for m, column in _MILESTONE_COLUMNS.items() if v[column] is not None}
    errors = [
        InvalidValue(
            milestone_column(m),
            Problem.INCONSISTENT,
            f"今日（{format_ja(today)}）より後の日付です",
            f"after today ({today.isoformat()}): a step is recorded once it is reached",
        )
        for m, on in reached.items()
        if on > today
    ]
    if not code.allows(facility_type):
        errors.append(
            InvalidValue(
                "facility_type",
                Problem.INCONSISTENT,
                f"医療機関等コードの点数表番号 {code.fee_table} は{facility_type.label_ja}に使えません",
                f"fee-table digit {code.fee_table} of the code does not fit a {facility_type.value}",
            )
        )
    errors.extend(_operating_errors(reached))
    if errors:
        raise _RowErrors(errors)
    return FacilityRow(
        code, v["name"], facility_type, v["obligated_from"], v["accepts_smartphone"], reached, columns
    )


def _operating_errors(reached: Mapping[Milestone, date]) -> list[InvalidValue]:
    """運用開始 needs 本番接続, on or before it (a facility cannot confirm online unconnected).
    The card-reader application is independent: facilities connect with readers they bought
    themselves (the seed's pharmacies show more connections than applications)."""
    operating, connected = reached.get(Milestone.OPERATING), reached.get(Milestone.CONNECTED)
    column = milestone_column(Milestone.OPERATING)
    if operating is None:
        return []
    if connected is None:
        return [
            InvalidValue(
                column,
                Problem.INCONSISTENT,
                "運用開始日には本番接続日（connected_on）が必要です",
                "an operating day needs the production-connection day (connected_on)",
            )
        ]
    if operating < connected:
        return [
            InvalidValue(
                column,
                Problem.INCONSISTENT,
                "運用開始日が本番接続日より前です",
                "operating before the production connection",
            )
        ]
    return []


def _claim(v: dict[str, Any]) -> ClaimRow:
    return ClaimRow(v["facility_code"], v["billing_month"], v["insurer_kind"], v["outpatient_claims"])
