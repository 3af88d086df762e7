"""Public-expense test data: a Tokyo family's child with a municipal child subsidy beside her
insurance, and a man on welfare with no insurance whose clinic holds this month's 医療券."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.codes import Sex
from onshi.domain.dates import today_jst
from onshi.domain.linkage import CardSurface
from onshi.services.insurer_import import ImportReport
from onshi.services.public_expense_import import import_public_expense
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from tests.factories import feed_row

OPERATOR = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)
CLINIC, PHARMACY = "1310000017", "1340000015"
NANBYO, CHILD, WELFARE, MENTAL = "54136015", "88130018", "12136016", "21136015"
CHILD_RECIPIENT, WELFARE_RECIPIENT, NANBYO_RECIPIENT = "1234566", "7654320", "2222222"

PAYERS = [
    {"payer_number": NANBYO, "name": "東京都"},
    {"payer_number": CHILD, "name": "新宿区", "programme_name": "子ども医療費助成"},
    {"payer_number": WELFARE, "name": "新宿区福祉事務所"},
    {"payer_number": MENTAL, "name": "東京都", "participating": "0"},
]
# The child: a dependant (枝番 01) under the default feed_row() card number.
CHILD_INSURANCE = feed_row(
    insured_branch_number="01", name="山田　花子", name_kana="ヤマダ ハナコ", sex1="2", birthdate="20150601",
    personal_family_classification="2", qualification_date="20150601",
)  # fmt: skip
CHILD_ROW = {
    "payer_number": CHILD, "recipient_number": CHILD_RECIPIENT, "valid_from": "20200401",
    "name": "山田　花子", "name_kana": "ヤマダ ハナコ", "birthdate": "20150601", "sex": "2",
    "insurer_number": "01130012", "symbol": "123", "number": "456", "branch": "01",
}  # fmt: skip
WELFARE_ADDRESS = "東京都新宿区歌舞伎町一丁目4番1号"
WELFARE_ROW = {
    "payer_number": WELFARE, "recipient_number": WELFARE_RECIPIENT, "valid_from": "20200101",
    "name": "佐藤　一郎", "name_kana": "サトウ イチロウ", "birthdate": "19600115", "sex": "1",
    "address": WELFARE_ADDRESS, "post_number": "160-0021",
}  # fmt: skip
WELFARE_SURFACE = CardSurface(
    "佐藤 一郎", "さとう いちろう", date(1960, 1, 15), Sex.MALE, "東京都新宿区歌舞伎町1-4-1"
)


def this_month() -> str:
    return f"{today_jst():%Y%m}"


def ticket_row(**values: str) -> dict[str, str]:
    row = {
        "payer_number": WELFARE, "recipient_number": WELFARE_RECIPIENT, "ticket_type": "01",
        "treatment_month": this_month(), "issue_number": "0001", "facility_code": CLINIC,
        "facility_name": "テスト診療所", "treatment_type": "02", "injury_name1": "高血圧症",
        "district_contact": "田中", "single_or_combined": "01", "social_insurance": "02",
    }  # fmt: skip
    row.update(values)
    return row


def csv_text(rows: list[dict[str, str]]) -> str:
    """A feed file: the header holds every column the rows use."""
    used = list(dict.fromkeys(column for row in rows for column in row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(used)
    for row in rows:
        writer.writerow([row.get(column, "") for column in used])
    return buffer.getvalue()


async def load(db: Database, feed: str, rows: list[dict[str, str]], **extra: Any) -> ImportReport:
    lines = csv_text(rows).splitlines(keepends=True)
    return await import_public_expense(
        db, DirectAuditLog(db.engine), feed, lines, OPERATOR, "test.csv", **extra
    )


async def load_all(db: Database) -> None:
    """Payers, both recipients and this month's ticket (the insurance rows are the caller's)."""
    assert (await load(db, "payers", PAYERS)).ok
    assert (await load(db, "recipients", [CHILD_ROW, WELFARE_ROW])).ok
    assert (await load(db, "tickets", [ticket_row()])).ok
