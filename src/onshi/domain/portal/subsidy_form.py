"""The subsidy application (補助金申請) as the portal takes it: a program, receipts (領収書: cost
item, amount, day paid, receipt number, payee) and the facts the program's conditions need.

The facility's type and its operation start come from the portal's records, not the form; the
application day is the day it is filed. `subsidies.evaluate` then checks eligibility and
computes the grant from the versioned table (`subsidy_programs`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.fields import FormInvalid, Reader
from onshi.domain.portal.subsidies import Applicant, CostLine
from onshi.domain.portal.subsidy_table import Declared, SubsidyTable
from onshi.domain.portal.values import parse_month

MAX_RECEIPTS = 30
MAX_YEN = 100_000_000


@dataclass(frozen=True, slots=True)
class Receipt:
    item: str  # a cost item of the table
    yen: int  # 税込の支払額
    paid_on: date | None
    number: str  # 領収書番号
    payee: str  # 支払先

    def as_cost(self) -> CostLine:
        return CostLine(self.item, self.yen, self.paid_on)

    def stored(self) -> dict[str, object]:
        return {
            "item": self.item,
            "yen": self.yen,
            "paid_on": self.paid_on.isoformat() if self.paid_on else None,
            "number": self.number,
            "payee": self.payee,
        }


@dataclass(frozen=True, slots=True)
class SubsidyRequest:
    program: str
    applicant: Applicant
    receipts: tuple[Receipt, ...]


def read_request(
    values: Mapping[str, object],
    receipts: Sequence[Mapping[str, object]],
    monthly: Mapping[str, Mapping[str, object]],
    *,
    facility_type: FacilityType,
    operating_since: date | None,
    today: date,
    table: SubsidyTable,
) -> SubsidyRequest:
    """`monthly`: "uses", "users" and "rates" as {"YYYY-MM": number}. Raises FormInvalid."""
    form = Reader(values)
    program = _program(form, table)
    large_chain = form.flag("large_chain")
    if large_chain and facility_type is not FacilityType.PHARMACY:
        form.refuse(
            "large_chain", Problem.INCONSISTENT, "大型チェーンの区分は薬局だけです", "only pharmacies"
        )
    read = tuple(_receipts(form, receipts, table))
    applicant = Applicant(
        facility_type=facility_type,
        large_chain=large_chain,
        costs=tuple(receipt.as_cost() for receipt in read),
        units=form.integer("units", "増設台数", 1, 10, required=False) or 1,
        readers=form.integer("readers", "設置済みのカードリーダー台数", 1, 100, required=False) or 1,
        operating_since=operating_since,
        completed_on=form.day("completed_on", "補助対象事業の完了日"),
        applied_on=today,
        monthly_uses=_counts(form, monthly.get("uses", {}), "uses"),
        monthly_users=_counts(form, monthly.get("users", {}), "users"),
        utilisation_rates=_rates(form, monthly.get("rates", {})),
        declarations=frozenset(_known(form, "declarations", _declarations(table))),
        other_programs=frozenset(_known(form, "other_programs", {p.id for p in table.programs})),
    )
    form.done()
    assert program is not None
    return SubsidyRequest(program, applicant, read)


def _program(form: Reader, table: SubsidyTable) -> str | None:
    text = form.raw("program")
    if not text:
        form.refuse("program", Problem.REQUIRED, "補助金の種類を選んでください", "program is required")
        return None
    try:
        return table.program(text).id
    except InvalidValue as error:
        form.errors.append(error)
        return None


def _receipts(form: Reader, rows: Sequence[Mapping[str, object]], table: SubsidyTable) -> list[Receipt]:
    if len(rows) > MAX_RECEIPTS:
        form.refuse(
            "receipts",
            Problem.TOO_LONG,
            f"領収書は{MAX_RECEIPTS}件までです",
            f"at most {MAX_RECEIPTS} receipts",
        )
        return []
    items = dict(table.items)
    read = []
    for index, row in enumerate(rows, start=1):
        line = Reader({k: v for k, v in row.items()})
        item = line.raw("item")
        if item not in items:
            line.refuse(
                "item", Problem.UNKNOWN_CODE, "費目を選んでください", f"item is one of {', '.join(items)}"
            )
        yen = line.integer("yen", "金額（円）", 1, MAX_YEN)
        paid = line.day("paid_on", "支払日")
        number = line.text("number", "領収書番号", max_length=40)
        payee = line.text("payee", "支払先", required=False, max_length=100)
        form.errors.extend(error.with_field(f"receipts[{index}].{error.field}") for error in line.errors)
        if not line.errors and yen is not None:
            read.append(Receipt(item, yen, paid, number, payee))
    return read


def _entries(form: Reader, given: Mapping[str, object], name: str) -> dict[date, Decimal]:
    values: dict[date, Decimal] = {}
    for key, raw in given.items():
        try:
            month = parse_month(str(key), name)
            number = Decimal(str(raw).strip().rstrip("%").replace(",", ""))
        except (InvalidValue, InvalidOperation):
            form.refuse(
                name,
                Problem.BAD_FORMAT,
                f"{key}: 年月（YYYY-MM）と数値で入力してください",
                f"{key}: YYYY-MM and a number",
            )
            continue
        if not number.is_finite() or number < 0:
            form.refuse(name, Problem.BAD_FORMAT, f"{key}: 0以上の数値です", f"{key}: a number ≥ 0")
            continue
        values[month] = number
    return values


def _counts(form: Reader, given: Mapping[str, object], name: str) -> dict[date, int]:
    counts = {}
    for month, number in _entries(form, given, name).items():
        if number != number.to_integral_value():
            form.refuse(
                name,
                Problem.BAD_FORMAT,
                f"{month:%Y-%m}: 件数・人数は整数です",
                f"{month:%Y-%m}: a whole number",
            )
            continue
        counts[month] = int(number)
    return counts


def _rates(form: Reader, given: Mapping[str, object]) -> dict[date, Decimal]:
    rates = {}
    for month, number in _entries(form, given, "rates").items():
        if number > 100:
            form.refuse(
                "rates",
                Problem.BAD_FORMAT,
                f"{month:%Y-%m}: 利用率は0～100%です",
                f"{month:%Y-%m}: a rate is 0–100 %",
            )
            continue
        rates[month] = number
    return rates


def _declarations(table: SubsidyTable) -> set[str]:
    return {r.key for program in table.programs for r in program.requirements if isinstance(r, Declared)}


def _known(form: Reader, name: str, known: set[str]) -> list[str]:
    chosen = []
    for value in form.values_of(name):
        if value in known:
            chosen.append(value)
        else:
            form.refuse(
                name,
                Problem.UNKNOWN_CODE,
                f"選択肢にありません: {value[:40]!r}",
                f"unknown {name}: {value[:40]!r}",
            )
    return chosen


def parse_monthly_text(text: str, name: str) -> dict[str, str]:
    """The form's textarea ("2023-10=620" or "2023-10 620", one per line) as {month: number}."""
    pairs: dict[str, str] = {}
    for line in text.replace(",", "\n").splitlines():
        line = line.strip()
        if not line:
            continue
        key, _, value = line.replace("=", " ").replace(":", " ").partition(" ")
        if not value.strip():
            raise FormInvalid(
                [
                    InvalidValue(
                        name,
                        Problem.BAD_FORMAT,
                        f"「{line[:30]}」: 年月=数値 の形で入力してください",
                        f"{line[:30]!r}: YYYY-MM=N",
                    )
                ]
            )
        pairs[key.strip()] = value.strip()
    return pairs
