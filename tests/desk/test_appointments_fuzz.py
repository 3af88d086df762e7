"""Any appointment list a receptionist uploads is read or refused with a DeskError (shown on the
page), never a crash: hostile bytes, broken CSV, cells beyond the csv module's limit."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi.desk.appointments import decode, read_rows
from onshi.desk.store import DeskError

HEADER = "予約日時,患者番号,氏名,生年月日,保険者番号,記号,番号,枝番\n"


def _read(data: bytes) -> None:
    refusal = ""
    try:
        rows = read_rows(decode(data))
    except DeskError as error:
        refusal = str(error)
    else:
        assert rows and all(row.line >= 2 for row in rows)
        return
    assert refusal


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=400))
def test_any_bytes(data: bytes) -> None:
    _read(data)


@settings(max_examples=200, deadline=None)
@given(body=st.text(max_size=400))
def test_any_text_under_the_header(body: str) -> None:
    _read((HEADER + body).encode())


def test_a_cell_beyond_the_csv_limit_is_a_desk_error() -> None:
    with pytest.raises(DeskError, match="読めません"):
        read_rows(HEADER + "2026-12-01 09:00,1," + "x" * 200_000 + ",19800401\n")


def test_line_numbers_are_those_of_the_file() -> None:
    rows = read_rows(
        HEADER + '2026-12-01 09:00,1,"山田\n太郎",19800401\n\n2026-12-01 10:00,2,佐藤,19700101\n'
    )
    assert [row.line for row in rows] == [2, 5]
