"""Reading appointment lists (CSV) for the pre-check: encodings, columns, limits."""

from __future__ import annotations

import pytest

from onshi.desk.appointments import decode, read_rows
from onshi.desk.store import DeskError
from onshi.domain.batch import MAX_ENTRIES

HEADER = "予約日時,患者番号,氏名,生年月日,保険者番号,記号,番号,枝番\n"


def test_shift_jis_and_utf8_with_bom_read_alike() -> None:
    text = HEADER + "09:00,,山田　太郎,1980-04-01,01130012,123,456,00\n"
    for data in (text.encode("cp932"), b"\xef\xbb\xbf" + text.encode()):
        (row,) = read_rows(decode(data))
        assert row.line == 2 and row.values["name"] == "山田　太郎" and row.values["number"] == "456"


def test_english_headers_and_blank_lines() -> None:
    rows = read_rows("patient_number,birthdate\n\n00000001,\n,1990-01-01\n")
    assert [(r.line, r.values) for r in rows] == [
        (3, {"patient_number": "00000001"}),
        (4, {"birthdate": "1990-01-01"}),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "CSVが空です"),
        ("氏名\n山田\n", "生年月日"),
        (HEADER, "予約患者の行がありません"),
        (HEADER + "09:00,1,,,,,,\n" * (MAX_ENTRIES + 1), "10,000 件まで"),
    ],
)
def test_lists_that_cannot_be_sent_get_a_clear_reason(text: str, message: str) -> None:
    with pytest.raises(DeskError, match=message):
        read_rows(text)


def test_a_file_in_another_encoding_is_refused() -> None:
    with pytest.raises(DeskError, match="文字コード"):
        decode(b"name\n\x82")  # neither UTF-8 nor a whole Shift_JIS character
