"""`onshi public-expense import` and `onshi public-expense key` through the real executable."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli
from tests.public_expense_data import PAYERS, WELFARE_ROW, csv_text


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
