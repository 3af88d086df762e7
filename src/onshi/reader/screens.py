"""The reader's screens, in Japanese (Rich). Every question can be answered ahead by a command-line
flag (`Answers`); without a flag the screen asks, and without a terminal to ask on the
session stops with a message naming the missing flag."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.prompt import Confirm, InvalidResponse, Prompt

from onshi.card import face
from onshi.card.cardfile import CardFile
from onshi.domain.card import FormFactor
from onshi.domain.codes import Validity
from onshi.domain.consent import CHECKUP_MIN_AGE, ConsentChoices, ConsentItem, items_for
from onshi.reader.answers import Answers, AuthMethod
from onshi.wire.public_expense import public_expense_of, tickets_of
from onshi.wire.results import result_entries


class YesNo(Confirm):
    """はい / いいえ (y / n are accepted too, for keyboards without Japanese input)."""

    choices = ["はい", "いいえ"]  # noqa: RUF012 — Rich declares it as a class attribute
    validate_error_message = "[prompt.invalid]「はい」か「いいえ」で答えてください"

    def process_response(self, value: str) -> bool:
        answer = value.strip().lower()
        if answer in ("はい", "y", "yes"):
            return True
        if answer in ("いいえ", "n", "no"):
            return False
        raise InvalidResponse(self.validate_error_message)


class NeedsInput(Exception):
    """A question no flag answered, and there is no terminal to ask on."""

    def __init__(self, flag: str) -> None:
        super().__init__(
            f"対話できないため {flag} の指定が必要です（{flag} is required when not interactive)"
        )
        self.flag = flag


class ConsoleUi:
    def __init__(self, console: Console, answers: Answers, interactive: bool) -> None:
        self.console = console
        self.answers = answers
        self.interactive = interactive
        self._pins = list(answers.pins)

    def say(self, text: str) -> None:
        self.console.print(text, highlight=False)

    def _panel(self, text: str, title: str) -> None:
        self.console.print(Panel.fit(text, title=title), highlight=False)

    def warn(self, text: str) -> None:
        self.console.print(f"[bold red]{text}[/]", highlight=False)

    def _ask_needed(self, flag: str) -> None:
        if not self.interactive:
            raise NeedsInput(flag)

    def choose_method(self, form_factor: FormFactor) -> AuthMethod:
        self._panel(f"{form_factor.label_ja}を読み取りました。", "資格確認")
        if self.answers.method is not None:
            return self.answers.method
        if self.answers.face is not None:
            return AuthMethod.FACE
        if self._pins:
            return AuthMethod.PIN
        self._ask_needed("--face または --pin")
        choice = Prompt.ask(
            "本人確認の方法を選んでください（顔認証 / 暗証番号）", choices=["顔認証", "暗証番号"]
        )
        return AuthMethod.FACE if choice == "顔認証" else AuthMethod.PIN

    def face_capture(self, card: CardFile) -> face.Template:
        """Simulated camera: the holder, someone else, or a template from a file."""
        self.say("カメラに顔を向けてください。")
        choice = self.answers.face
        if choice is None:
            self._ask_needed("--face")
            holder = YesNo.ask("（シミュレーション）カメラの前にいるのはカードの持ち主ですか？")
            choice = "holder" if holder else "other"
        if choice == "holder":
            return face.capture_of_holder(card.photo())
        if choice == "other":
            return face.new_template()
        return face.load_template(Path(choice))

    def next_pin(self, attempts_left: int) -> str | None:
        if self._pins:
            return self._pins.pop(0)
        if not self.interactive:
            return None
        return Prompt.ask(f"暗証番号（数字4桁）を入力してください（残り{attempts_left}回）", password=True)

    def consent(self, birthdate: date, on: date) -> ConsentChoices:
        spec = self.answers.consent
        if spec is not None:
            choices, dropped = spec.resolve(birthdate, on)
            if dropped:
                self.say(f"{CHECKUP_MIN_AGE}歳未満の方は特定健診等情報は「同意しない」となります。")
            return choices
        self._ask_needed("--consent")
        return self._consent_screens(birthdate, on)

    def _consent_screens(self, birthdate: date, on: date) -> ConsentChoices:
        items = items_for(birthdate, on)
        labels = "\n".join(f"・{item.label_ja}" for item in items)
        self._panel(f"過去の医療情報等を当機関に提供することに同意しますか？\n{labels}", "同意の確認")
        if ConsentItem.CHECKUP not in items:
            self.say(f"（特定健診等情報は{CHECKUP_MIN_AGE}歳以上の方が対象です）")
        if YesNo.ask("すべての項目に同意しますか？（「いいえ」で項目ごとに選択）"):
            return ConsentChoices.agree_to_all(birthdate, on)
        return ConsentChoices.of(
            item for item in items if YesNo.ask(f"{item.label_ja}の提供に同意しますか？")
        )

    def register(self) -> bool:
        self.say("このカードは健康保険証としての利用登録がされていません。")
        if self.answers.register is not None:
            return self.answers.register
        self._ask_needed("--register")
        return YesNo.ask("いま健康保険証の利用登録を行いますか？")

    def result(self, document: dict[str, Any], registered: bool, path: Path) -> None:
        body = document.get("MessageBody", {})
        if registered:
            self.say("[green]健康保険証の利用登録が完了しました。[/]")
        validity = Validity(body["QualificationValidity"])
        if validity is Validity.VALID:
            self._panel("受付が完了しました。", "資格確認")
        else:
            self.warn(f"資格確認の結果：{validity.label_ja}。受付窓口にお声がけください。")
        if body.get("ProcessingResultMessage"):
            self.say(body["ProcessingResultMessage"])
        for entry in result_entries(body):  # 公費・医療扶助: what the counter will also see
            for label, text in (("公費", public_expense_of(entry)), ("医療券等", tickets_of(entry))):
                if text:
                    self.say(f"{label}：{text}")
        self.console.print(f"face file: {path}", highlight=False, soft_wrap=True)
