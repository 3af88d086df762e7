"""Public-expense feed rows: every bad cell reported with its line, good rows parsed."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.codes import TicketType
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityType
from onshi.domain.public_expense import CareSetting, CopayTerms, MedicalTicket, PayerRecord
from onshi.feeds._block import RejectedRow
from onshi.feeds.public_expense_csv import _YEN, FeedFormatError, FeedRow, RecipientRow, parse_csv
from tests.public_expense_data import CHILD_ROW, PAYERS, WELFARE_ROW, csv_text, ticket_row


def rows(feed: str, data: list[dict[str, str]]) -> list[FeedRow | RejectedRow]:
    return list(parse_csv(feed, csv_text(data).splitlines()))


def fields(row: FeedRow | RejectedRow) -> list[str]:
    assert isinstance(row, RejectedRow), row
    return [error.field for error in row.errors]


def test_payers_with_their_own_rules() -> None:
    custom = {"payer_number": "88130018", "name": "新宿区", "outpatient": "1", "inpatient": "0",
              "facility_types": "pharmacy dental_clinic", "per_visit_yen": "200"}  # fmt: skip
    parsed = rows("payers", [*PAYERS, custom])
    records = [row.record for row in parsed if isinstance(row, FeedRow)]
    assert all(isinstance(r, PayerRecord) for r in records) and len(records) == 5
    record = records[-1]
    assert isinstance(record, PayerRecord)
    assert record.settings == frozenset({CareSetting.OUTPATIENT})
    assert record.facility_types == frozenset({FacilityType.PHARMACY, FacilityType.DENTAL_CLINIC})
    assert record.payer().programme.terms == CopayTerms(per_visit_yen=200)
    assert [r.participating for r in records[:4]] == [True, True, True, False]  # type: ignore[union-attr]


def test_bad_payer_rows_are_reported_with_every_reason() -> None:
    parsed = rows("payers", [
        {"payer_number": "54136016", "name": "東京都"},  # check digit
        {"payer_number": "01130012", "name": ""},  # an insurer's number, and no name
        {"payer_number": "54136015", "name": "東京都", "outpatient": "0", "inpatient": "0"},
        {"payer_number": "54136015", "name": "東京都", "participating": "yes", "copay_percent": "120"},
    ])  # fmt: skip
    assert [row.line for row in parsed] == [2, 3, 4, 5]
    assert fields(parsed[0]) == ["payer_number"]
    assert fields(parsed[1]) == ["payer_number", "name"]
    assert fields(parsed[2]) == ["inpatient"]
    assert fields(parsed[3]) == ["participating", "copay_percent"]
    assert "検証番号" in parsed[0].reason_ja  # type: ignore[union-attr]


def test_recipients_link_insurance_or_stand_alone() -> None:
    child, welfare = rows("recipients", [CHILD_ROW, WELFARE_ROW])
    assert isinstance(child, FeedRow) and isinstance(child.record, RecipientRow)
    assert child.record.insured is not None and child.record.insured.branch == "01"
    assert child.record.valid_to is None
    assert isinstance(welfare, FeedRow) and isinstance(welfare.record, RecipientRow)
    assert welfare.record.insured is None
    assert welfare.record.identity.address == "東京都新宿区歌舞伎町一丁目4番1号"


def test_bad_recipient_rows() -> None:
    parsed = rows("recipients", [
        {**WELFARE_ROW, "recipient_number": "7654321", "sex": "4"},
        {**WELFARE_ROW, "valid_to": "20191231"},  # ends before it starts
        {**WELFARE_ROW, "insurer_number": "01130012"},  # the card number is missing
        {**WELFARE_ROW, "individual_key": "123456789012"},  # may be a My Number
        {**WELFARE_ROW, "birthdate": "19600230", "monthly_cap_yen": "-1"},
    ])  # fmt: skip
    assert fields(parsed[0]) == ["recipient_number", "sex"]
    assert fields(parsed[1]) == ["valid_to"]
    assert fields(parsed[2]) == ["number"]
    assert fields(parsed[3]) == ["individual_key"]
    assert fields(parsed[4]) == ["birthdate", "monthly_cap_yen"]


def test_tickets() -> None:
    (good,) = rows("tickets", [ticket_row(treatment_month="202605", injury_name2="糖尿病")])
    assert isinstance(good, FeedRow) and isinstance(good.record, MedicalTicket)
    ticket = good.record
    assert (ticket.month, ticket.valid_from, ticket.valid_to) == (
        date(2026, 5, 1),
        date(2026, 5, 1),
        date(2026, 5, 31),
    )
    assert ticket.ticket_type is TicketType.MEDICAL and ticket.injury_names == ("高血圧症", "糖尿病")
    parsed = rows("tickets", [
        ticket_row(payer_number="54136015"),  # not medical aid
        ticket_row(treatment_month="202605", valid_to="20260601"),  # beyond the month
        ticket_row(ticket_type="03", facility_code="9910000017", treatment_month="2026-05"),
    ])  # fmt: skip
    assert fields(parsed[0]) == ["payer_number"]
    assert fields(parsed[1]) == ["valid_to"]
    assert fields(parsed[2]) == ["ticket_type", "treatment_month", "facility_code"]


def test_unusable_files_are_refused_whole() -> None:
    with pytest.raises(FeedFormatError, match="unknown column"):
        list(parse_csv("payers", ["payer_number,name,colour\n"]))
    with pytest.raises(FeedFormatError, match="needs the columns"):
        list(parse_csv("recipients", ["payer_number,name\n"]))
    with pytest.raises(FeedFormatError, match="unknown feed"):
        list(parse_csv("patients", ["a\n"]))
    with pytest.raises(FeedFormatError, match="empty"):
        list(parse_csv("tickets", []))
    short = list(parse_csv("payers", ["payer_number,name\n", "54136015\n"]))
    assert fields(short[0]) == ["row"]


def test_a_line_the_csv_module_cannot_read_refuses_the_file() -> None:
    huge = "payer_number,name\n" + "54136015," + "x" * 200_000 + "\n"
    with pytest.raises(FeedFormatError, match="line 2 cannot be read"):
        list(parse_csv("payers", huge.splitlines(keepends=True)))


@pytest.mark.parametrize("raw", ["²", "①"])
def test_digits_int_cannot_read_are_refused_not_a_crash(raw: str) -> None:
    with pytest.raises(InvalidValue):
        _YEN(raw)
