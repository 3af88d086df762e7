"""The interactive screens, with the patient's taps scripted."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from rich.prompt import Confirm, InvalidResponse, Prompt

from onshi.domain.card import FormFactor
from onshi.domain.consent import ConsentItem
from onshi.reader.answers import Answers, AuthMethod
from onshi.reader.screens import ConsoleUi, NeedsInput, YesNo

ON = date(2026, 11, 23)
OLD, YOUNG = date(1950, 1, 1), date(2000, 1, 1)


@pytest.fixture
def taps(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    script: list[object] = []
    monkeypatch.setattr(Confirm, "ask", classmethod(lambda cls, *a, **k: script.pop(0)))
    monkeypatch.setattr(Prompt, "ask", classmethod(lambda cls, *a, **k: script.pop(0)))
    yield script
    assert script == []


def ui(answers: Answers | None = None, interactive: bool = True) -> tuple[ConsoleUi, io.StringIO]:
    out = io.StringIO()
    return ConsoleUi(Console(file=out, width=120), answers or Answers(), interactive), out


def test_agree_to_all_with_one_tap(taps: list[object]) -> None:
    taps.append(True)
    screen, _ = ui()
    assert screen.consent(OLD, ON).agreed == frozenset(ConsentItem)


def test_item_by_item_without_checkups_under_40(taps: list[object]) -> None:
    taps.extend(
        [False, True, False, True, False]
    )  # not all; surgery yes, treatment no, limit yes, disease no
    screen, out = ui()
    assert screen.consent(YOUNG, ON).agreed == {ConsentItem.SURGERY, ConsentItem.LIMIT}
    assert "40歳以上" in out.getvalue()


def test_the_method_is_chosen_on_screen(taps: list[object]) -> None:
    taps.append("暗証番号")
    screen, out = ui()
    assert screen.choose_method(FormFactor.CARD) is AuthMethod.PIN
    assert "マイナンバーカードを読み取りました" in out.getvalue()


def test_flags_answer_ahead_and_missing_ones_are_named() -> None:
    screen, _ = ui(Answers(pins=("1234",)), interactive=False)
    assert screen.choose_method(FormFactor.SMARTPHONE) is AuthMethod.PIN
    assert screen.next_pin(3) == "1234"
    assert screen.next_pin(3) is None
    with pytest.raises(NeedsInput, match="--consent"):
        screen.consent(OLD, ON)
    with pytest.raises(NeedsInput, match="--register"):
        screen.register()


def test_yes_no_in_japanese_or_latin() -> None:
    prompt = YesNo("?")
    assert prompt.process_response("はい") and prompt.process_response(" y ")
    assert not prompt.process_response("いいえ") and not prompt.process_response("n")
    with pytest.raises(InvalidResponse):
        prompt.process_response("たぶん")


def test_the_result_screen_shows_public_expense_and_medical_aid_tickets() -> None:
    screen, out = ui()
    entry = {
        "InsurerNumber": "01130012",
        "PublicExpenseInfoList": [
            {"PublicExpenseInfo": {"PublicExpenseName": "子ども医療費助成", "PublicExpenseNumber": "88130018",
                                   "BeneficiaryNumber": "1234566", "PublicExpenseValidEndDate": "20270331"}}
        ],
        "PublicExpenseResultList": [
            {"MedicalTicketInfo": {"TicketType": "01", "MedicalTreatmentMonth": "202612",
                                   "DesignatedMedicalInstitutionName": "テスト診療所"}}
        ],
    }  # fmt: skip
    body = {"QualificationValidity": "1", "ResultList": [{"ResultOfQualificationConfirmation": entry}]}
    screen.result({"MessageBody": body}, registered=False, path=Path("face/result.xml"))
    text = out.getvalue()
    assert "受付が完了しました" in text
    assert "公費：子ども医療費助成 88130018/1234566（2027/03/31まで）" in text
    assert "医療券等：医療券 202612 テスト診療所" in text
