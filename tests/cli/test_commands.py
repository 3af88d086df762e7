from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from pathlib import Path

import orjson
import psycopg
import pytest

from onshi import wire
from onshi.store.migrate import head_revision
from tests.cli.conftest import Cli
from tests.conftest import PG_ADMIN, _pg_url
from tests.factories import KYOKAI_TOKYO, feed_lines, feed_row

ROWS = [
    feed_row(),
    feed_row(insured_identification_number="2", disqualification_date="20240401", reason_of_loss="01"),
    feed_row(insured_identification_number="3", birthdate="19800230"),
    feed_row(insured_identification_number="4", insurer_number="01130013"),
]


def write_feed(path: Path, rows: list[dict[str, str]] = ROWS) -> Path:
    path.write_text("".join(feed_lines(rows)), encoding="utf-8")
    return path


@pytest.fixture
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no schema at all (for `onshi db upgrade`)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    request.getfixturevalue("pg_template")  # skips or fails exactly like the other PostgreSQL tests
    name = f"onshi_empty_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    yield _pg_url(name)
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]


@pytest.mark.parametrize("empty_database_url", ["sqlite", "postgresql"], indirect=True)
def test_db_upgrade_creates_the_schema(empty_database_url: str) -> None:
    onshi = Cli(empty_database_url, real_executable=True)  # the installed entry point, as scripts call it
    refused = onshi("facility", "list", check=False)
    assert refused.returncode == 1
    assert "onshi db upgrade" in refused.stderr
    assert f"revision {head_revision()}" in onshi("db", "upgrade").stdout
    assert f"database: {head_revision()}" in onshi("db", "current").stdout


def test_import_reports_every_bad_row_and_loads_the_rest(onshi: Cli, tmp_path: Path) -> None:
    report = tmp_path / "rejected.csv"
    result = onshi(
        "insurer", "import", str(write_feed(tmp_path / "feed.csv")), "--report", str(report), check=False
    )
    assert result.returncode == 1
    assert "line 4: birthdate" in result.stdout
    assert "line 5: insurer_number" in result.stdout
    assert "4 rows, 2 loaded, 0 unchanged, 2 rejected" in result.stdout
    with report.open(encoding="utf-8") as stream:
        assert [row["line"] for row in csv.DictReader(stream)] == ["4", "5"]
    again = onshi("insurer", "import", str(write_feed(tmp_path / "good.csv", ROWS[:2])), "--json")
    assert orjson.loads(again.stdout)["rows_unchanged"] == 2


def test_import_refuses_unreadable_files(onshi: Cli, tmp_path: Path) -> None:
    sjis = tmp_path / "sjis.csv"
    sjis.write_bytes("insurer_number,氏名\n".encode("cp932"))
    result = onshi("insurer", "import", str(sjis), check=False)
    assert result.returncode == 1
    assert "not UTF-8" in result.stderr
    bad_header = tmp_path / "header.csv"
    bad_header.write_text("insurer_number,birth_date\n", encoding="utf-8")
    result = onshi("insurer", "import", str(bad_header), check=False)
    assert "unknown columns: birth_date" in result.stderr


def test_confirm_directly_for_support_staff(onshi: Cli, tmp_path: Path) -> None:
    onshi("insurer", "import", str(write_feed(tmp_path / "feed.csv", ROWS[:2])))
    keys = [
        "--insurer-number",
        KYOKAI_TOKYO.digits,
        "--symbol",
        "123",
        "--birthdate",
        "19800401",
        "--date",
        "20261123",
    ]
    as_json = orjson.loads(onshi("confirm", *keys, "--number", "456", "--json").stdout)
    assert as_json["XmlMsg"]["MessageBody"]["QualificationValidity"] == "1"
    human = onshi("confirm", *keys, "--number", "2").stdout
    assert "2 無効" in human
    assert "死亡" in human
    xml = onshi("confirm", *keys, "--number", "456", "--xml").stdout.encode()
    assert (
        wire.parse(xml, wire.MessageKind.SINGLE_INQUIRY_RESULT).document["MessageBody"][
            "QualificationValidity"
        ]
        == "1"
    )
    rejected = onshi("confirm", *keys, "--number", "456", "--insurer-number", "1", check=False)
    assert rejected.returncode == 2
    assert "照会エラー" in rejected.stdout
    assert "confirm.numbers" in onshi("audit", "tail").stdout


def test_facilities_and_keys(onshi: Cli) -> None:
    onshi("facility", "add", "--code", "1310000017", "--name", "テスト診療所")
    key = onshi("facility", "key", "1310000017").stdout.strip()
    assert key.startswith("onshi_fk_")
    assert "1310000017" in onshi("facility", "list").stdout
    assert "suspended" in onshi("facility", "suspend", "1310000017").stdout
    unknown = onshi("facility", "key", "1310000025", check=False)
    assert unknown.returncode == 1
    wrong_type = onshi(
        "facility", "add", "--code", "1340000017", "--name", "x", "--type", "hospital", check=False
    )
    assert wrong_type.returncode == 2
    assert onshi("insurer", "key", KYOKAI_TOKYO.digits).stdout.startswith("onshi_ik_")
    assert onshi("insurer", "key", "01130013", check=False).returncode == 2


def test_db_check(onshi: Cli, tmp_path: Path) -> None:
    onshi("insurer", "import", str(write_feed(tmp_path / "feed.csv", ROWS[:2])))
    output = onshi("db", "check").stdout
    assert "qualifications_insurer" in output
    assert "violations" not in output
