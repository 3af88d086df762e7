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


def clinical_row(feed: str, **values: str) -> dict[str, str]:
    """A row of a clinical feed (docs/clinical-feed.md) for the default feed_row() person."""
    row = {
        "insurer_number": KYOKAI_TOKYO.digits,
        "symbol": "123",
        "number": "456",
        "branch": "00",
        "birthdate": "19800401",
        "facility_code": "1310000017",
        "facility_name": "テスト診療所",
    }
    row.update(_CLINICAL_DEFAULTS[feed])
    row.update(values)
    return row


_CLINICAL_DEFAULTS = {
    "medication": {
        "dispensed_on": "20260105", "drug_code": "620000001", "drug_name": "アムロジピン錠5mg",
        "quantity": "1", "unit": "錠", "days": "28", "usage": "1日1回朝食後",
    },
    "procedure": {"kind": "treatment", "performed_on": "20260105", "code": "111000110", "name": "初診料", "quantity": "1"},
    "checkup": {
        "examined_on": "20250610", "height_cm": "170.2", "weight_kg": "68.5", "waist_cm": "84.0", "bmi": "23.6",
        "systolic_mmhg": "128", "diastolic_mmhg": "82", "hba1c_percent": "5.6", "ldl_mg_dl": "131",
        "urine_protein": "-", "guidance": "2",
    },
}  # fmt: skip


def clinical_csv(rows: list[dict[str, str]]) -> str:
    """A clinical feed file: the header holds every column the rows use."""
    used = list(dict.fromkeys(column for row in rows for column in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(used)
    for row in rows:
        writer.writerow([row.get(column, "") for column in used])
    return buffer.getvalue()
