"""Answers given on the command line instead of at the reader's screens (for scripts and tests)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from onshi.domain.consent import ConsentChoices, ConsentItem, checkup_allowed


class AuthMethod(StrEnum):
    FACE = "face"  # 顔認証
    PIN = "pin"  # 暗証番号


@dataclass(frozen=True, slots=True)
class ConsentSpec:
    """`--consent all`, `--consent none` or `--consent surgery,treatment,…`."""

    agree_to_all: bool = False
    items: frozenset[ConsentItem] = frozenset()

    @classmethod
    def parse(cls, text: str) -> ConsentSpec:
        value = text.strip().lower()
        if value == "all":
            return cls(agree_to_all=True)
        if value in ("none", ""):
            return cls()
        names = [name.strip() for name in value.split(",") if name.strip()]
        known = {item.value: item for item in ConsentItem}
        unknown = [name for name in names if name not in known]
        if unknown:
            choices = ", ".join(["all", "none", *known])
            raise ValueError(f"unknown consent items {', '.join(unknown)} (one of: {choices})")
        return cls(items=frozenset(known[name] for name in names))

    def resolve(self, birthdate: date, on: date) -> tuple[ConsentChoices, bool]:
        """The choices for this patient, and whether a checkup consent had to be dropped (under 40)."""
        if self.agree_to_all:
            return ConsentChoices.agree_to_all(birthdate, on), False
        if ConsentItem.CHECKUP in self.items and not checkup_allowed(birthdate, on):
            return ConsentChoices.of(self.items - {ConsentItem.CHECKUP}), True
        return ConsentChoices.of(self.items), False


@dataclass(frozen=True, slots=True)
class Answers:
    method: AuthMethod | None = None
    face: str | None = None  # "holder", "other" or a template file
    pins: tuple[str, ...] = field(default_factory=tuple)
    consent: ConsentSpec | None = None
    register: bool | None = None  # register the card for insurance use when it is not yet
