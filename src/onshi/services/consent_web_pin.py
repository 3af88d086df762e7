"""The card "tap" of the consent web: the emulated card file chosen on the device, opened with
the patient's PIN on the server — with the retry counter kept server-side.

In emulation the card is a file (`card.json`) and the server plays the chip: it opens the file
with the PIN and signs. The file carries its own counter, but a fresh copy of the file would
start again at three, so the web also counts by certificate serial in the database
(`store.card_pins`): three wrong PINs lock the card for the web whatever file is uploaded,
as the chip locks. Only certificates that chain to the J-LIS CA are counted (a forged file
cannot fill the table). Wrong PINs and locks are audited (`card.pin`).
"""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cryptography import x509

from onshi.card import certificates
from onshi.card.cardfile import CardFile, UnlockedCard, valid_pin
from onshi.card.errors import CardError, CardFileError, CardLocked, CertificateRefused, WrongPin
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.store import card_pins
from onshi.store.audit import AuditLog
from onshi.store.database import Database

ACTION = "card.pin"
MAX_CARD_FILE_BYTES = 64 * 1024


class PinProblem(StrEnum):
    BAD_FILE = "bad_file"
    UNTRUSTED = "untrusted"
    PIN_FORMAT = "pin_format"
    WRONG = "wrong"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class PinRefused:
    problem: PinProblem
    attempts_left: int = 0

    @property
    def message_ja(self) -> str:
        if self.problem is PinProblem.WRONG:
            return f"暗証番号が違います。あと{self.attempts_left}回間違えるとロックされます。"
        return _MESSAGES[self.problem]


_MESSAGES = {
    PinProblem.BAD_FILE: "マイナンバーカードを読み取れませんでした。カード（card.json）を選び直してください。",
    PinProblem.UNTRUSTED: "J-LISが発行したマイナンバーカードとして確認できません。",
    PinProblem.PIN_FORMAT: "暗証番号は数字4桁で入力してください。",
    PinProblem.LOCKED: (
        "暗証番号の入力を3回間違えたため、このカードの利用者証明用電子証明書はロックされています。"
        "お住まいの市区町村の窓口でロックの解除（暗証番号の再設定）をしてください。"
    ),
}


def read_card(data: bytes) -> CardFile:
    """The card file the device sent, for what a card shows without a PIN (its certificate).
    Raises CardFileError."""
    with _card_path(data) as path:
        return CardFile.load(path)


@contextmanager
def _card_path(data: bytes) -> Iterator[Path]:
    """The sent card file in a private temporary folder while it is used (the emulation writes
    its own counter into the file; that copy is thrown away — the database counts)."""
    if len(data) > MAX_CARD_FILE_BYTES:
        raise CardFileError("the card file is too large")
    with tempfile.TemporaryDirectory(prefix="onshi-card-") as folder:
        path = Path(folder) / "card.json"
        path.write_bytes(data)
        yield path


async def unlock_with_pin(
    db: Database, audit: AuditLog, anchor: x509.Certificate, actor: Actor, data: bytes, pin: str
) -> UnlockedCard | PinRefused:
    try:
        with _card_path(data) as path:
            return await _unlock(db, audit, anchor, actor, CardFile.load(path), pin)
    except CardFileError:
        return PinRefused(PinProblem.BAD_FILE)


async def _unlock(
    db: Database, audit: AuditLog, anchor: x509.Certificate, actor: Actor, card: CardFile, pin: str
) -> UnlockedCard | PinRefused:
    try:
        serial = certificates.inspect(card.certificate_pem, anchor, now_jst()).serial
    except CertificateRefused:
        return PinRefused(PinProblem.UNTRUSTED)
    if not valid_pin(pin):
        return PinRefused(PinProblem.PIN_FORMAT)
    at = now_jst()
    if card.locked:
        async with db.write() as conn:
            await card_pins.lock(conn, serial, at)
        return await _refuse(audit, actor, serial, PinRefused(PinProblem.LOCKED))
    async with db.write() as conn:
        left = await card_pins.reserve_attempt(conn, serial, at)
    if left is None:
        return await _refuse(audit, actor, serial, PinRefused(PinProblem.LOCKED))
    try:
        unlocked = await asyncio.to_thread(card.unlock_with_pin, pin)
    except WrongPin as wrong:
        left = min(left, wrong.attempts_left)
        if left > 0:
            return await _refuse(audit, actor, serial, PinRefused(PinProblem.WRONG, left))
        async with db.write() as conn:
            await card_pins.lock(conn, serial, now_jst())
        return await _refuse(audit, actor, serial, PinRefused(PinProblem.LOCKED))
    except CardLocked:
        return await _refuse(audit, actor, serial, PinRefused(PinProblem.LOCKED))
    except CardError:
        return PinRefused(PinProblem.BAD_FILE)
    async with db.write() as conn:
        await card_pins.clear(conn, serial, now_jst())
    return unlocked


async def _refuse(audit: AuditLog, actor: Actor, serial: str, refused: PinRefused) -> PinRefused:
    outcome = "locked" if refused.problem is PinProblem.LOCKED else f"wrong:{refused.attempts_left}"
    await audit.record(AuditEvent(actor, ACTION, outcome, None, {"certificate": serial}))
    return refused
