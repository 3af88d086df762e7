"""The portal's bulk files as cells: headers in English or Japanese, rows read or rejected."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.portal.onboarding import Application
from onshi.feeds._block import RejectedRow
from onshi.feeds.portal_csv import FeedFormatError, FeedRow, parse_csv


def test_japanese_headers_and_rows() -> None:
    rows = list(
        parse_csv(
            "operation_start",
            ["\ufeff医療機関等コード,運用開始日", "1341000011,令和6年4月1日", ",", "13410,20240401"],
        )
    )
    assert isinstance(rows[0], FeedRow) and rows[0].start_on == date(2024, 4, 1) and rows[0].line == 2
    assert (
        isinstance(rows[1], RejectedRow) and rows[1].line == 4 and rows[1].errors[0].field == "facility_code"
    )


def test_applications_carry_their_kind_and_cells() -> None:
    (row,) = parse_csv(
        "applications", ["facility_code,kind,申込台数,担当者名", "1341000011,card_reader,2,佐藤"]
    )
    assert isinstance(row, FeedRow) and row.application is Application.CARD_READER
    assert row.cells == {"readers": "2", "contact_name": "佐藤"}


@pytest.mark.parametrize(
    "header",
    ["facility_code,when", "operation_start_date", "facility_code,facility_code,operation_start_date"],
)
def test_bad_headers_refuse_the_file(header: str) -> None:
    with pytest.raises(FeedFormatError):
        list(parse_csv("operation_start", [header, "1341000011,2024-04-01"]))
