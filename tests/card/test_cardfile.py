"""The card file: PIN route with its retry counter, face route, sealing."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from onshi.card import face
from onshi.card.cardfile import MAX_PIN_ATTEMPTS, CardFile, write_card
from onshi.card.errors import CardFileError, CardLocked, FaceMismatch, WrongPin
from onshi.card.jlis import JlisCa, new_key
from onshi.domain.card import FormFactor
from onshi.domain.dates import now_jst
from tests.card.support import PIN, SURFACE


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> JlisCa:
    return JlisCa.open(tmp_path_factory.mktemp("jlis"))


@pytest.fixture
def card_path(ca: JlisCa, tmp_path: Path) -> Path:
    key = new_key()
    certificate = ca.issue(key.public_key(), FormFactor.CARD, now_jst() + timedelta(days=365))
    path = tmp_path / "card.json"
    write_card(path, certificate, key, SURFACE, face.new_template(), PIN, FormFactor.CARD)
    return path


def test_the_right_pin_unlocks_the_key_and_the_surface(card_path: Path) -> None:
    card = CardFile.load(card_path).unlock_with_pin(PIN)
    assert card.surface == SURFACE
    assert card.sign(b"x")  # the private key is usable


def test_three_wrong_pins_lock_the_pin_route(card_path: Path) -> None:
    card = CardFile.load(card_path)
    for left in (2, 1, 0):
        with pytest.raises(WrongPin) as wrong:
            card.unlock_with_pin("0000")
        assert wrong.value.attempts_left == left
    reloaded = CardFile.load(card_path)  # the counter is kept in the file, like on the chip
    assert reloaded.locked
    with pytest.raises(CardLocked):
        reloaded.unlock_with_pin(PIN)


def test_a_right_pin_resets_the_counter(card_path: Path) -> None:
    card = CardFile.load(card_path)
    with pytest.raises(WrongPin):
        card.unlock_with_pin("9999")
    card.unlock_with_pin(PIN)
    assert CardFile.load(card_path).attempts_left == MAX_PIN_ATTEMPTS


def test_the_holders_face_unlocks_and_a_strangers_does_not(card_path: Path) -> None:
    card = CardFile.load(card_path)
    assert card.unlock_with_face(face.capture_of_holder(card.photo())).surface == SURFACE
    with pytest.raises(FaceMismatch):
        card.unlock_with_face(face.new_template())


def test_face_authentication_still_works_when_the_pin_is_locked(card_path: Path) -> None:
    card = CardFile.load(card_path)
    for _ in range(MAX_PIN_ATTEMPTS):
        with pytest.raises(WrongPin):
            card.unlock_with_pin("0000")
    assert card.locked
    card.unlock_with_face(face.capture_of_holder(card.photo()))


def test_the_file_keeps_no_secret_in_clear(card_path: Path) -> None:
    text = card_path.read_text(encoding="utf-8")
    assert "PRIVATE KEY" not in text
    assert SURFACE.address not in text
    assert PIN not in json.loads(text)["pin"].values()


def test_a_tampered_chip_is_reported(card_path: Path) -> None:
    document = json.loads(card_path.read_text(encoding="utf-8"))
    sealed = document["chip"]["data"]
    document["chip"]["data"] = ("A" if sealed[0] != "A" else "B") + sealed[1:]
    card_path.write_text(json.dumps(document), encoding="utf-8")
    with pytest.raises(CardFileError, match="damaged"):
        CardFile.load(card_path).unlock_with_pin(PIN)


def test_not_a_card(tmp_path: Path) -> None:
    (tmp_path / "x.json").write_text("{}", encoding="utf-8")
    with pytest.raises(CardFileError):
        CardFile.load(tmp_path / "x.json")
    with pytest.raises(CardFileError):
        CardFile.load(tmp_path / "missing.json")


def test_a_card_is_never_overwritten(card_path: Path, ca: JlisCa) -> None:
    key = new_key()
    certificate = ca.issue(key.public_key(), FormFactor.CARD, now_jst() + timedelta(days=1))
    with pytest.raises(CardFileError, match="exists"):
        write_card(card_path, certificate, key, SURFACE, face.new_template(), PIN, FormFactor.CARD)
