"""Every code onshi writes, and every status value on the wire, has a staff explanation."""

from __future__ import annotations

import json
import re
from pathlib import Path

from onshi.help.codes import defined_codes, explain, onshi_codes, status_values
from onshi.help.search import HelpSearch
from tests.wire.samples import shared_wire_doc

ROOT = Path(__file__).resolve().parents[2]
CODES_JSON = ROOT / "src" / "onshi" / "help" / "codes.json"


def test_every_code_in_result_codes_is_explained() -> None:
    worded = {entry["code"] for entry in json.loads(CODES_JSON.read_text(encoding="utf-8"))["codes"]}
    assert set(defined_codes()) <= worded, "add staff wording to src/onshi/help/codes.json"
    assert set(defined_codes()) == set(onshi_codes())
    for help_ in onshi_codes().values():
        assert help_.explain_ja and help_.next_ja and help_.explain_en and help_.next_en
        assert help_.http_status is not None


def test_every_code_in_the_vendor_documentation_is_explained() -> None:
    listed = set(
        re.findall(r"\bONS[IPEW]\d{4}\b", (ROOT / "docs" / "wire-codes.md").read_text(encoding="utf-8"))
    )
    assert listed
    assert listed <= set(onshi_codes())


def test_every_status_value_of_the_code_tables_is_explained() -> None:
    tables = {table["table"]: table for table in json.loads(shared_wire_doc("code-tables.json"))["oqscd"]}
    for table, element in [
        ("OQSCD003", "SegmentOfResult"),
        ("OQSCD004", "ProcessingResultStatus"),
        ("OQSCD006", "QualificationValidity"),
    ]:
        for value in tables[table]["values"]:
            assert (element, value) in status_values(), f"{element} {value}"


def test_codes_are_found_in_any_case_and_width() -> None:
    assert [help_.code for help_ in explain("onse9501が出た")] == ["ONSE9501"]
    assert [help_.code for help_ in explain("ＯＮＳＰ３００１")] == ["ONSP3001"]
    assert [help_.code for help_ in explain("ONSI2005 のあと ONSW3001、また ONSI2005")] == [
        "ONSI2005",
        "ONSW3001",
    ]


def test_status_values_are_found_with_their_element() -> None:
    assert [help_.code for help_ in explain("資格有効性 4 と表示")] == ["QualificationValidity=4"]
    assert [help_.code for help_ in explain("SegmentOfResult=9")] == ["SegmentOfResult=9"]


def test_other_systems_codes_are_recognised_but_not_invented() -> None:
    found = explain("OQC-OWSE0900000 と EQ1234 が出た")
    assert [(help_.code, help_.kind) for help_ in found] == [
        ("OQC-OWSE0900000", "unknown"),
        ("EQ1234", "unknown"),
    ]
    assert "ベンダー" in found[0].next_ja
    assert explain("OQSsiquc01req_1310000017 を置いた 1310000017") == []


def test_a_code_query_puts_the_explanation_first(keyword_search: HelpSearch) -> None:
    answer = keyword_search.search("ONSP3001")
    assert answer.codes[0].code == "ONSP3001"
    assert answer.hits[0].entry.id == "card-certificate-expired"
