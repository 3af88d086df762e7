"""Account registration (アカウント登録) of a facility, and the day its obligation applies.

A facility registers with its 医療機関等コード, name and type (the code's 点数表番号 must allow the
type), the day it opened when that was after the obligation, whether it may still claim on
paper (紙レセプト: outside the obligation, seed 004), a contact address and a password. The
obligation to confirm online (義務化) applies from the regime's day (2023-04-01 for hospitals,
clinics and pharmacies; 2024-12-02 for visiting nursing — onshi.domain.portal.transitional), or
from the opening day when the facility opened later; a facility that may claim on paper is not
obligated (`obligated_from` None).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.portal.fields import Reader
from onshi.domain.portal.transitional import Obligation, regime_for

MIN_PASSWORD = 10
MAX_PASSWORD = 128


@dataclass(frozen=True, slots=True)
class FacilityRegistration:
    code: FacilityCode
    name: str
    facility_type: FacilityType
    email: str
    opened_on: date | None = None  # 開設日, when after the obligation date
    paper_claims: bool = False  # 紙レセプトでの請求が認められている（令和6年4月以降の届出済み）

    @property
    def obligated_from(self) -> date | None:
        return obligated_from(self.facility_type, self.opened_on, self.paper_claims)


def obligated_from(facility_type: FacilityType, opened_on: date | None, paper_claims: bool) -> date | None:
    regime = regime_for(facility_type, Obligation.ONLINE_QUALIFICATION)
    if paper_claims and regime.paper_claims_exempt:
        return None
    if opened_on is not None and opened_on > regime.obligation_date:
        return opened_on
    return regime.obligation_date


def read_registration(values: Mapping[str, object], *, with_email: bool = True) -> FacilityRegistration:
    """Raises FormInvalid with every refused field."""
    form = Reader(values)
    code = _code(form)
    name = form.text("name", "医療機関等の名称", max_length=120)
    kind = form.choice("facility_type", FacilityType, "施設の種類")
    email = form.email("email", "連絡先メールアドレス", required=with_email)
    opened = form.day("opened_on", "開設日")
    paper = form.flag("paper_claims")
    if code is not None and kind is not None and not code.allows(kind):
        form.refuse(
            "facility_type",
            Problem.INCONSISTENT,
            f"医療機関等コードの点数表番号 {code.fee_table} は{kind.label_ja}ではありません",
            f"fee-table digit {code.fee_table} does not fit a {kind.value}",
        )
    if kind is FacilityType.VISITING_NURSING and paper:
        form.refuse(
            "paper_claims",
            Problem.INCONSISTENT,
            "訪問看護では紙レセプト請求は義務化の例外になりません",
            "paper claims do not exempt a visiting-nursing station",
        )
    form.done()
    assert code is not None and kind is not None
    return FacilityRegistration(code, name, kind, email, opened, paper)


def _code(form: Reader) -> FacilityCode | None:
    text = form.raw("facility_code")
    if not text:
        form.refuse("facility_code", Problem.REQUIRED, "医療機関等コードを入力してください", "required")
        return None
    try:
        return FacilityCode.parse(text, "facility_code")
    except InvalidValue as error:
        form.errors.append(error)
        return None


def check_password(password: str, field: str = "password") -> None:
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidValue(
            field,
            Problem.BAD_FORMAT,
            f"パスワードは{MIN_PASSWORD}～{MAX_PASSWORD}文字です",
            f"a password has {MIN_PASSWORD}–{MAX_PASSWORD} characters",
        )
    if password.isdigit() or password.isalpha():
        raise InvalidValue(
            field,
            Problem.BAD_FORMAT,
            "パスワードには英字と数字（または記号）を混ぜてください",
            "mix letters with digits or symbols",
        )


def check_login(login: str, field: str = "login") -> str:
    """A corporation's login name: 3–32 of a-z 0-9 . _ - (lower case)."""
    value = login.strip().lower()
    if not 3 <= len(value) <= 32 or not all(ch.isascii() and (ch.isalnum() or ch in "._-") for ch in value):
        raise InvalidValue(
            field,
            Problem.BAD_FORMAT,
            "ログインIDは英小文字・数字・. _ - の3～32文字です",
            "a login is 3–32 of a-z 0-9 . _ -",
        )
    if value.isdigit():
        raise InvalidValue(
            field,
            Problem.BAD_FORMAT,
            "ログインIDに数字だけは使えません（医療機関等コードと区別するため）",
            "a login may not be all digits (facility codes are)",
        )
    return value
