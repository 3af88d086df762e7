"""`onshi public-expense import` and `onshi public-expense key` through the real executable."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli
from tests.factories import feed_lines
from tests.public_expense_data import (
    CHILD,
    CHILD_INSURANCE,
    CHILD_ROW,
    PAYERS,
    WELFARE,
    WELFARE_RECIPIENT,
    WELFARE_ROW,
    csv_text,
)


def test_import_reports_bad_rows_and_loads_the_rest(onshi: Cli, tmp_path: Path) -> None:
    payers = tmp_path / "payers.csv"
    payers.write_text(csv_text(PAYERS), encoding="utf-8")
    assert "4 rows, 4 loaded" in onshi("public-expense", "import", "payers", str(payers)).stdout
    recipients = tmp_path / "recipients.csv"
    recipients.write_text(
        csv_text([WELFARE_ROW, {**WELFARE_ROW, "recipient_number": "7654321"}]), encoding="utf-8"
    )
    first = onshi("public-expense", "import", "recipients", str(recipients), "--json", check=False)
    report = json.loads(first.stdout)
    assert first.returncode == 1
    assert (report["rows_loaded"], report["rejected"][0]["line"], report["rejected"][0]["fields"]) == (
        1, 3, ["recipient_number"]
    )  # fmt: skip
    wrong = onshi("public-expense", "import", "patients", str(recipients), check=False)
    assert wrong.returncode == 1 and "unknown feed" in wrong.stderr
    key = onshi("public-expense", "key", "12136016").stdout.strip()
    assert key.startswith("onshi_pk_")
    assert onshi("public-expense", "key", "12136017", check=False).returncode != 0


def _load_family_and_welfare(onshi: Cli, tmp_path: Path) -> None:
    feed = tmp_path / "insurance.csv"
    feed.write_text("".join(feed_lines([CHILD_INSURANCE])), encoding="utf-8")
    onshi("insurer", "import", str(feed))
    for name, rows in (("payers", PAYERS), ("recipients", [CHILD_ROW, WELFARE_ROW])):
        path = tmp_path / f"{name}.csv"
        path.write_text(csv_text(rows), encoding="utf-8")
        onshi("public-expense", "import", name, str(path))


CHILD_KEYS = ("--insurer-number", "01130012", "--symbol", "123", "--number", "456", "--branch", "01")


def test_copay_of_a_child_with_a_subsidy_and_of_a_welfare_recipient(onshi: Cli, tmp_path: Path) -> None:
    _load_family_and_welfare(onshi, tmp_path)
    child = onshi(
        "public-expense", "copay", "--amount", "10000", *CHILD_KEYS, "--birthdate", "20150601",
        "--date", "20250512", "--json",
    )  # fmt: skip
    figures = json.loads(child.stdout)
    # Nine years old: 3割 of the cost, which the ward's child subsidy takes over entirely.
    assert (figures["insurance_percent"], figures["insurance_share_yen"]) == (30, 3000)
    assert [(p["payer_number"], p["pays_yen"]) for p in figures["public_expense"]] == [(CHILD, 3000)]
    assert (figures["insurer_pays_yen"], figures["patient_pays_yen"]) == (7000, 0)
    # Before school age the ratio is 2割 (the subsidy did not start until 2020-04-01).
    toddler = onshi(
        "public-expense", "copay", "--amount", "10000", *CHILD_KEYS, "--birthdate", "20150601",
        "--date", "20190512", "--json",
    )  # fmt: skip
    early = json.loads(toddler.stdout)
    assert (early["insurance_share_yen"], early["public_expense"], early["patient_pays_yen"]) == (
        2000,
        [],
        2000,
    )
    welfare = onshi(
        "public-expense", "copay", "--amount", "8000", "--payer-number", WELFARE,
        "--recipient-number", WELFARE_RECIPIENT, "--birthdate", "19600115", "--json",
    )  # fmt: skip
    aid = json.loads(welfare.stdout)
    # No health insurance: the whole cost is the patient's share, and medical aid pays it all.
    assert (aid["insurance_percent"], aid["insurance_share_yen"], aid["patient_pays_yen"]) == (None, 8000, 0)
    assert [p["pays_yen"] for p in aid["public_expense"]] == [8000]
    table = onshi("public-expense", "copay", "--amount", "10000", *CHILD_KEYS, "--birthdate", "20150601",
                  "--date", "20250512").stdout  # fmt: skip
    assert "新宿区（子ども医療費助成）が負担" in table and "窓口負担" in table


def test_copay_without_coverage_or_with_both_kinds_of_keys(onshi: Cli, tmp_path: Path) -> None:
    _load_family_and_welfare(onshi, tmp_path)
    stranger = onshi(
        "public-expense", "copay", "--amount", "10000", "--insurer-number", "01130012", "--number", "999",
        "--birthdate", "19800101", "--json", check=False,
    )  # fmt: skip
    assert stranger.returncode == 1
    assert json.loads(stranger.stdout)["validity"] == "4"
    both = onshi(
        "public-expense", "copay", "--amount", "1", *CHILD_KEYS, "--payer-number", WELFARE,
        "--birthdate", "20150601", check=False,
    )  # fmt: skip
    assert both.returncode == 2
    bad = onshi("public-expense", "copay", "--amount", "1", *CHILD_KEYS, "--birthdate", "2015", check=False)
    assert bad.returncode == 2 and "birthdate" in bad.stdout
