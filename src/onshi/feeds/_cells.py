"""Parsers of single feed cells: raw text in, a value (or None for blank) out, InvalidValue on error.

Parsers of values that repeat across rows (dates, codes, insurer numbers, symbols) are
cached: a million-row feed holds only a few thousand distinct ones.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import Any, TypeVar

from onshi.domain.dates import parse_flexible_date
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerNumber
from onshi.domain.names import clean_kana, clean_name

E = TypeVar("E", bound=StrEnum)
CellParser = Callable[[str], Any]

MAX_TEXT_LENGTH = 200
# Control characters, line/paragraph separators and lone surrogates (what isprintable() flags
# beyond the spaces that names legitimately contain, such as U+3000).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_POST_NUMBER = re.compile(r"^(\d{3})-?(\d{4})$")
_INDIVIDUAL_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def text(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if len(value) > MAX_TEXT_LENGTH:
        raise InvalidValue(
            "", Problem.TOO_LONG, f"{MAX_TEXT_LENGTH}文字以内です", f"longer than {MAX_TEXT_LENGTH}"
        )
    if not value.isprintable() and _CONTROL.search(value):
        raise InvalidValue("", Problem.BAD_FORMAT, "制御文字が含まれています", "control characters")
    return value


def name(raw: str) -> str | None:
    value = text(raw)
    return clean_name(value) if value else None


def kana(raw: str) -> str | None:
    value = text(raw)
    return clean_kana(value) if value else None


@lru_cache(maxsize=65536)
def day(raw: str) -> date | None:
    value = raw.strip()
    return parse_flexible_date(value) if value else None


@lru_cache(maxsize=8192)
def insurer(raw: str) -> InsurerNumber | None:
    return InsurerNumber.parse(raw) if raw.strip() else None


@lru_cache(maxsize=65536)
def symbol(raw: str) -> str | None:
    return parse_symbol(raw) or None


def number(raw: str) -> str | None:
    return parse_number(raw) if raw.strip() else None


@lru_cache(maxsize=256)
def branch(raw: str) -> str | None:
    return parse_branch(raw)


def code(enum: type[E], width: int = 0) -> Callable[[str], E | None]:
    allowed = ", ".join(member.value for member in enum)

    @lru_cache(maxsize=256)
    def parse(raw: str) -> E | None:
        value = raw.strip()
        if not value:
            return None
        canonical = value.zfill(width) if width and value.isdigit() else value.upper()
        try:
            return enum(canonical)
        except ValueError:
            raise InvalidValue(
                "",
                Problem.UNKNOWN_CODE,
                f"未定義のコードです: {value!r}（{allowed}）",
                f"unknown code {value!r} (allowed: {allowed})",
            ) from None

    return parse


@lru_cache(maxsize=64)
def ratio(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if value.isdecimal() and int(value) in (10, 20, 30):
        return int(value)
    raise InvalidValue(
        "",
        Problem.UNKNOWN_CODE,
        f"負担割合は010/020/030（または10/20/30）です: {value!r}",
        f"a ratio is 010, 020 or 030: {value!r}",
    )


def post_number(raw: str) -> str | None:
    value = raw.replace("〒", "").replace("－", "-").strip()
    if not value:
        return None
    match = _POST_NUMBER.match(value)
    if not match:
        raise InvalidValue("", Problem.BAD_FORMAT, "郵便番号はNNN-NNNNです", "post number is NNN-NNNN")
    return f"{match[1]}-{match[2]}"


def individual_key(raw: str) -> str | None:
    value = raw.strip()
    if not value:
        return None
    if value.isdigit() and len(value) == 12:
        raise InvalidValue(
            "",
            Problem.FORBIDDEN_CONTENT,
            "12桁の数字は個人番号の可能性があるため受け付けません",
            "a 12-digit number may be a My Number and is refused",
        )
    if not _INDIVIDUAL_KEY.match(value):
        raise InvalidValue(
            "",
            Problem.BAD_FORMAT,
            "英数字と _ . : - の64文字以内です",
            "1-64 characters of A-Z a-z 0-9 _ . : -",
        )
    return value


def self_pay(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not value.isdecimal():
        raise InvalidValue("", Problem.BAD_FORMAT, "自己負担限度額は円単位の整数です", "yen as an integer")
    return int(value)
