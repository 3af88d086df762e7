"""The code-table enums hold exactly the values of the public code tables (code-tables.json)."""

from __future__ import annotations

import json

import pytest

from onshi.domain import codes
from tests.wire.samples import shared_wire_doc


def _tables() -> dict[str, dict[str, object]]:
    return {t["table"]: t for t in json.loads(shared_wire_doc("code-tables.json"))["oqscd"]}


def test_every_oqscd_table_has_an_enum_with_its_values() -> None:
    tables = _tables()
    assert set(codes.OQSCD) == set(tables)
    for name, table in tables.items():
        assert {m.value for m in codes.OQSCD[name]} == set(table["values"]), name  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("enum", "table_prefix"),
    [
        (codes.MedicationFileCategory, "FileCategory"),
        (codes.PrDiInfClassification, "PrDiInfClassification"),
    ],
)
def test_tables_without_a_number(enum: type[codes.StrEnum], table_prefix: str) -> None:
    others = json.loads(shared_wire_doc("code-tables.json"))["other_tables"]
    (table,) = [t for t in others if t["table"].startswith(table_prefix)]
    assert {m.value for m in enum} == set(table["values"])


def test_checkup_file_category_is_the_pdf_and_xml_part() -> None:
    assert {m.value for m in codes.CheckupFileCategory} == {"1", "2"}
    assert codes.MedicalInfoResult.SUCCESS == "1"


def test_two_factor_methods_split_into_element_and_code() -> None:
    assert codes.TwoFactorMethod.FACE.element is codes.TwoFactorElement.BIOMETRIC
    assert codes.TwoFactorMethod.FACE.code == "02"
    assert {m.element for m in codes.TwoFactorMethod} == set(codes.TwoFactorElement)
