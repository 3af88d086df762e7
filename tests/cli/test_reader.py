"""`onshi reader` against a live central: it writes face files a receipt computer can read."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from onshi import wire
from onshi.config import Settings
from tests.card.support import HOLDER_ROW, live_central, run
from tests.central.conftest import LiveCentral, free_port
from tests.cli.conftest import Cli
from tests.services.test_insurer_import import load
from tests.terminal.conftest import TlsCentral

CLINIC = "1310000017"
FACE_NAME = re.compile(rf"^OQSsiquc01res_face_{CLINIC}[0-9a-f]{{20}}_\d{{14}}\.xml$")


@dataclass
class Counter:
    onshi: Cli
    central: LiveCentral
    key: str
    tmp: Path

    @property
    def env(self) -> dict[str, str]:
        return {"ONSHI_PKI_DIR": str(self.tmp / "pki")}

    def issue(self, name: str = "card.json", *extra: str) -> Path:
        card = self.tmp / name
        self.onshi(
            "card", "issue", "--out", str(card), "--insurer-number", "01130012", "--symbol", "123",
            "--number", "456", "--branch", "00", "--pin", "1234", *extra, env=self.env,
        )  # fmt: skip
        return card

    def reader(self, card: Path, *arguments: str, central: str | None = None) -> tuple[int, str]:
        result = self.onshi(
            "reader", "--card", str(card), "--root", str(self.tmp / "oqs"),
            "--central", central or self.central.url, "--key", self.key, *arguments, check=False,
        )  # fmt: skip
        return result.returncode, result.stdout + result.stderr

    def face_files(self) -> list[Path]:
        folder = self.tmp / "oqs" / "face"
        return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def counter(onshi: Cli, tmp_path: Path) -> Iterator[Counter]:
    assert run(onshi.database_url, lambda db: load(db, [HOLDER_ROW])).ok
    settings = Settings(database_url=onshi.database_url, pool_size=4, pki_dir=tmp_path / "pki")
    with live_central(settings) as central:
        yield Counter(onshi, central, central.facility_key(CLINIC), tmp_path)


def test_a_first_visit_registers_and_writes_the_face_file(counter: Counter) -> None:
    card = counter.issue()
    status, output = counter.reader(card, "--pin", "1234", "--consent", "surgery,limit", "--register")
    assert status == 0, output
    assert "利用登録が完了しました" in output
    (face,) = counter.face_files()
    assert FACE_NAME.match(face.name)
    parsed = wire.parse(face.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True)
    assert parsed.document["MessageHeader"]["ReferenceClassification"] == "1"
    body = parsed.document["MessageBody"]
    assert body["QualificationValidity"] == "1"
    result = body["ResultList"][0]["ResultOfQualificationConfirmation"]
    assert result["OperationInfoConsFlg"] == "1"
    assert result["LimitApplicationCertificateRelatedConsFlg"] == "1"
    assert result["DiagnosisInfoConsFlg"] == result["PharmacistsInfoConsFlg"] == "0"
    assert result["SpecificHealthCheckupsInfoConsFlg"] == "0"


def test_face_authentication_and_agree_to_all_in_shift_jis(counter: Counter) -> None:
    card = counter.issue()
    status, output = counter.reader(
        card, "--face", "holder", "--consent", "all", "--register", "--encoding", "shift_jis"
    )
    assert status == 0, output
    (face,) = counter.face_files()
    parsed = wire.parse(face.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True)
    assert parsed.encoding == wire.SHIFT_JIS
    result = parsed.document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]
    consents = ("Operation", "Diagnosis", "Pharmacists", "SpecificHealthCheckups")
    assert {result[f"{name}InfoConsFlg"] for name in consents} == {"1"}  # 46 years old: checkups too


def test_three_wrong_pins_lock_the_card_but_the_face_still_works(counter: Counter) -> None:
    card = counter.issue()
    status, output = counter.reader(
        card, "--pin", "0000", "--pin", "1111", "--pin", "2222", "--consent", "none"
    )
    assert status == 2
    assert "あと2回" in output and "あと1回" in output and "ロック" in output
    assert "locked" in counter.onshi("card", "show", str(card)).stdout
    status, output = counter.reader(card, "--pin", "1234", "--consent", "none")
    assert status == 2  # the right PIN no longer helps
    assert counter.face_files() == []
    status, output = counter.reader(card, "--face", "holder", "--consent", "none", "--register")
    assert status == 0, output


def test_a_stranger_at_the_camera_falls_back_to_the_pin(counter: Counter) -> None:
    card = counter.issue()
    status, output = counter.reader(card, "--face", "other", "--consent", "none", "--register")
    assert status == 2
    assert "顔認証できませんでした" in output
    status, output = counter.reader(
        card, "--face", "other", "--pin", "1234", "--consent", "none", "--register"
    )
    assert status == 0, output


def test_refusals_write_no_face_file(counter: Counter) -> None:
    expired = counter.issue("expired.json", "--expires", "20200101")
    status, output = counter.reader(expired, "--pin", "1234", "--consent", "none", "--register")
    assert status == 3
    assert "市区町村" in output
    card = counter.issue()
    status, output = counter.reader(card, "--pin", "1234", "--consent", "none", "--no-register")
    assert status == 3
    assert "利用登録" in output
    assert counter.face_files() == []


def test_an_unreachable_central_is_not_a_verdict(counter: Counter) -> None:
    card = counter.issue()
    nowhere = f"http://127.0.0.1:{free_port()}"
    status, output = counter.reader(card, "--pin", "1234", "--consent", "none", central=nowhere)
    assert status == 4
    assert "資格の有無の判定ではありません" in output


def test_answers_are_required_without_a_terminal(counter: Counter) -> None:
    card = counter.issue()
    status, output = counter.reader(card, "--pin", "1234")
    assert status == 2
    assert "--consent" in output
    status, output = counter.reader(card, "--pin", "1234", "--consent", "bogus")
    assert status == 2
    assert "unknown consent items bogus" in output


def test_the_reader_over_mutual_tls_with_the_terminal_certificate(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    onshi = Cli(tls_central.database_url)
    credentials = tls_central.credentials(tmp_path / "cred")
    card = tmp_path / "card.json"
    onshi(
        "card", "issue", "--out", str(card), "--insurer-number", "01130012", "--symbol", "123", "--number", "456",
        "--branch", "00", "--pin", "1234", "--address", "東京都新宿区西新宿2-8-1",
        env={"ONSHI_PKI_DIR": str(tls_central.settings.pki_dir)},
    )  # fmt: skip
    tls = [
        "--cert",
        str(credentials.certificate),
        "--key-file",
        str(credentials.key),
        "--ca",
        str(credentials.ca),
    ]
    common = ["reader", "--card", str(card), "--root", str(tmp_path / "oqs"), "--central", tls_central.url]
    result = onshi(*common, *tls, "--pin", "1234", "--consent", "none", "--register", check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    (face,) = (tmp_path / "oqs" / "face").iterdir()
    document = wire.parse(face.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True).document
    assert document["MessageBody"]["QualificationValidity"] == "1"
    assert document["MessageHeader"]["MedicalInstitutionCode"] == CLINIC
    # Neither a certificate nor a key: nothing to identify the facility with.
    refused = onshi(*common, "--pin", "1234", "--consent", "none", check=False)
    assert refused.returncode == 2 and "--cert" in refused.stderr
