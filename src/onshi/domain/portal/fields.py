"""Reading the portal's forms (web forms and JSON bodies alike) into typed values.

Every field is checked and every problem collected, so a form shows all its errors at once and
an API answer lists them all (`FormInvalid.errors`). Free text is bounded, stripped of control
characters, and refused when it holds a 12-digit number (it may be a My Number, which onshi
never accepts).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from datetime import date
from enum import StrEnum
from typing import TypeVar

from onshi.domain.dates import parse_flexible_date, parse_wire_month
from onshi.domain.errors import InvalidValue, Problem

E = TypeVar("E", bound=StrEnum)

_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")
_PHONE = re.compile(r"\+?[0-9]{2,5}-?[0-9]{1,4}-?[0-9]{3,4}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,190}\.[A-Za-z]{2,24}")
_MONTH = re.compile(r"(\d{4})[-/]?(\d{1,2})")


class FormInvalid(Exception):
    """One or more fields were refused; each error names its field."""

    def __init__(self, errors: Sequence[InvalidValue]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.message_en}" for e in errors))
        self.errors = tuple(errors)

    def by_field(self) -> dict[str, str]:
        return {error.field: error.message_ja for error in self.errors}


def refuse_my_number(text: str, field: str) -> None:
    if _TWELVE_DIGITS.search(unicodedata.normalize("NFKC", text)):
        raise InvalidValue(
            field,
            Problem.FORBIDDEN_CONTENT,
            "12桁の数字は個人番号の可能性があるため受け付けません",
            "a 12-digit number may be a My Number and is refused",
        )


class Reader:
    """Reads named values; `done()` raises FormInvalid when any field was refused."""

    def __init__(self, values: Mapping[str, object]) -> None:
        self._values = values
        self.errors: list[InvalidValue] = []

    def raw(self, name: str) -> str:
        value = self._values.get(name)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, list | tuple):
            return str(value[0]) if value else ""
        return str(value).strip()

    def values_of(self, name: str) -> list[str]:
        value = self._values.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple):
            return [str(v).strip() for v in value if str(v).strip()]
        return [v.strip() for v in str(value).split(",") if v.strip()]

    def _fail(self, name: str, problem: Problem, ja: str, en: str) -> None:
        self.errors.append(InvalidValue(name, problem, ja, en))

    def _missing(self, name: str, label_ja: str) -> None:
        self._fail(name, Problem.REQUIRED, f"{label_ja}を入力してください", f"{name} is required")

    def text(self, name: str, label_ja: str, *, required: bool = True, max_length: int = 100) -> str:
        value = "".join(ch for ch in self.raw(name) if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
        if not value:
            if required:
                self._missing(name, label_ja)
            return ""
        if len(value) > max_length:
            self._fail(
                name,
                Problem.TOO_LONG,
                f"{label_ja}は{max_length}文字以内です",
                f"{name} is at most {max_length} characters",
            )
            return ""
        try:
            refuse_my_number(value, name)
        except InvalidValue as error:
            self.errors.append(error)
            return ""
        return value

    def integer(self, name: str, label_ja: str, low: int, high: int, *, required: bool = True) -> int | None:
        text = unicodedata.normalize("NFKC", self.raw(name)).replace(",", "")
        if not text:
            if required:
                self._missing(name, label_ja)
            return None
        if not (text.isascii() and text.isdigit()) or len(text) > 15 or not low <= int(text) <= high:
            self._fail(
                name,
                Problem.BAD_FORMAT,
                f"{label_ja}は{low:,}～{high:,}の整数です",
                f"{name} is a whole number {low}–{high}",
            )
            return None
        return int(text)

    def flag(self, name: str) -> bool:
        """A checkbox or a JSON boolean: present and not 0/false/off is True."""
        return self.raw(name).lower() not in ("", "0", "false", "off", "no")

    def day(self, name: str, label_ja: str, *, required: bool = False) -> date | None:
        text = self.raw(name)
        if not text:
            if required:
                self._missing(name, label_ja)
            return None
        try:
            return parse_flexible_date(text, name)
        except InvalidValue as error:
            self.errors.append(error)
            return None

    def month(self, name: str, label_ja: str, *, required: bool = False) -> date | None:
        text = unicodedata.normalize("NFKC", self.raw(name))
        if not text:
            if required:
                self._missing(name, label_ja)
            return None
        match = _MONTH.fullmatch(text)
        try:
            if match is None:
                raise InvalidValue(name, Problem.BAD_FORMAT, "年月はYYYY-MMです", "a month is YYYY-MM")
            return parse_wire_month(f"{match[1]}{int(match[2]):02d}", name)
        except InvalidValue as error:
            self.errors.append(error.with_field(name))
            return None

    def phone(self, name: str, label_ja: str, *, required: bool = True) -> str:
        value = unicodedata.normalize("NFKC", self.raw(name)).replace(" ", "")
        if not value:
            if required:
                self._missing(name, label_ja)
            return ""
        if not _PHONE.fullmatch(value) or not 10 <= sum(ch.isdigit() for ch in value) <= 13:
            self._fail(
                name,
                Problem.BAD_FORMAT,
                f"{label_ja}の形式が正しくありません",
                f"{name} is not a phone number",
            )
            return ""
        return value

    def email(self, name: str, label_ja: str, *, required: bool = True) -> str:
        value = unicodedata.normalize("NFKC", self.raw(name))
        if not value:
            if required:
                self._missing(name, label_ja)
            return ""
        if not _EMAIL.fullmatch(value):
            self._fail(
                name,
                Problem.BAD_FORMAT,
                f"{label_ja}の形式が正しくありません",
                f"{name} is not an e-mail address",
            )
            return ""
        return value

    def choice(self, name: str, kind: type[E], label_ja: str, *, required: bool = True) -> E | None:
        text = self.raw(name)
        if not text:
            if required:
                self._missing(name, label_ja)
            return None
        try:
            return kind(text)
        except ValueError:
            known = ", ".join(member.value for member in kind)
            self._fail(
                name,
                Problem.UNKNOWN_CODE,
                f"{label_ja}の選択肢にありません: {text[:40]!r}",
                f"{name} is one of {known}",
            )
            return None

    def choices(self, name: str, kind: type[E], label_ja: str) -> tuple[E, ...]:
        chosen: list[E] = []
        for text in self.values_of(name):
            try:
                member = kind(text)
            except ValueError:
                self._fail(
                    name,
                    Problem.UNKNOWN_CODE,
                    f"{label_ja}の選択肢にありません: {text[:40]!r}",
                    f"unknown {name}: {text[:40]!r}",
                )
                continue
            if member not in chosen:
                chosen.append(member)
        return tuple(chosen)

    def refuse(self, name: str, problem: Problem, ja: str, en: str) -> None:
        """A rule spanning fields failed."""
        self._fail(name, problem, ja, en)

    def done(self) -> None:
        if self.errors:
            raise FormInvalid(self.errors)
