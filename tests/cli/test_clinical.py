"""`onshi clinical import` and `onshi operator disaster …` through the real executable."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.conftest import Cli
from tests.factories import clinical_csv, clinical_row, feed_lines, feed_row


def test_clinical_import_reports_bad_rows_and_loads_the_rest(onshi: Cli, tmp_path: Path) -> None:
    people = tmp_path / "people.csv"
    people.write_text("".join(feed_lines([feed_row()])), encoding="utf-8")
    onshi("insurer", "import", str(people))
    feed = tmp_path / "medication.csv"
    rows = [
        clinical_row("medication"),
        clinical_row("medication", quantity="abc"),
        clinical_row("medication", number="77"),
    ]
    feed.write_text(clinical_csv(rows), encoding="utf-8")

    first = onshi("clinical", "import", "medication", str(feed), check=False)
    assert first.returncode == 1
    assert "line 3" in first.stdout and "quantity" in first.stdout and "line 4" in first.stdout
    assert "3 rows, 1 loaded" in first.stdout
    again = json.loads(onshi("clinical", "import", "medication", str(feed), "--json", check=False).stdout)
    assert (again["rows_loaded"], again["rows_unchanged"], again["rows_rejected"]) == (0, 1, 2)

    wrong = onshi("clinical", "import", "genome", str(feed), check=False)
    assert wrong.returncode == 1 and "unknown feed" in wrong.stderr
    feed.write_text("insurer_number,colour\n1,2\n", encoding="utf-8")
    header = onshi("clinical", "import", "medication", str(feed), check=False)
    assert header.returncode == 1 and "unknown column" in header.stderr


def test_disaster_declare_list_cancel(onshi: Cli) -> None:
    declared = onshi("operator", "disaster", "declare", "--prefecture", "15", "--prefecture", "17",
                     "--from", "2026-01-01", "--to", "2026-01-31", "--reason", "能登地方の地震")  # fmt: skip
    assert declared.stdout.startswith("災害時モード #1: 新潟県・石川県 2026-01-01〜2026-01-31")
    assert "能登地方の地震" in onshi("operator", "disaster", "list").stdout
    backwards = onshi("operator", "disaster", "declare", "--prefecture", "15", "--from", "2026-02-01",
                      "--to", "2026-01-01", "--reason", "x", check=False)  # fmt: skip
    assert backwards.returncode == 2 and "before it starts" in backwards.stderr
    assert "ended" in onshi("operator", "disaster", "cancel", "1").stdout
    assert "ended" in onshi("operator", "disaster", "list").stdout
    assert onshi("operator", "disaster", "cancel", "9", check=False).returncode == 1
    trail = onshi("audit", "tail").stdout
    assert "disaster.declare" in trail and "disaster.cancel" in trail


def test_purge_deletes_only_what_is_older_than_the_system_keeps(onshi: Cli, tmp_path: Path) -> None:
    from onshi.domain.dates import add_months, today_jst

    people = tmp_path / "people.csv"
    people.write_text("".join(feed_lines([feed_row()])), encoding="utf-8")
    onshi("insurer", "import", str(people))
    today = today_jst()

    def ago(months: int) -> str:
        return add_months(today, -months).strftime("%Y%m%d")

    feeds = {
        "medication": [clinical_row("medication", dispensed_on=ago(37)), clinical_row("medication", dispensed_on=ago(35))],
        "procedure": [clinical_row("procedure", kind="surgery", performed_on=ago(50), code="1"),
                      clinical_row("procedure", kind="treatment", performed_on=ago(50), code="2")],
        "checkup": [clinical_row("checkup", examined_on=ago(61)), clinical_row("checkup", examined_on=ago(59))],
    }  # fmt: skip
    for feed, rows in feeds.items():
        path = tmp_path / f"{feed}.csv"
        path.write_text(clinical_csv(rows), encoding="utf-8")
        onshi("clinical", "import", feed, str(path))
    purged = onshi("clinical", "purge").stdout
    assert "medication 1, treatment 1, surgery 0, checkup 1" in purged
    assert "medication 0, treatment 0, surgery 0, checkup 0" in onshi("clinical", "purge").stdout
    assert "clinical.purge" in onshi("audit", "tail").stdout
