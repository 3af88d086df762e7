"""保険者番号 (insurer number) and the kind of insurer it identifies.

8 digits: 法別番号(2) + 都道府県番号(2) + 保険者別番号(3) + 検証番号(1).
6 digits (国民健康保険): 都道府県番号(2) + 保険者別番号(3) + 検証番号(1); 国保組合 use 保険者別番号 3xx.
On the wire an insurer number is 8 characters and 6-digit numbers are right-aligned with
half-width spaces ("  138057").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from onshi.domain.checkdigit import has_valid_check_digit, with_check_digit
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.prefectures import prefecture
from onshi.domain.text import is_ascii_digits, normalise_digits


class InsurerKind(StrEnum):
    KYOKAI_KENPO = "kyokai_kenpo"  # 協会けんぽ (全国健康保険協会)
    SENIN = "senin"  # 船員保険
    HIYATOI = "hiyatoi"  # 日雇特例被保険者
    KENPO_KUMIAI = "kenpo_kumiai"  # 健康保険組合
    JIEIKAN = "jieikan"  # 自衛官等
    KYOSAI = "kyosai"  # 共済組合
    KOKUHO = "kokuho"  # 市町村国民健康保険
    KOKUHO_KUMIAI = "kokuho_kumiai"  # 国民健康保険組合
    KOUKI_KOUREI = "kouki_kourei"  # 後期高齢者医療広域連合
    TOKUREI_TAISHOKU = "tokurei_taishoku"  # 特例退職被保険者
    TAISHOKU = "taishoku"  # 国保退職者医療

    @property
    def label_ja(self) -> str:
        return _KIND_LABELS[self]

    @property
    def is_employee_insurance(self) -> bool:
        """被用者保険: members have dependants (家族) under the insured person."""
        return self in _EMPLOYEE_KINDS


_KIND_LABELS = {
    InsurerKind.KYOKAI_KENPO: "協会けんぽ",
    InsurerKind.SENIN: "船員保険",
    InsurerKind.HIYATOI: "日雇特例",
    InsurerKind.KENPO_KUMIAI: "健保組合",
    InsurerKind.JIEIKAN: "自衛官等",
    InsurerKind.KYOSAI: "共済組合",
    InsurerKind.KOKUHO: "国保",
    InsurerKind.KOKUHO_KUMIAI: "国保組合",
    InsurerKind.KOUKI_KOUREI: "後期高齢者",
    InsurerKind.TOKUREI_TAISHOKU: "特例退職",
    InsurerKind.TAISHOKU: "国保退職",
}
_EMPLOYEE_KINDS = frozenset(
    {
        InsurerKind.KYOKAI_KENPO,
        InsurerKind.SENIN,
        InsurerKind.HIYATOI,
        InsurerKind.KENPO_KUMIAI,
        InsurerKind.JIEIKAN,
        InsurerKind.KYOSAI,
        InsurerKind.TOKUREI_TAISHOKU,
    }
)

# 法別番号 of 8-digit insurer numbers → kind. Public-expense 法別 (10–29, 51–… for 公費)
# are not insurers and are refused here; they belong to the public-expense registry.
HOUBETSU_KINDS: dict[str, InsurerKind] = {
    "01": InsurerKind.KYOKAI_KENPO,
    "02": InsurerKind.SENIN,
    "03": InsurerKind.HIYATOI,
    "04": InsurerKind.HIYATOI,
    "06": InsurerKind.KENPO_KUMIAI,
    "07": InsurerKind.JIEIKAN,
    "31": InsurerKind.KYOSAI,
    "32": InsurerKind.KYOSAI,
    "33": InsurerKind.KYOSAI,
    "34": InsurerKind.KYOSAI,
    "39": InsurerKind.KOUKI_KOUREI,
    "63": InsurerKind.TOKUREI_TAISHOKU,
    "67": InsurerKind.TAISHOKU,
    "72": InsurerKind.TOKUREI_TAISHOKU,
    "73": InsurerKind.TOKUREI_TAISHOKU,
    "74": InsurerKind.TOKUREI_TAISHOKU,
    "75": InsurerKind.TOKUREI_TAISHOKU,
}


@dataclass(frozen=True, slots=True, order=True)
class InsurerNumber:
    """A validated insurer number: 6 or 8 ASCII digits with a correct check digit."""

    digits: str

    @classmethod
    def parse(cls, text: str, field: str = "insurer_number") -> InsurerNumber:
        digits = normalise_digits(text)
        if not digits:
            raise InvalidValue(field, Problem.REQUIRED, "保険者番号がありません", "insurer number is missing")
        if not is_ascii_digits(digits) or len(digits) not in (6, 8):
            raise InvalidValue(
                field,
                Problem.BAD_FORMAT,
                f"保険者番号は6桁または8桁の数字です: {text!r}",
                f"an insurer number is 6 or 8 digits: {text!r}",
            )
        if not has_valid_check_digit(digits):
            raise InvalidValue(
                field,
                Problem.BAD_CHECK_DIGIT,
                f"保険者番号の検証番号が正しくありません: {digits}",
                f"check digit of insurer number {digits} is wrong",
            )
        number = cls(digits)
        number._validate_parts(field)
        return number

    @classmethod
    def build(cls, body: str) -> InsurerNumber:
        """The insurer number whose digits before the check digit are `body` (5 or 7 digits)."""
        return cls.parse(with_check_digit(body))

    def _validate_parts(self, field: str) -> None:
        prefecture(self.prefecture_code, field)
        if len(self.digits) == 8 and self.digits[:2] not in HOUBETSU_KINDS:
            raise InvalidValue(
                field,
                Problem.UNKNOWN_CODE,
                f"法別番号 {self.digits[:2]} は医療保険者の番号ではありません",
                f"law code {self.digits[:2]} is not a health insurer's",
            )

    @property
    def houbetsu(self) -> str | None:
        """法別番号, or None for 6-digit 国保 numbers."""
        return self.digits[:2] if len(self.digits) == 8 else None

    @property
    def prefecture_code(self) -> str:
        return self.digits[2:4] if len(self.digits) == 8 else self.digits[:2]

    @property
    def kind(self) -> InsurerKind:
        if len(self.digits) == 6:
            return InsurerKind.KOKUHO_KUMIAI if self.digits[2] == "3" else InsurerKind.KOKUHO
        return HOUBETSU_KINDS[self.digits[:2]]

    @property
    def wire(self) -> str:
        """8 characters, right-aligned with half-width spaces (as terminal files carry it)."""
        return self.digits.rjust(8)

    def __str__(self) -> str:
        return self.digits
