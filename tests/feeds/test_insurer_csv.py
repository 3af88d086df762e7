from __future__ import annotations

import pytest

from onshi.domain.codes import ReasonOfLoss, SpecificDisease
from onshi.domain.errors import Problem
from onshi.feeds.insurer_csv import (
    AcceptedRow,
    FeedFormatError,
    RejectedRow,
    parse_csv,
    read_header,
    snake_case,
)
from tests.factories import KYOKAI_TOKYO, feed_lines, feed_row


def parse(rows: list[dict[str, str]]) -> list[AcceptedRow | RejectedRow]:
    return list(parse_csv(feed_lines(rows)))


def rejection(values: dict[str, str]) -> RejectedRow:
    (result,) = parse([feed_row(**values)])
    assert isinstance(result, RejectedRow), result
    return result


def test_a_good_row() -> None:
    (result,) = parse([feed_row(disqualification_date="20240401", reason_of_loss="03")])
    assert isinstance(result, AcceptedRow)
    q = result.qualification
    assert q.key.insurer_number == KYOKAI_TOKYO
    assert (q.key.symbol, q.key.number, q.key.branch) == ("123", "456", "00")
    assert q.reason_of_loss is ReasonOfLoss.OTHER_INSURANCE
    assert result.line == 2


def test_header_may_use_element_names_and_a_bom() -> None:
    assert (
        read_header(
            [
                "\ufeffInsurerNumber",
                "InsuredIdentificationNumber",
                "Name",
                "NameKana",
                "Sex1",
                "Birthdate",
                "QualificationDate",
            ]
        )[0]
        == "insurer_number"
    )
    assert (
        snake_case("LimitApplicationCertificateClassificationFlag")
        == "limit_application_certificate_classification_flag"
    )


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (["insurer_number", "birth_date"], "unknown columns: birth_date"),
        (["insurer_number", "name"], "missing required columns"),
        (
            [
                "insurer_number",
                "insurer_number",
                "insured_identification_number",
                "name",
                "name_kana",
                "sex1",
                "birthdate",
                "qualification_date",
            ],
            "duplicated",
        ),
    ],
)
def test_unusable_headers(header: list[str], message: str) -> None:
    with pytest.raises(FeedFormatError, match=message):
        list(parse_csv([",".join(header) + "\n"]))


def test_empty_file() -> None:
    with pytest.raises(FeedFormatError, match="empty"):
        list(parse_csv([]))


@pytest.mark.parametrize(
    ("values", "field", "problem"),
    [
        ({"insurer_number": "01130013"}, "insurer_number", Problem.BAD_CHECK_DIGIT),
        ({"birthdate": "19900230"}, "birthdate", Problem.IMPOSSIBLE_DATE),
        ({"birthdate": "1990/2/x"}, "birthdate", Problem.BAD_FORMAT),
        ({"sex1": "4"}, "sex1", Problem.UNKNOWN_CODE),
        (
            {"reason_of_loss": "05", "disqualification_date": "20240401"},
            "reason_of_loss",
            Problem.UNKNOWN_CODE,
        ),
        ({"name": ""}, "name", Problem.REQUIRED),
        ({"insured_identification_number": " "}, "insured_identification_number", Problem.REQUIRED),
        ({"insured_branch_number": "123"}, "insured_branch_number", Problem.BAD_FORMAT),
        (
            {"insured_partial_contribution_ratio": "040"},
            "insured_partial_contribution_ratio",
            Problem.UNKNOWN_CODE,
        ),
        ({"post_number": "12-34567"}, "post_number", Problem.BAD_FORMAT),
        ({"individual_key": "123456789012"}, "individual_key", Problem.FORBIDDEN_CONTENT),
        ({"reason_of_loss": "01"}, "reason_of_loss", Problem.INCONSISTENT),
        ({"disqualification_date": "20000101"}, "disqualification_date", Problem.INCONSISTENT),
        ({"qualification_date": "19700101"}, "qualification_date", Problem.INCONSISTENT),
        (
            {"limit_application_certificate_classification_flag": "C01"},
            "limit_application_certificate_classification_flag",
            Problem.UNKNOWN_CODE,
        ),
        ({"name": "山田\x07太郎"}, "name", Problem.BAD_FORMAT),
    ],
)
def test_rejections(values: dict[str, str], field: str, problem: Problem) -> None:
    rejected = rejection(values)
    assert any(e.field == field and e.problem is problem for e in rejected.errors), rejected.reason_en
    assert rejected.reason_ja
    assert rejected.line == 2


def test_every_error_of_a_row_is_reported() -> None:
    rejected = rejection({"insurer_number": "1", "birthdate": "x", "sex1": "9"})
    assert {e.field for e in rejected.errors} == {"insurer_number", "birthdate", "sex1"}


def test_wrong_number_of_cells_names_the_line() -> None:
    lines = feed_lines([feed_row(), feed_row()])
    lines.insert(2, "01130012,only,three\n")
    results = list(parse_csv(lines))
    assert [type(r).__name__ for r in results] == ["AcceptedRow", "RejectedRow", "AcceptedRow"]
    assert results[1].line == 3


def test_blank_lines_are_skipped_and_line_numbers_stay_physical() -> None:
    lines = feed_lines([feed_row(), feed_row(birthdate="bad")])
    lines.insert(2, "\n")
    results = list(parse_csv(lines))
    assert [r.line for r in results] == [2, 4]


def test_liberal_formats() -> None:
    (result,) = parse(
        [
            feed_row(
                birthdate="昭和55年4月1日",
                qualification_date="R2.4.1",
                insured_card_symbol="１２－３",
                insured_branch_number="1",
                insured_partial_contribution_ratio="30",
            )
        ]
    )
    assert isinstance(result, AcceptedRow)
    q = result.qualification
    assert (q.key.symbol, q.key.branch, q.copay_percent) == ("12-3", "01", 30)


def test_names_are_kept_exactly() -> None:
    name = "渡邉\U000e0104　𠮷子"
    (result,) = parse([feed_row(name=name, name_kana="ﾜﾀﾅﾍﾞ ﾖｼｺ")])
    assert isinstance(result, AcceptedRow)
    assert result.qualification.name == name
    assert result.qualification.name_kana == "ワタナベ ヨシコ"


def test_several_specific_disease_certificates() -> None:
    (result,) = parse(
        [
            feed_row(
                specific_diseases_disease_category="1|2",
                specific_diseases_valid_start_date="20200101|20210101",
                specific_diseases_self_pay="10000|20000",
            )
        ]
    )
    assert isinstance(result, AcceptedRow)
    certificates = result.qualification.specific_diseases
    assert [c.category for c in certificates] == [SpecificDisease.DIALYSIS, SpecificDisease.HEMOPHILIA]
    assert [c.self_pay_limit_yen for c in certificates] == [10000, 20000]


def test_mismatched_specific_disease_lists() -> None:
    rejected = rejection({"specific_diseases_disease_category": "1|2|3", "specific_diseases_self_pay": "1|2"})
    assert rejected.errors[0].problem is Problem.INCONSISTENT


def test_line_numbers_count_line_breaks_inside_quoted_cells() -> None:
    lines = feed_lines([feed_row(address="東京都\n新宿区"), feed_row(birthdate="bad")])
    results = list(parse_csv(lines))
    assert [r.line for r in results] == [2, 4]
    assert isinstance(results[0], RejectedRow)  # a line break is a control character in an address
    assert results[0].errors[0].field == "address"
