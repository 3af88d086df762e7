"""`onshi card issue / show / revoke`, run as the installed executable."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.card.support import HOLDER_ROW, run
from tests.cli.conftest import Cli
from tests.factories import feed_row
from tests.services.test_insurer_import import load

ROWS = [
    HOLDER_ROW,
    feed_row(insured_identification_number="7", insured_branch_number="01"),
    feed_row(insured_identification_number="7", insured_branch_number="02", birthdate="19820101"),
]


@pytest.fixture
def card_cli(onshi: Cli, tmp_path: Path) -> Cli:
    assert run(onshi.database_url, lambda db: load(db, ROWS)).ok
    return onshi


def env(tmp_path: Path) -> dict[str, str]:
    return {"ONSHI_PKI_DIR": str(tmp_path / "pki")}


def test_issue_show_and_revoke(card_cli: Cli, tmp_path: Path) -> None:
    card = tmp_path / "card.json"
    issued = card_cli(
        "card", "issue", "--out", str(card), "--insurer-number", "01130012", "--symbol", "123",
        "--number", "456", "--branch", "00", env=env(tmp_path),
    )  # fmt: skip
    serial = re.search(r"serial ([0-9a-f]+)", issued.stdout)
    assert serial is not None
    pin = re.search(r"PIN (\d{4}) \(shown once\)", issued.stdout)
    assert pin is not None
    assert (tmp_path / "pki" / "jlis" / "ca-cert.pem").exists()
    shown = card_cli("card", "show", str(card))
    assert serial[1] in shown.stdout
    assert "マイナンバーカード" in shown.stdout
    revoked = card_cli("card", "revoke", serial[1].upper(), "--reason", "lost", env=env(tmp_path))
    assert "revoked (紛失・盗難)" in revoked.stdout
    again = card_cli("card", "revoke", serial[1], "--reason", "renewed", check=False, env=env(tmp_path))
    assert again.returncode == 1


def test_issue_a_smartphone_card_with_given_surface_data(card_cli: Cli, tmp_path: Path) -> None:
    card = tmp_path / "phone.json"
    issued = card_cli(
        "card", "issue", "--out", str(card), "--name", "佐藤　花子", "--kana", "サトウ ハナコ",
        "--birthdate", "19900101", "--sex", "2", "--address", "大阪府大阪市北区1-1", "--pin", "4321",
        "--expires", "20270131", "--smartphone", env=env(tmp_path),
    )  # fmt: skip
    assert "スマートフォン" in issued.stdout
    assert "2027年1月31日" in issued.stdout
    assert "cannot be registered for insurance use" in issued.stdout
    assert "PIN" not in issued.stdout  # the PIN was given, so it is not echoed


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--insurer-number", "01130012", "--symbol", "123", "--number", "404"], "no qualification"),
        (["--insurer-number", "01130012", "--symbol", "123", "--number", "7"], "give --branch"),
        (["--name", "佐藤　花子"], "the card surface needs"),
        (["--insurer-number", "01130012", "--symbol", "123", "--number", "456", "--pin", "12"], "4 digits"),
    ],
)
def test_issue_refuses_what_it_cannot_issue(
    card_cli: Cli, tmp_path: Path, arguments: list[str], message: str
) -> None:
    result = card_cli(
        "card", "issue", "--out", str(tmp_path / "x.json"), *arguments, check=False, env=env(tmp_path)
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert not (tmp_path / "x.json").exists()
