"""The public sample documents parse (placeholders replaced where a sample has them)."""

from __future__ import annotations

import pytest

from onshi import wire
from tests.wire.samples import sample

REQUEST = wire.MessageKind.SINGLE_INQUIRY_REQUEST
RESULT = wire.MessageKind.SINGLE_INQUIRY_RESULT


def test_blog_request_template() -> None:
    data = sample("03")
    for token, value in {
        "TODAY": "20250401",
        "CLINICID": "clinic-1",
        "INSNUM": "01130012",
        "INSSYMB": "1234",
        "IDTNUM": "5678",
        "BIRTHD": "19800101",
    }.items():
        data = data.replace(token.encode(), value.encode())
    parsed = wire.parse(data, REQUEST)
    search = parsed.document["MessageBody"]["QualificationConfirmSearchInfo"]
    assert search["InsurerNumber"] == "01130012"
    assert "InsuredBranchNumber" not in search  # the empty element counts as absent
    assert parsed.document["MessageHeader"]["MedicalInstitutionCode"] == "6540212424"


def test_web_api_request_body() -> None:
    parsed = wire.parse(sample("17"), REQUEST)
    assert parsed.document["MessageBody"]["QualificationConfirmSearchInfo"]["Birthdate"] == "20000102"


@pytest.mark.parametrize("prefix", ["01", "16"])
def test_results_parse_strictly(prefix: str) -> None:
    parsed = wire.parse(sample(prefix), RESULT)
    body = parsed.document["MessageBody"]
    assert body["QualificationValidity"] == "1"
    (entry,) = body["ResultList"]
    assert entry["ResultOfQualificationConfirmation"]["Name"] == "診療　太郎"


def test_face_sample_keeps_insurer_number_padding_and_any_element_order() -> None:
    entry = wire.parse(sample("01"), RESULT).document["MessageBody"]["ResultList"][0]
    result = entry["ResultOfQualificationConfirmation"]
    assert result["InsurerNumber"] == "  123456"
    assert result["PharmacistsInfoConsFlg"] == "1"
    assert result["InsuredBranchNumber"] == "01"


def test_shift_jis_template() -> None:
    # A template rendered from one client's generator: no InsuredCardClassification, hence lenient.
    data = sample("02").replace(b"<MedicalInstitutionCode>0000<", b"<MedicalInstitutionCode>1311111111<")
    parsed = wire.parse(data, RESULT, lenient=True)
    assert parsed.document["MessageHeader"]["CharacterCodeIdentifier"] == "1"
    info = parsed.document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]
    assert (
        info["LimitApplicationCertificateRelatedInfo"]["LimitApplicationCertificateClassificationFlag"]
        == "A01"
    )


@pytest.mark.parametrize("prefix", ["07", "08"])
def test_minimal_synthetic_face_files_parse_leniently(prefix: str) -> None:
    with pytest.raises(wire.WireError):
        wire.parse(sample(prefix), RESULT)
    parsed = wire.parse(sample(prefix), RESULT, lenient=True)
    assert parsed.document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]["Birthdate"]


def test_sample_rebuilt_in_logical_order_parses_to_the_same_document() -> None:
    parsed = wire.parse(sample("01"), RESULT)
    again = wire.parse(wire.to_xml(parsed.document, RESULT), RESULT)
    assert again.document == parsed.document
