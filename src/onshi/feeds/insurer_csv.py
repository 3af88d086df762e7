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
import itertools
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

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
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import (
    ElderlyRecipientCertificate,
    LimitCertificate,
    MemberKey,
    Qualification,
    SpecificDiseaseCertificate,
)
from onshi.feeds import _bulk, _cells
from onshi.feeds._block import BlockValidator, RejectedRow, RowCheck, ValidatedBlock

__all__ = ["AcceptedRow", "FeedFormatError", "FeedReader", "RejectedRow", "ValidatedBlock", "parse_csv"]
from onshi.feeds._cells import CellParser
from onshi.feeds.text import FeedFormatError as FeedFormatError  # re-exported: the feed's refusal
from onshi.feeds.text import csv_records

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
LIST_SEPARATOR = "|"

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_DISEASE_COLUMNS = (
    "specific_diseases_disease_category",
    "specific_diseases_certificate_date",
    "specific_diseases_valid_start_date",
    "specific_diseases_valid_end_date",
    "specific_diseases_self_pay",
)

# How each column's cells are read. Specific-disease columns hold `|`-joined lists and are
# read as text here, then item by item in `_specific_diseases`.
PARSERS: dict[str, CellParser] = {
    "insurer_number": _cells.insurer,
    "insurer_name": _cells.text,
    "insured_card_classification": _cells.code(CardClassification, width=2),
    "insured_card_symbol": _cells.symbol,
    "insured_identification_number": _cells.number,
    "insured_branch_number": _cells.branch,
    "personal_family_classification": _cells.code(PersonalFamily),
    "insured_name": _cells.name,
    "name": _cells.name,
    "name_of_other": _cells.name,
    "name_kana": _cells.kana,
    "name_of_other_kana": _cells.kana,
    "sex1": _cells.code(Sex),
    "sex2": _cells.code(Sex),
    "birthdate": _cells.day,
    "address": _cells.text,
    "post_number": _cells.post_number,
    "qualification_date": _cells.day,
    "disqualification_date": _cells.day,
    "reason_of_loss": _cells.code(ReasonOfLoss, width=2),
    "insured_certificate_issuance_date": _cells.day,
    "insured_card_valid_date": _cells.day,
    "insured_card_expiration_date": _cells.day,
    "insured_partial_contribution_ratio": _cells.ratio,
    "preschool_classification": _cells.code(PreschoolClass),
    "elderly_recipient_certificate_date": _cells.day,
    "elderly_recipient_valid_start_date": _cells.day,
    "elderly_recipient_valid_end_date": _cells.day,
    "elderly_recipient_contribution_ratio": _cells.ratio,
    "limit_application_certificate_classification": _cells.code(LimitCertificateClass, width=2),
    "limit_application_certificate_classification_flag": _cells.code(LimitCategory),
    "limit_application_certificate_date": _cells.day,
    "limit_application_certificate_valid_start_date": _cells.day,
    "limit_application_certificate_valid_end_date": _cells.day,
    "limit_application_certificate_long_term_date": _cells.day,
    **{column: _cells.text for column in _DISEASE_COLUMNS},
    "individual_key": _cells.individual_key,
}


def snake_case(element_name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", element_name).lower()


@dataclass(frozen=True, slots=True)
class AcceptedRow:
    """A valid row: its parsed cell values keyed by column (domain-typed: InsurerNumber,
    enums, dates), plus `specific_diseases` as certificates. The bulk import stages these
    values directly; `qualification` gives the same row as a domain object."""

    line: int
    values: dict[str, Any]

    @property
    def insurer_number(self) -> InsurerNumber:
        number: InsurerNumber = self.values["insurer_number"]
        return number

    @property
    def qualification(self) -> Qualification:
        return qualification_from_values(self.values)


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


BLOCK_ROWS = 25_000
# Columns whose values repeat across a feed: their parsed values are cached per feed.
CACHEABLE = frozenset(
    column
    for column, parse in PARSERS.items()
    if parse is not _cells.name and parse is not _cells.kana and parse is not _cells.number
    and column not in ("address", "individual_key", "post_number")
)  # fmt: skip


class FeedReader:
    """Reads a feed: the header once, then validated blocks of rows (`next_block`).

    `columns` and `first_line` read a piece of a feed whose header is already known (the
    parallel import hands each worker a piece): line numbers stay those of the whole file."""

    def __init__(
        self, lines: Iterable[str], columns: Sequence[str] | None = None, first_line: int = 1
    ) -> None:
        self._reader = csv.reader(lines)
        self._records = csv_records(self._reader)
        self._line_offset = first_line - 1
        if columns is None:
            try:
                header = next(self._records)
            except StopIteration:
                raise FeedFormatError("the file is empty: a header row is required") from None
            columns = read_header(header)
        self.columns = list(columns)
        self._validator = BlockValidator(
            self.columns, PARSERS, CACHEABLE, REQUIRED_COLUMNS, ROW_CHECKS, _bulk.BULK
        )

    def next_block(self, size: int = BLOCK_ROWS) -> ValidatedBlock | None:
        """The next `size` records, validated; None at the end of the file."""
        reader = self._reader
        start = reader.line_num + 1 + self._line_offset
        records = list(itertools.islice(self._records, size))
        if not records:
            return None
        if reader.line_num + self._line_offset - start + 1 == len(records):
            lines = list(range(start, start + len(records)))  # one line per record: no quoted line breaks
        else:
            lines = self._line_numbers(records, start)
        width = len(self.columns)
        rows: list[list[str]] = []
        row_lines: list[int] = []
        malformed: list[RejectedRow] = []
        for line, row in zip(lines, records, strict=True):
            if len(row) == width and row[0]:
                rows.append(row)
                row_lines.append(line)
            elif "".join(row).strip():
                if len(row) == width:
                    rows.append(row)
                    row_lines.append(line)
                else:
                    malformed.append(_wrong_width(line, len(row), width))
            # else: a blank line, or one of separators only
        block = self._validator.validate(row_lines, rows)
        if malformed:
            block.rejected = sorted(block.rejected + malformed, key=lambda rejected: rejected.line)
            block.rows_read += len(malformed)
        return block

    def _line_numbers(self, records: list[list[str]], start: int) -> list[int]:
        """Where each record starts, when some span several lines: count the line breaks
        inside their quoted cells."""
        lines = []
        line = start
        for record in records:
            lines.append(line)
            line += 1 + sum(cell.count("\n") for cell in record)
        return lines


def refuse_other_insurers(block: ValidatedBlock, allowed: Collection[str]) -> None:
    """Reject the block's rows for insurers a credential may not load (an insurer's own key)."""
    numbers = block.columns.get("insurer_number", [])

    def refused(index: int) -> InvalidValue | None:
        number = numbers[index].digits
        if number in allowed:
            return None
        return InvalidValue(
            "insurer_number",
            Problem.FORBIDDEN_CONTENT,
            f"この認証情報では保険者 {number} のデータを登録できません",
            f"this credential may not load data of insurer {number}",
        )

    block.refuse(refused)


def _wrong_width(line: int, cells: int, width: int) -> RejectedRow:
    problem = InvalidValue(
        "row",
        Problem.BAD_FORMAT,
        f"列数が見出しと異なります（{cells}列、見出しは{width}列）",
        f"{cells} cells where the header has {width}",
    )
    return RejectedRow(line, (problem,))


def parse_csv(lines: Iterable[str], block_rows: int = 1024) -> Iterator[AcceptedRow | RejectedRow]:
    """Validate every data row of a feed, row by row, in file order (the import reads blocks)."""
    reader = FeedReader(lines)
    while (block := reader.next_block(block_rows)) is not None:
        rows: list[AcceptedRow | RejectedRow] = [*accepted_rows(block), *block.rejected]
        yield from sorted(rows, key=lambda row: row.line)


def accepted_rows(block: ValidatedBlock) -> Iterator[AcceptedRow]:
    """The accepted rows of a block, one by one, with their values keyed by column."""
    columns = [(column, values) for column, values in block.columns.items()]
    for index, line in enumerate(block.lines):
        values = {column: values[index] for column, values in columns if values[index] is not None}
        yield AcceptedRow(line, _with_groups(values))


def parse_row(line: int, cells: dict[str, str]) -> AcceptedRow | RejectedRow:
    """One row given as column → raw text (for callers that do not read CSV)."""
    validator = BlockValidator(list(cells), PARSERS, frozenset(), REQUIRED_COLUMNS, ROW_CHECKS)
    block = validator.validate([line], [list(cells.values())])
    if block.rejected:
        return block.rejected[0]
    return next(accepted_rows(block))


def _with_groups(values: dict[str, Any]) -> dict[str, Any]:
    """Adds the certificate objects a domain Qualification carries."""
    if values.keys() & _ELDERLY_COLUMNS:
        values["elderly"] = ElderlyRecipientCertificate(*(values.get(column) for column in _ELDERLY_COLUMNS))
    if values.keys() & _LIMIT_COLUMNS:
        values["limit"] = LimitCertificate(*(values.get(column) for column in _LIMIT_COLUMNS))
    values.setdefault("specific_diseases", ())
    return values


def qualification_from_values(values: dict[str, Any]) -> Qualification:
    """The domain object of an accepted row's values."""
    return Qualification(
        key=MemberKey(
            values["insurer_number"],
            values.get("insured_card_symbol", ""),
            values["insured_identification_number"],
            values.get("insured_branch_number"),
        ),
        insurer_name=values.get("insurer_name", ""),
        name=values["name"],
        name_kana=values["name_kana"],
        sex1=values["sex1"],
        birthdate=values["birthdate"],
        qualification_date=values["qualification_date"],
        card_classification=values.get("insured_card_classification", CardClassification.GENERAL),
        disqualification_date=values.get("disqualification_date"),
        reason_of_loss=values.get("reason_of_loss"),
        personal_family=values.get("personal_family_classification"),
        insured_name=values.get("insured_name"),
        name_of_other=values.get("name_of_other"),
        name_of_other_kana=values.get("name_of_other_kana"),
        sex2=values.get("sex2"),
        address=values.get("address"),
        post_number=values.get("post_number"),
        card_issued_on=values.get("insured_certificate_issuance_date"),
        card_valid_from=values.get("insured_card_valid_date"),
        card_valid_to=values.get("insured_card_expiration_date"),
        copay_percent=values.get("insured_partial_contribution_ratio"),
        preschool="preschool_classification" in values,
        elderly=values.get("elderly"),
        limit=values.get("limit"),
        specific_diseases=values.get("specific_diseases", ()),
        individual_key=values.get("individual_key"),
    )


_ELDERLY_COLUMNS = (
    "elderly_recipient_certificate_date",
    "elderly_recipient_valid_start_date",
    "elderly_recipient_valid_end_date",
    "elderly_recipient_contribution_ratio",
)
_LIMIT_COLUMNS = tuple(
    "limit_application_certificate_" + part
    for part in (
        "classification",
        "classification_flag",
        "date",
        "valid_start_date",
        "valid_end_date",
        "long_term_date",
    )
)


Columns = dict[str, list[Any]]
RowErrors = dict[int, list[InvalidValue]]


def _inconsistent(column: str, message_ja: str, message_en: str) -> InvalidValue:
    return InvalidValue(column, Problem.INCONSISTENT, message_ja, message_en)


def _range_check(start: str, end: str) -> RowCheck:
    def check(parsed: Columns, rows: list[int], _: RowErrors) -> Iterator[tuple[int, InvalidValue]]:
        begins, ends = parsed.get(start), parsed.get(end)
        if begins is None or ends is None:
            return
        for index in rows:
            if begins[index] is not None and ends[index] is not None and ends[index] < begins[index]:
                yield index, _inconsistent(end, "有効終了日が開始日より前です", "ends before it starts")

    return check


def _acquired_after_birth(
    parsed: Columns, rows: list[int], _: RowErrors
) -> Iterator[tuple[int, InvalidValue]]:
    born, acquired = parsed["birthdate"], parsed["qualification_date"]
    for index in [i for i, (b, a) in enumerate(zip(born, acquired, strict=True)) if b and a and a < b]:
        yield (
            index,
            _inconsistent(
                "qualification_date",
                "資格取得年月日が生年月日より前です",
                "qualification starts before birth",
            ),
        )


def _lost_after_acquired(
    parsed: Columns, rows: list[int], _: RowErrors
) -> Iterator[tuple[int, InvalidValue]]:
    acquired, lost = parsed["qualification_date"], parsed["disqualification_date"]
    for index in rows:
        if acquired[index] is not None and lost[index] < acquired[index]:
            yield (
                index,
                _inconsistent(
                    "disqualification_date",
                    "資格喪失年月日が資格取得年月日より前です",
                    "qualification ends before it starts",
                ),
            )


def _reason_needs_loss(
    parsed: Columns, rows: list[int], errors: RowErrors
) -> Iterator[tuple[int, InvalidValue]]:
    lost = parsed.get("disqualification_date")
    for index in rows:
        if lost is not None and lost[index] is not None:
            continue
        if not any(error.field == "disqualification_date" for error in errors.get(index, ())):
            yield (
                index,
                _inconsistent(
                    "reason_of_loss",
                    "資格喪失事由がありますが資格喪失年月日がありません",
                    "a reason of loss without a disqualification date",
                ),
            )


def _specific_diseases(parsed: Columns, rows: list[int], _: RowErrors) -> Iterator[tuple[int, InvalidValue]]:
    """Parses the `|`-joined certificate lists into the derived column `specific_diseases`."""
    derived = parsed.setdefault("specific_diseases", [()] * len(parsed[_DISEASE_COLUMNS[0]]))
    for index in rows:
        certificates, found = _diseases_of_row(parsed, index)
        derived[index] = certificates
        yield from ((index, error) for error in found)


def _diseases_of_row(
    parsed: Columns, index: int
) -> tuple[tuple[SpecificDiseaseCertificate, ...], list[InvalidValue]]:
    lists = [str(parsed[column][index] or "").split(LIST_SEPARATOR) if column in parsed else [""]
             for column in _DISEASE_COLUMNS]  # fmt: skip
    count = len(lists[0])
    if any(len(items) not in (1, count) and items != [""] for items in lists[1:]):
        message = (
            "特定疾病の各列の件数（| 区切り）が一致しません",
            "specific_diseases_* columns list different numbers of certificates",
        )
        return (), [_inconsistent(_DISEASE_COLUMNS[0], *message)]
    parsers: tuple[CellParser, ...] = (_DISEASE_CATEGORY, _cells.day, _cells.day, _cells.day, _cells.self_pay)
    certificates: list[SpecificDiseaseCertificate] = []
    errors: list[InvalidValue] = []
    for position in range(count):
        item: list[Any] = []
        found: list[InvalidValue] = []
        for column, items, parse in zip(_DISEASE_COLUMNS, lists, parsers, strict=True):
            raw = items[position] if position < len(items) else ""
            try:
                item.append(parse(raw) if raw.strip() else None)
            except InvalidValue as error:
                found.append(error.with_field(column))
                item.append(None)
        if item[0] is None and not any(e.field == _DISEASE_COLUMNS[0] for e in found):
            found.append(
                InvalidValue(
                    _DISEASE_COLUMNS[0], Problem.REQUIRED, "必須項目が空です", "required value is missing"
                )
            )
        errors.extend(found)
        if not found:
            certificates.append(SpecificDiseaseCertificate(*item))
    return tuple(certificates), errors


_DISEASE_CATEGORY = _cells.code(SpecificDisease)

# The checks that span cells, each with the columns whose presence makes it apply.
ROW_CHECKS: tuple[tuple[tuple[str, ...], RowCheck], ...] = (
    (_ELDERLY_COLUMNS[1:3], _range_check(_ELDERLY_COLUMNS[1], _ELDERLY_COLUMNS[2])),
    (_LIMIT_COLUMNS[3:5], _range_check(_LIMIT_COLUMNS[3], _LIMIT_COLUMNS[4])),
    (("birthdate",), _acquired_after_birth),
    (("disqualification_date",), _lost_after_acquired),
    (("reason_of_loss",), _reason_needs_loss),
    ((_DISEASE_COLUMNS[0],), _specific_diseases),
)
