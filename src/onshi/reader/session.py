"""One patient at the face-recognition card reader (顔認証付きカードリーダー), start to finish.

1. the card is placed: its certificate is read (no PIN needed);
2. face authentication, or the 4-digit PIN (3 tries; the third wrong PIN locks the PIN route);
   a face that does not match falls back to the PIN, as readers do;
3. the consent screens, item by item or "agree to all" (特定健診等情報 from age 40);
4. central issues a challenge, the card signs it with the facility code and the choices, and
   central answers with the face-reader result;
5. a card not yet registered for insurance use is registered on the spot, with the patient's
   agreement: the card signs its surface data for central to check against the insurer's record;
6. the result is written into the terminal's `face` folder and shown to the patient.

Exit codes: 0 result written; 2 stopped at the reader (card unreadable, wrong or locked PIN,
face not recognised, a missing answer); 3 refused by central (card or credentials);
4 central unreachable or the card could not be verified — eligibility NOT checked.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from onshi import wire
from onshi.card import face
from onshi.card.cardfile import CardFile, UnlockedCard, valid_pin
from onshi.card.errors import CardFileError, CardLocked, FaceMismatch, WrongPin
from onshi.card.protocol import auth_payload, surface_to_json
from onshi.domain.card import CardProblem, FormFactor
from onshi.domain.consent import ConsentChoices
from onshi.domain.dates import today_jst
from onshi.reader.answers import AuthMethod
from onshi.reader.client import Answer, CentralClient, CentralUnreachable, CredentialsRefused
from onshi.reader.facefile import write_face_file
from onshi.reader.screens import NeedsInput
from onshi.wire.result_codes import CARD_ERRORS

OK, AT_READER, REFUSED, NOT_CHECKED = 0, 2, 3, 4
NOT_LINKED_CODE = CARD_ERRORS[CardProblem.NOT_LINKED].code


class ReaderUi(Protocol):
    def say(self, text: str) -> None: ...
    def warn(self, text: str) -> None: ...
    def choose_method(self, form_factor: FormFactor) -> AuthMethod: ...
    def face_capture(self, card: CardFile) -> face.Template: ...
    def next_pin(self, attempts_left: int) -> str | None: ...
    def consent(self, birthdate: date, on: date) -> ConsentChoices: ...
    def register(self) -> bool: ...
    def result(self, document: dict[str, Any], registered: bool, path: Path) -> None: ...


class Stop(Exception):
    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(slots=True)
class ReaderSession:
    card_path: Path
    client: CentralClient
    ui: ReaderUi
    root: Path
    encoding: str = wire.UTF8

    def run(self) -> int:
        try:
            unlocked = self._authenticate(CardFile.load(self.card_path))
            answer = self._confirm(unlocked)
            return self._finish(answer)
        except Stop as stop:
            self.ui.warn(stop.message)
            return stop.exit_code
        except (CardFileError, NeedsInput) as error:
            self.ui.warn(str(error))
            return AT_READER
        except CredentialsRefused as error:
            self.ui.warn(f"資格確認端末の認証情報が拒否されました: {error}")
            return REFUSED
        except CentralUnreachable as error:
            self.ui.warn(
                "通信できないため資格確認できませんでした（資格の有無の判定ではありません）。"
                f"受付窓口にお声がけください。({error})"
            )
            return NOT_CHECKED

    # --- authentication ---------------------------------------------------------------------

    def _authenticate(self, card: CardFile) -> UnlockedCard:
        if self.ui.choose_method(card.form_factor) is AuthMethod.FACE:
            try:
                return card.unlock_with_face(self.ui.face_capture(card))
            except FaceMismatch:
                self.ui.warn("顔認証できませんでした。暗証番号で本人確認を行います。")
        return self._unlock_with_pin(card)

    def _unlock_with_pin(self, card: CardFile) -> UnlockedCard:
        while True:
            if card.locked:
                raise Stop(_LOCKED, AT_READER)
            pin = self.ui.next_pin(card.attempts_left)
            if pin is None:
                raise Stop("暗証番号が入力されませんでした。", AT_READER)
            if not valid_pin(pin):
                self.ui.warn("暗証番号は数字4桁です。")  # the keypad would not send it: not counted
                continue
            try:
                return card.unlock_with_pin(pin)
            except WrongPin as wrong:
                if wrong.attempts_left:
                    self.ui.warn(f"暗証番号が違います。あと{wrong.attempts_left}回間違えるとロックされます。")
            except CardLocked:
                raise Stop(_LOCKED, AT_READER) from None

    # --- confirmation -----------------------------------------------------------------------

    def _confirm(self, card: UnlockedCard) -> Answer:
        choices = self.ui.consent(card.surface.birthdate, today_jst())
        answer = self._send(card, choices, None)
        if _body(answer).get("ProcessingResultCode") != NOT_LINKED_CODE:
            return answer
        if not self.ui.register():
            raise Stop("利用登録を行わなかったため、マイナ保険証での資格確認はできませんでした。", REFUSED)
        return self._send(card, choices, surface_to_json(card.surface))

    def _send(self, card: UnlockedCard, choices: ConsentChoices, surface: Mapping[str, str] | None) -> Answer:
        challenge = self.client.challenge()
        flags = choices.as_flags()
        signature = card.sign(auth_payload(challenge.nonce, challenge.facility_code, flags, surface))
        body: dict[str, Any] = {
            "certificate": card.certificate_pem,
            "challenge": challenge.nonce,
            "signature": base64.b64encode(signature).decode(),
            "consent": flags,
            "surface": dict(surface) if surface is not None else None,
        }
        return self.client.confirm(body)

    def _finish(self, answer: Answer) -> int:
        header, body = answer.document.get("MessageHeader", {}), _body(answer)
        if header.get("SegmentOfResult") != "1":
            raise Stop(str(header.get("ErrorMessage") or "資格確認できませんでした。"), NOT_CHECKED)
        if body.get("ProcessingResultStatus") != "1":
            raise Stop(
                f"{body.get('ProcessingResultMessage', '')}（{body.get('ProcessingResultCode', '')}）",
                REFUSED,
            )
        path = write_face_file(self.root, answer.document, self.encoding)
        self.ui.result(answer.document, answer.registered, path)
        return OK


_LOCKED = (
    "暗証番号がロックされています。お住まいの市区町村の窓口で暗証番号の初期化を行ってください。"
    "顔認証はご利用いただけます。"
)


def _body(answer: Answer) -> dict[str, Any]:
    body = answer.document.get("MessageBody")
    return body if isinstance(body, dict) else {}
