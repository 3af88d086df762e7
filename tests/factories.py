"""Test data built by code: qualifications, feed rows and CSV files."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import date
from typing import Any

from onshi.domain.checkdigit import with_check_digit
from onshi.domain.codes import ReasonOfLoss, Sex
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import MemberKey, Qualification
from onshi.feeds.insurer_csv import ALL_COLUMNS

KYOKAI_TOKYO = InsurerNumber.build("0113001")  # 01130012 全国健康保険協会東京支部
KENPO = InsurerNumber.build("0613123")
KOKUHO_SHINJUKU = InsurerNumber.build("13810")  # 6-digit 国保


def key(
    insurer: InsurerNumber = KYOKAI_TOKYO, symbol: str = "123", number: str = "456", branch: str | None = "00"
) -> MemberKey:
    return MemberKey(insurer, symbol, number, branch)


def qualification(**changes: Any) -> Qualification:
    base = Qualification(
        key=key(),
        insurer_name="全国健康保険協会東京支部",
        name="山田　太郎",
        name_kana="ヤマダ タロウ",
        sex1=Sex.MALE,
        birthdate=date(1980, 4, 1),
        qualification_date=date(2010, 4, 1),
    )
    return replace(base, **changes)


def lost(on: date, reason: ReasonOfLoss = ReasonOfLoss.OTHER, **changes: Any) -> Qualification:
    return qualification(disqualification_date=on, reason_of_loss=reason, **changes)


def feed_row(**values: str) -> dict[str, str]:
    row = {
        "insurer_number": KYOKAI_TOKYO.digits,
        "insurer_name": "全国健康保険協会東京支部",
        "insured_card_symbol": "123",
        "insured_identification_number": "456",
        "insured_branch_number": "00",
        "name": "山田　太郎",
        "name_kana": "ヤマダ タロウ",
        "sex1": "1",
        "birthdate": "19800401",
        "qualification_date": "20100401",
    }
    row.update(values)
    return row


def feed_lines(rows: list[dict[str, str]], columns: tuple[str, ...] | None = None) -> list[str]:
    """A feed file as text lines: header with every column used, then the rows."""
    used = columns or tuple(c for c in ALL_COLUMNS if any(c in row for row in rows))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(used)
    for row in rows:
        writer.writerow([row.get(column, "") for column in used])
    return buffer.getvalue().splitlines(keepends=True)


def insurer(body: str) -> str:
    return with_check_digit(body)
