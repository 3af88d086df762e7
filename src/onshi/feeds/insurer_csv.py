"""The insurer feed: UTF-8 CSV whose header names are the snake_case forms of the
ResultOfQualificationConfirmation element names (wire-spec.md §5.2.1).

One row is one qualification period of one insured person. Rows are validated one by one;
a bad row is reported with its line number and every reason, and the other rows still load.
Accepted on input, and documented in docs/insurer-feed.md:

* headers in snake_case (`insurer_number`) or as the element names (`InsurerNumber`);
* an optional UTF-8 BOM (Excel);
* dates as YYYYMMDD, YYYY-MM-DD, YYYY/MM/DD or 和暦 (R6.4.1, 令和6年4月1日);
* ratios as 3-digit percent (`030`) or percent (`30`);
* several 特定疾病 certificates in one row, the specific_diseases_* columns joined by `|`;
* the extension column `individual_key`: an opaque per-person key linking one human's
  qualifications across insurers (never the My Number: a 12-digit number is refused).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import lru_cache
from typing import TypeVar

from onshi.domain.codes import (
    CardClassification,
    LimitCategory,
    LimitCertificateClass,
    PersonalFamily,
    PreschoolClass,
    ReasonOfLoss,
    Sex,
    SpecificDisease,
)
from onshi.domain.dates import parse_flexible_date
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerNumber
from onshi.domain.names import clean_kana, clean_name
from onshi.domain.qualification import (
    ElderlyRecipientCertificate,
    LimitCertificate,
    MemberKey,
    Qualification,
    SpecificDiseaseCertificate,
)

E = TypeVar("E", bound=StrEnum)
T = TypeVar("T")

REQUIRED_COLUMNS = (
    "insurer_number",
    "insured_identification_number",
    "name",
    "name_kana",
    "sex1",
    "birthdate",
    "qualification_date",
)
OPTIONAL_COLUMNS = (
    "insurer_name",
    "insured_card_classification",
    "insured_card_symbol",
    "insured_branch_number",
    "personal_family_classification",
    "insured_name",
    "name_of_other",
    "name_of_other_kana",
    "sex2",
    "address",
    "post_number",
    "disqualification_date",
    "reason_of_loss",
    "insured_certificate_issuance_date",
    "insured_card_valid_date",
    "insured_card_expiration_date",
    "insured_partial_contribution_ratio",
    "preschool_classification",
    "elderly_recipient_certificate_date",
    "elderly_recipient_valid_start_date",
    "elderly_recipient_valid_end_date",
    "elderly_recipient_contribution_ratio",
    "limit_application_certificate_classification",
    "limit_application_certificate_classification_flag",
    "limit_application_certificate_date",
    "limit_application_certificate_valid_start_date",
    "limit_application_certificate_valid_end_date",
    "limit_application_certificate_long_term_date",
    "specific_diseases_disease_category",
    "specific_diseases_certificate_date",
    "specific_diseases_valid_start_date",
    "specific_diseases_valid_end_date",
    "specific_diseases_self_pay",
)
EXTENSION_COLUMNS = ("individual_key",)
ALL_COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS + EXTENSION_COLUMNS
MAX_TEXT_LENGTH = 200
LIST_SEPARATOR = "|"

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_POST_NUMBER = re.compile(r"^(\d{3})-?(\d{4})$")
_INDIVIDUAL_KEY = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


def snake_case(element_name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", element_name).lower()


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int  # physical line number in the file (the header is line 1)
    errors: tuple[InvalidValue, ...]

    @property
    def reason_ja(self) -> str:
        return "; ".join(f"{e.field}: {e.message_ja}" for e in self.errors)

    @property
    def reason_en(self) -> str:
        return "; ".join(f"{e.field}: {e.message_en}" for e in self.errors)


@dataclass(frozen=True, slots=True)
class AcceptedRow:
    line: int
    qualification: Qualification


class FeedFormatError(ValueError):
    """The file as a whole cannot be read (no header, unknown or missing columns)."""


def read_header(header: list[str]) -> list[str]:
    """Column names in canonical snake_case; raises FeedFormatError on unknown or missing ones."""
    columns = [snake_case(name.strip().lstrip("\ufeff")) for name in header]
    unknown = [c for c in columns if c not in ALL_COLUMNS]
    if unknown:
        raise FeedFormatError(f"unknown columns: {', '.join(unknown)} (see docs/insurer-feed.md)")
    missing = [c for c in REQUIRED_COLUMNS if c not in columns]
    if missing:
        raise FeedFormatError(f"missing required columns: {', '.join(missing)}")
    duplicated = sorted({c for c in columns if columns.count(c) > 1})
    if duplicated:
        raise FeedFormatError(f"duplicated columns: {', '.join(duplicated)}")
    return columns


def parse_csv(lines: Iterable[str]) -> Iterator[AcceptedRow | RejectedRow]:
    """Validate every data row of a feed. `lines` are text lines (e.g. an open text file)."""
    reader = csv.reader(lines)
    try:
        header = next(reader)
    except StopIteration:
        raise FeedFormatError("the file is empty: a header row is required") from None
    columns = read_header(header)
    width = len(columns)
    for row in reader:
        line = reader.line_num
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != width:
            problem = InvalidValue(
                "row",
                Problem.BAD_FORMAT,
                f"列数が見出しと異なります（{len(row)}列、見出しは{width}列）",
                f"{len(row)} cells where the header has {width}",
            )
            yield RejectedRow(line, (problem,))
            continue
        yield parse_row(line, dict(zip(columns, row, strict=True)))


def parse_row(line: int, cells: dict[str, str]) -> AcceptedRow | RejectedRow:
    row = _Row(cells)
    qualification = row.build()
    if row.errors:
        return RejectedRow(line, tuple(row.errors))
    assert qualification is not None
    return AcceptedRow(line, qualification)


# Stand-ins while a row with errors is assembled; such a row is never returned.
_PLACEHOLDER_INSURER = InsurerNumber("00000000")
_NO_DATE = date.min


@lru_cache(maxsize=4096)
def _insurer(text: str) -> InsurerNumber:
    return InsurerNumber.parse(text)


@lru_cache(maxsize=65536)
def _date(text: str) -> date:
    return parse_flexible_date(text)


class _Row:
    """Reads one row's cells, collecting every error instead of stopping at the first."""

    def __init__(self, cells: dict[str, str]) -> None:
        self.cells = cells
        self.errors: list[InvalidValue] = []

    def text(self, column: str) -> str | None:
        value = self.cells.get(column, "").strip()
        if not value:
            return None
        if len(value) > MAX_TEXT_LENGTH:
            self.errors.append(
                InvalidValue(
                    column,
                    Problem.TOO_LONG,
                    f"{MAX_TEXT_LENGTH}文字以内です",
                    f"longer than {MAX_TEXT_LENGTH}",
                )
            )
            return None
        if any(not char.isprintable() and char != "\u3000" for char in value):
            self.errors.append(
                InvalidValue(column, Problem.BAD_FORMAT, "制御文字が含まれています", "control characters")
            )
            return None
        return value

    def required(self, column: str) -> str:
        value = self.text(column)
        if value is None and not any(e.field == column for e in self.errors):
            self.errors.append(
                InvalidValue(column, Problem.REQUIRED, "必須項目が空です", "required value is missing")
            )
        return value or ""

    def convert(self, column: str, converter: Callable[[str], T], raw: str | None) -> T | None:
        if raw is None:
            return None
        try:
            return converter(raw)
        except InvalidValue as error:
            self.errors.append(error.with_field(column))
            return None

    def day(self, column: str, required: bool = False) -> date | None:
        raw = self.required(column) if required else self.text(column)
        return self.convert(column, _date, raw or None)

    def code(self, column: str, enum: type[E], width: int = 0, required: bool = False) -> E | None:
        raw = self.required(column) if required else self.text(column)
        if not raw:
            return None
        value = raw.zfill(width) if width and raw.isdigit() else raw.upper()
        try:
            return enum(value)
        except ValueError:
            allowed = ", ".join(member.value for member in enum)
            self.errors.append(
                InvalidValue(
                    column,
                    Problem.UNKNOWN_CODE,
                    f"未定義のコードです: {raw!r}（{allowed}）",
                    f"unknown code {raw!r} (allowed: {allowed})",
                )
            )
            return None

    def ratio(self, column: str) -> int | None:
        raw = self.text(column)
        if raw is None:
            return None
        if raw.isdigit() and int(raw) in (10, 20, 30):
            return int(raw)
        self.errors.append(
            InvalidValue(
                column,
                Problem.UNKNOWN_CODE,
                f"負担割合は010/020/030（または10/20/30）です: {raw!r}",
                f"a ratio is 010, 020 or 030: {raw!r}",
            )
        )
        return None

    def build(self) -> Qualification | None:
        insurer = self.convert("insurer_number", _insurer, self.required("insurer_number"))
        symbol = self.convert("insured_card_symbol", parse_symbol, self.text("insured_card_symbol") or "")
        number = self.convert(
            "insured_identification_number", parse_number, self.required("insured_identification_number")
        )
        branch = self.convert("insured_branch_number", parse_branch, self.text("insured_branch_number"))
        name = self.required("name")
        name_kana = self.required("name_kana")
        sex1 = self.code("sex1", Sex, required=True)
        birthdate = self.day("birthdate", required=True)
        qualification_date = self.day("qualification_date", required=True)
        disqualification_date = self.day("disqualification_date")
        reason_of_loss = self.code("reason_of_loss", ReasonOfLoss, width=2)
        name_of_other = self.text("name_of_other")
        name_of_other_kana = self.text("name_of_other_kana")
        insured_name = self.text("insured_name")
        qualification = Qualification(
            key=MemberKey(insurer or _PLACEHOLDER_INSURER, symbol or "", number or "", branch),
            insurer_name=self.text("insurer_name") or "",
            name=clean_name(name),
            name_kana=clean_kana(name_kana),
            sex1=sex1 or Sex.UNSET,
            birthdate=birthdate or _NO_DATE,
            qualification_date=qualification_date or _NO_DATE,
            card_classification=self.code("insured_card_classification", CardClassification, width=2)
            or CardClassification.GENERAL,
            disqualification_date=disqualification_date,
            reason_of_loss=reason_of_loss,
            personal_family=self.code("personal_family_classification", PersonalFamily),
            insured_name=clean_name(insured_name) if insured_name else None,
            name_of_other=clean_name(name_of_other) if name_of_other else None,
            name_of_other_kana=clean_kana(name_of_other_kana) if name_of_other_kana else None,
            sex2=self.code("sex2", Sex),
            address=self.text("address"),
            post_number=self._post_number(),
            card_issued_on=self.day("insured_certificate_issuance_date"),
            card_valid_from=self.day("insured_card_valid_date"),
            card_valid_to=self.day("insured_card_expiration_date"),
            copay_percent=self.ratio("insured_partial_contribution_ratio"),
            preschool=self.code("preschool_classification", PreschoolClass) is not None,
            elderly=self._elderly(),
            limit=self._limit(),
            specific_diseases=self._specific_diseases(),
            individual_key=self._individual_key(),
        )
        self._check_consistency(birthdate, qualification_date, disqualification_date, reason_of_loss)
        return None if self.errors else qualification

    def _post_number(self) -> str | None:
        raw = self.text("post_number")
        if raw is None:
            return None
        match = _POST_NUMBER.match(raw.replace("〒", "").replace("－", "-").strip())
        if not match:
            self.errors.append(
                InvalidValue(
                    "post_number", Problem.BAD_FORMAT, "郵便番号はNNN-NNNNです", "post number is NNN-NNNN"
                )
            )
            return None
        return f"{match[1]}-{match[2]}"

    def _individual_key(self) -> str | None:
        raw = self.text("individual_key")
        if raw is None:
            return None
        if raw.isdigit() and len(raw) == 12:
            self.errors.append(
                InvalidValue(
                    "individual_key",
                    Problem.FORBIDDEN_CONTENT,
                    "12桁の数字は個人番号の可能性があるため受け付けません",
                    "a 12-digit number may be a My Number and is refused",
                )
            )
            return None
        if not _INDIVIDUAL_KEY.match(raw):
            self.errors.append(
                InvalidValue(
                    "individual_key",
                    Problem.BAD_FORMAT,
                    "英数字と _ . : - の64文字以内です",
                    "1-64 characters of A-Z a-z 0-9 _ . : -",
                )
            )
            return None
        return raw

    def _elderly(self) -> ElderlyRecipientCertificate | None:
        certificate = ElderlyRecipientCertificate(
            issued_on=self.day("elderly_recipient_certificate_date"),
            valid_from=self.day("elderly_recipient_valid_start_date"),
            valid_to=self.day("elderly_recipient_valid_end_date"),
            copay_percent=self.ratio("elderly_recipient_contribution_ratio"),
        )
        self._check_range("elderly_recipient_valid_end_date", certificate.valid_from, certificate.valid_to)
        return certificate if certificate != ElderlyRecipientCertificate() else None

    def _limit(self) -> LimitCertificate | None:
        prefix = "limit_application_certificate_"
        certificate = LimitCertificate(
            classification=self.code(prefix + "classification", LimitCertificateClass, width=2),
            category=self.code(prefix + "classification_flag", LimitCategory),
            issued_on=self.day(prefix + "date"),
            valid_from=self.day(prefix + "valid_start_date"),
            valid_to=self.day(prefix + "valid_end_date"),
            long_term_from=self.day(prefix + "long_term_date"),
        )
        self._check_range(prefix + "valid_end_date", certificate.valid_from, certificate.valid_to)
        return certificate if certificate != LimitCertificate() else None

    def _specific_diseases(self) -> tuple[SpecificDiseaseCertificate, ...]:
        columns = (
            "specific_diseases_disease_category",
            "specific_diseases_certificate_date",
            "specific_diseases_valid_start_date",
            "specific_diseases_valid_end_date",
            "specific_diseases_self_pay",
        )
        lists = [(self.cells.get(column) or "").split(LIST_SEPARATOR) for column in columns]
        count = len(lists[0]) if lists[0] != [""] else 0
        if any(len(values) not in (1, count) and values != [""] for values in lists[1:]):
            self.errors.append(
                InvalidValue(
                    "specific_diseases_disease_category",
                    Problem.INCONSISTENT,
                    "特定疾病の各列の件数（| 区切り）が一致しません",
                    "specific_diseases_* columns list different numbers of certificates",
                )
            )
            return ()
        return tuple(self._specific_disease(index, columns) for index in range(count))

    def _specific_disease(self, index: int, columns: tuple[str, ...]) -> SpecificDiseaseCertificate:
        def cell(column: str) -> str | None:
            values = (self.cells.get(column) or "").split(LIST_SEPARATOR)
            return values[index].strip() if index < len(values) and values[index].strip() else None

        row = _Row({column: cell(column) or "" for column in columns})
        category = row.code(columns[0], SpecificDisease, required=True)
        self_pay = row.text(columns[4])
        certificate = SpecificDiseaseCertificate(
            category=category or SpecificDisease.DIALYSIS,
            issued_on=row.day(columns[1]),
            valid_from=row.day(columns[2]),
            valid_to=row.day(columns[3]),
            self_pay_limit_yen=int(self_pay) if self_pay and self_pay.isdigit() else None,
        )
        if self_pay and not self_pay.isdigit():
            row.errors.append(
                InvalidValue(
                    columns[4], Problem.BAD_FORMAT, "自己負担限度額は円単位の整数です", "yen as an integer"
                )
            )
        self.errors.extend(row.errors)
        return certificate

    def _check_range(self, column: str, start: date | None, end: date | None) -> None:
        if start is not None and end is not None and end < start:
            self.errors.append(
                InvalidValue(
                    column, Problem.INCONSISTENT, "有効終了日が開始日より前です", "ends before it starts"
                )
            )

    def _check_consistency(
        self,
        birthdate: date | None,
        qualification_date: date | None,
        disqualification_date: date | None,
        reason_of_loss: ReasonOfLoss | None,
    ) -> None:
        if birthdate and qualification_date and qualification_date < birthdate:
            self.errors.append(
                InvalidValue(
                    "qualification_date",
                    Problem.INCONSISTENT,
                    "資格取得年月日が生年月日より前です",
                    "qualification starts before birth",
                )
            )
        if qualification_date and disqualification_date and disqualification_date < qualification_date:
            self.errors.append(
                InvalidValue(
                    "disqualification_date",
                    Problem.INCONSISTENT,
                    "資格喪失年月日が資格取得年月日より前です",
                    "qualification ends before it starts",
                )
            )
        if (
            reason_of_loss is not None
            and disqualification_date is None
            and not any(e.field == "disqualification_date" for e in self.errors)
        ):
            self.errors.append(
                InvalidValue(
                    "reason_of_loss",
                    Problem.INCONSISTENT,
                    "資格喪失事由がありますが資格喪失年月日がありません",
                    "a reason of loss without a disqualification date",
                )
            )
