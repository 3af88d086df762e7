"""Public-expense feeds (docs/public-expense.md): payers, recipients and medical-aid tickets as
UTF-8 CSV with a header row, one record per row.

A bad cell rejects its row with the line and every reason; the other rows load. Unknown
columns are refused, so a misspelt column never silently drops data. Checks that need the
registry (is the payer registered, is the recipient known) are the import's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from functools import partial
from typing import Any

from onshi.domain.codes import MedicalTreatmentType, Presence, Sex, SingleOrCombined, TicketType
from onshi.domain.dates import month_end, parse_wire_month
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.public_expense import (
    CareSetting,
    CopayTerms,
    Identity,
    MedicalTicket,
    PayerNumber,
    PayerRecord,
    ProgrammeKind,
    RecipientNumber,
    check_period,
)
from onshi.domain.qualification import MemberKey
from onshi.feeds import _cells
from onshi.feeds._block import RejectedRow
from onshi.feeds._table import (
    Cell,
    Column,
    blank_or,
    check_header,
    parse_cells,
    records,
    required,
    unknown_feed,
)
from onshi.feeds.text import FeedFormatError as FeedFormatError  # re-exported: the feed's refusal


def _bounded(low: int, high: int, what_ja: str) -> Cell:
    def parse(raw: str) -> int:
        if not raw.isdecimal() or not low <= int(raw) <= high:
            raise InvalidValue(
                "", Problem.BAD_FORMAT, f"{what_ja}は{low}〜{high}の整数です", f"a whole number {low}–{high}"
            )
        return int(raw)

    return blank_or(parse)


def _flag(raw: str) -> bool:
    if raw not in ("0", "1"):
        raise InvalidValue("", Problem.UNKNOWN_CODE, "0 または 1 です", "0 or 1")
    return raw == "1"


def _facility_types(raw: str) -> frozenset[FacilityType]:
    values = [v for v in raw.replace(",", " ").split() if v]
    try:
        return frozenset(FacilityType(v) for v in values)
    except ValueError:
        shown = " ".join(t.value for t in FacilityType)
        raise InvalidValue(
            "", Problem.UNKNOWN_CODE, f"{shown} の組み合わせです", f"some of {shown}"
        ) from None


def _short(width: int) -> Cell:
    def parse(raw: str) -> str:
        if len(raw) > width or not raw.isascii() or not raw.isalnum():
            raise InvalidValue(
                "", Problem.BAD_FORMAT, f"英数字{width}桁以内です", f"up to {width} letters/digits"
            )
        return raw

    return blank_or(parse)


_YEN = _bounded(0, 10_000_000, "金額（円）")
_PERCENT = _bounded(0, 100, "負担割合（%）")

PAYER_CELLS: dict[str, Column] = {
    "payer_number": required(blank_or(PayerNumber.parse)),
    "name": required(_cells.text),
    "programme_name": Column(_cells.text),
    "participating": Column(blank_or(_flag)),
    "outpatient": Column(blank_or(_flag)),
    "inpatient": Column(blank_or(_flag)),
    "facility_types": Column(blank_or(_facility_types)),
    "copay_percent": Column(_PERCENT),
    "per_visit_yen": Column(_YEN),
    "monthly_cap_yen": Column(_YEN),
}
RECIPIENT_CELLS: dict[str, Column] = {
    "payer_number": required(blank_or(PayerNumber.parse)),
    "recipient_number": required(blank_or(RecipientNumber.parse)),
    "valid_from": required(_cells.day),
    "valid_to": Column(_cells.day),
    "name": required(_cells.name),
    "name_kana": required(_cells.kana),
    "birthdate": required(_cells.day),
    "sex": required(_cells.code(Sex)),
    "address": Column(_cells.text),
    "post_number": Column(_cells.post_number),
    "insurer_number": Column(_cells.insurer),
    "symbol": Column(_cells.symbol),
    "number": Column(_cells.number),
    "branch": Column(_cells.branch),
    "individual_key": Column(_cells.individual_key),
    "copay_percent": Column(_PERCENT),
    "per_visit_yen": Column(_YEN),
    "monthly_cap_yen": Column(_YEN),
    "income_category": Column(_cells.text),
}
TICKET_CELLS: dict[str, Column] = {
    "payer_number": required(blank_or(PayerNumber.parse)),
    "recipient_number": required(blank_or(RecipientNumber.parse)),
    "ticket_type": required(_cells.code(TicketType, 2)),
    "treatment_month": required(blank_or(parse_wire_month)),
    "valid_from": Column(_cells.day),
    "valid_to": Column(_cells.day),
    "issue_number": required(_short(20)),
    "facility_code": required(blank_or(lambda raw: FacilityCode.parse(raw, "facility_code").digits)),
    "facility_name": required(_cells.text),
    "treatment_type": required(_cells.code(MedicalTreatmentType, 2)),
    "self_pay_yen": Column(_YEN),
    "injury_name1": Column(_cells.text),
    "injury_name2": Column(_cells.text),
    "injury_name3": Column(_cells.text),
    "prescriber_code": Column(blank_or(lambda raw: FacilityCode.parse(raw, "prescriber_code").digits)),
    "prescriber_name": Column(_cells.text),
    "district_contact": Column(_cells.text),
    "handling_contact": Column(_cells.text),
    "single_or_combined": Column(_cells.code(SingleOrCombined, 2)),
    "social_insurance": Column(_cells.code(Presence, 2)),
    "infection": Column(_cells.code(Presence, 2)),
    "elderly_care": Column(_cells.code(Presence, 2)),
    "prefectural": Column(_cells.code(Presence, 2)),
    "remarks1": Column(_cells.text),
    "remarks2": Column(_cells.text),
    "remarks3": Column(_cells.text),
}
CELLS = {"payers": PAYER_CELLS, "recipients": RECIPIENT_CELLS, "tickets": TICKET_CELLS}
FEEDS = tuple(CELLS)


@dataclass(frozen=True, slots=True)
class RecipientRow:
    """A recipient as the row gives it; the import attaches the registered payer."""

    payer: PayerNumber
    recipient: RecipientNumber
    valid_from: date
    valid_to: date | None
    identity: Identity
    terms: CopayTerms
    insured: MemberKey | None
    individual_key: str | None
    income_category: str | None


Record = PayerRecord | RecipientRow | MedicalTicket


@dataclass(frozen=True, slots=True)
class FeedRow:
    line: int
    record: Record


def read_header(feed: str, header: list[str]) -> list[str]:
    return check_header(feed, header, CELLS[feed])


def parse_csv(feed: str, lines: Iterable[str]) -> Iterator[FeedRow | RejectedRow]:
    if feed not in CELLS:
        raise unknown_feed(feed, FEEDS)
    for record in records(lines, partial(read_header, feed)):
        yield record if isinstance(record, RejectedRow) else parse_row(feed, *record)


def parse_row(feed: str, line: int, cells: Mapping[str, str]) -> FeedRow | RejectedRow:
    values, errors = parse_cells(cells, CELLS[feed])
    if errors:
        return RejectedRow(line, tuple(errors))
    try:
        return FeedRow(line, _BUILDERS[feed](values))
    except InvalidValue as error:
        return RejectedRow(line, (error,))


def _terms(v: dict[str, Any]) -> CopayTerms:
    return CopayTerms(v["copay_percent"], v["per_visit_yen"], v["monthly_cap_yen"])


def _payer(v: dict[str, Any]) -> PayerRecord:
    settings = {CareSetting.OUTPATIENT: v["outpatient"], CareSetting.INPATIENT: v["inpatient"]}
    chosen: frozenset[CareSetting] | None = None
    if any(flag is not None for flag in settings.values()):
        chosen = frozenset(setting for setting, flag in settings.items() if flag)
        if not chosen:
            raise InvalidValue(
                "inpatient", Problem.INCONSISTENT, "入院・入院外のどちらも対象外になっています",
                "covers neither inpatient nor outpatient care",
            )  # fmt: skip
    terms = _terms(v)
    return PayerRecord(
        v["payer_number"], v["name"], v["participating"] is not False, v["programme_name"],
        terms if terms != CopayTerms() else None, chosen, v["facility_types"],
    )  # fmt: skip


def _insured(v: dict[str, Any]) -> MemberKey | None:
    if v["insurer_number"] is None and v["number"] is None:
        if v["symbol"] or v["branch"]:
            raise InvalidValue(
                "insurer_number", Problem.REQUIRED, "記号・枝番には保険者番号と番号が必要です",
                "a symbol or branch needs the insurer number and number",
            )  # fmt: skip
        return None
    if v["insurer_number"] is None or v["number"] is None:
        missing = "insurer_number" if v["insurer_number"] is None else "number"
        raise InvalidValue(
            missing, Problem.REQUIRED, "医療保険の保険者番号と番号は両方必要です",
            "the insurer number and the card number go together",
        )  # fmt: skip
    return MemberKey(v["insurer_number"], v["symbol"] or "", v["number"], v["branch"])


def _recipient(v: dict[str, Any]) -> RecipientRow:
    check_period(v["valid_from"], v["valid_to"])
    identity = Identity(v["name"], v["name_kana"], v["birthdate"], v["sex"], v["address"], v["post_number"])
    return RecipientRow(
        v["payer_number"], v["recipient_number"], v["valid_from"], v["valid_to"], identity, _terms(v),
        _insured(v), v["individual_key"], v["income_category"],
    )  # fmt: skip


def _ticket(v: dict[str, Any]) -> MedicalTicket:
    payer: PayerNumber = v["payer_number"]
    if payer.programme.kind is not ProgrammeKind.MEDICAL_AID:
        raise InvalidValue(
            "payer_number", Problem.INCONSISTENT, "医療券・調剤券は医療扶助（法別12・25）の公費負担者のみです",
            "tickets belong to medical aid (law codes 12 and 25) only",
        )  # fmt: skip
    month: date = v["treatment_month"]
    start, end = v["valid_from"] or month, v["valid_to"] or month_end(month)
    if not (month <= start <= end <= month_end(month)):
        raise InvalidValue(
            "valid_to", Problem.INCONSISTENT, "有効期間が診療年月の中にありません",
            "the validity period must lie within the treatment month",
        )  # fmt: skip
    return MedicalTicket(
        payer, v["recipient_number"], v["ticket_type"], month, start, end, v["issue_number"],
        v["facility_code"], v["facility_name"], v["treatment_type"], v["self_pay_yen"],
        _texts(v, "injury_name"), v["prescriber_code"], v["prescriber_name"],
        v["district_contact"], v["handling_contact"], v["single_or_combined"], v["social_insurance"],
        v["infection"], v["elderly_care"], v["prefectural"], _texts(v, "remarks"),
    )  # fmt: skip


def _texts(v: dict[str, Any], prefix: str) -> tuple[str, ...]:
    return tuple(v[f"{prefix}{n}"] for n in (1, 2, 3) if v[f"{prefix}{n}"])


_BUILDERS: dict[str, Callable[[dict[str, Any]], Record]] = {
    "payers": _payer,
    "recipients": _recipient,
    "tickets": _ticket,
}
