"""Fuzzing every CSV feed: whatever bytes a feeder sends, the parser answers each data record
with an accepted row or a rejection with its line and reasons — or refuses the whole file with
the feed's format error — and never crashes, hangs or echoes a 12-digit number back."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.feeds import clinical_csv, insurer_csv, portal_csv, public_expense_csv, stats_csv
from onshi.feeds._block import RejectedRow
from tests.factories import clinical_row, feed_row
from tests.public_expense_data import CHILD_ROW, PAYERS, WELFARE_ROW, ticket_row

TODAY = date(2026, 12, 1)
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
MY_NUMBER = re.compile(r"(?<!\d)\d{12}(?!\d)")
Parser = Callable[[Iterable[str]], Iterator[Any]]

# feed name → (parser over lines, the feed's format error, a valid row): every CSV feed onshi reads
FEEDS: dict[str, tuple[Parser, type[Exception], dict[str, str]]] = {
    "insurer": (insurer_csv.parse_csv, insurer_csv.FeedFormatError, feed_row()),
    **{
        f"clinical/{name}": (
            lambda lines, name=name: clinical_csv.parse_csv(name, lines),
            clinical_csv.FeedFormatError,
            clinical_row(name),
        )
        for name in ("medication", "procedure", "checkup")
    },
    **{
        f"public-expense/{name}": (
            lambda lines, name=name: public_expense_csv.parse_csv(name, lines),
            public_expense_csv.FeedFormatError,
            row,
        )
        for name, row in (("payers", PAYERS[0]), ("recipients", CHILD_ROW), ("tickets", ticket_row()))
    },
    "stats/facilities": (
        lambda lines: stats_csv.parse_csv("facilities", lines, TODAY),
        stats_csv.FeedFormatError,
        {"facility_code": "1310000017", "name": "さくら内科", "facility_type": "medical_clinic",
         "obligated_from": "2023-04-01", "card_reader_applied_on": "2022-05-10", "connected_on": "2022-08-01",
         "operating_on": "2022-09-01"},
    ),
    "stats/claims": (
        lambda lines: stats_csv.parse_csv("claims", lines, TODAY),
        stats_csv.FeedFormatError,
        {"facility_code": "1310000017", "billing_month": "2023-11", "insurer_kind": "kyokai_kenpo",
         "outpatient_claims": "120"},
    ),
    **{
        f"portal/{name}": (
            lambda lines, name=name: portal_csv.parse_csv(name, lines),
            portal_csv.FeedFormatError,
            row,
        )
        for name, row in (
            ("accounts", {"facility_code": "1310000017", "name": "さくら内科", "facility_type": "medical_clinic",
                          "email": "sakura@example.jp"}),
            ("operation_start", {"facility_code": "1310000017", "operation_start_date": "2024-04-01"}),
        )
    },
}  # fmt: skip

# Cells as hostile feeders write them: any Unicode, CSV metacharacters, control characters,
# huge values, full-width digits and numbers the width of a My Number.
CELL = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=',"\r\n\t\x00 ０１２３４５６７８９', max_size=20),
    st.from_regex(r"\d{12}", fullmatch=True),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.just("x" * 200_000),
)


def _csv(header: list[str], rows: list[list[str]]) -> list[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().splitlines(keepends=True)


def _answers(feed: str, lines: list[str]) -> list[Any] | None:
    """Every answer of the parser, or None when it refused the file as a whole."""
    parse, format_error, _ = FEEDS[feed]
    refusal = ""
    try:
        return list(parse(lines))
    except format_error as error:
        refusal = str(error)
    assert refusal
    assert not MY_NUMBER.search(refusal)
    return None


def _check_rejections(answers: list[Any]) -> None:
    for answer in answers:
        if isinstance(answer, RejectedRow):
            assert answer.line >= 2 and answer.errors
            assert answer.reason_ja and answer.reason_en
            assert not MY_NUMBER.search(answer.reason_ja + answer.reason_en), answer


@pytest.mark.parametrize("feed", FEEDS)
@FUZZ
@given(data=st.data())
def test_a_valid_row_with_any_cells_changed_is_accepted_or_rejected_with_reasons(
    feed: str, data: st.DataObject
) -> None:
    valid = FEEDS[feed][2]
    header = list(valid)
    rows = []
    for _ in range(data.draw(st.integers(1, 4), label="rows")):
        row = dict(valid)
        for column in data.draw(st.lists(st.sampled_from(header), max_size=3, unique=True), label="changed"):
            row[column] = data.draw(CELL, label=column)
        rows.append([row[c] for c in header])
    lines = _csv(header, rows)
    answers = _answers(feed, lines)
    if answers is None:
        return  # refused as a whole (e.g. a cell beyond the csv module's limit): a clear error, nothing half-loaded
    _check_rejections(answers)
    assert len(answers) <= len(lines) - 1  # a record per line at most (a bare \r ends one, as in any CSV)


@pytest.mark.parametrize("feed", FEEDS)
@FUZZ
@given(text=st.text(max_size=2_000))
def test_any_text_after_the_header(feed: str, text: str) -> None:
    header = list(FEEDS[feed][2])
    lines = _csv(header, []) + text.splitlines(keepends=True)
    answers = _answers(feed, lines)
    if answers is not None:
        _check_rejections(answers)


@pytest.mark.parametrize("feed", FEEDS)
@FUZZ
@given(lines=st.lists(st.text(max_size=200), max_size=5))
def test_any_file_at_all(feed: str, lines: list[str]) -> None:
    answers = _answers(feed, [line + "\n" for line in lines])
    if answers is not None:
        _check_rejections(answers)


@pytest.mark.parametrize("feed", FEEDS)
def test_a_refusal_does_not_echo_a_my_number(feed: str) -> None:
    header = [*FEEDS[feed][2], "123456789012"]
    assert _answers(feed, _csv(header, [])) is None  # refused for its unknown column, not echoed


@pytest.mark.parametrize("feed", FEEDS)
def test_every_row_of_a_valid_file_is_accepted(feed: str) -> None:
    """The fuzzing above starts from rows the parser accepts (else it would test only refusals)."""
    valid = FEEDS[feed][2]
    rows = [WELFARE_ROW] if feed == "public-expense/recipients" else []
    header = list(dict.fromkeys([*valid, *(c for r in rows for c in r)]))
    answers = _answers(feed, _csv(header, [[r.get(c, "") for c in header] for r in [valid, *rows]]))
    assert answers is not None
    assert not [a for a in answers if isinstance(a, RejectedRow)], answers
