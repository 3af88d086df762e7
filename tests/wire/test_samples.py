"""The public sample documents parse (placeholders replaced where a sample has them)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from onshi import wire
from tests.wire.samples import SAMPLES, sample

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


# Placeholders that are not valid values, replaced before parsing (the rest parse as they are).
PLACEHOLDERS: dict[str, dict[bytes, bytes]] = {
    "02": {b"<MedicalInstitutionCode>0000<": b"<MedicalInstitutionCode>1311111111<"},
    "03": {b"TODAY": b"20250401", b"INSNUM": b"01130012", b"BIRTHD": b"19800101"},
}
KIND_IN_NAME = re.compile(r"(?:OQS|YZK|TKK)[a-z]{5}\d\dre[qs]")


def all_samples() -> list[Path]:
    return sorted(SAMPLES.glob("*.xml"))


@pytest.mark.parametrize("path", all_samples(), ids=lambda p: p.name[:2])
def test_every_sample_parses(path: Path) -> None:
    """Requests strictly; results leniently (samples are other tools' renderings)."""
    match = KIND_IN_NAME.search(path.name)
    kind = wire.MessageKind(match.group()) if match else RESULT
    assert match or "_face_" in path.name, path.name
    data = path.read_bytes()
    for token, value in PLACEHOLDERS.get(path.name[:2], {}).items():
        data = data.replace(token, value)
    parsed = wire.parse(data, kind, lenient=not kind.is_request)
    assert parsed.document["MessageHeader"]["MedicalInstitutionCode"]


def test_every_sample_is_covered() -> None:
    if not all_samples():
        pytest.skip("samples not found")
    assert len(all_samples()) >= 17


def test_registration_samples() -> None:
    single = wire.parse(sample("04"), wire.MessageKind.REFERENCE_NUMBER_REQUEST).document
    assert single["MessageBody"]["ReferenceNumberRegistrationInfo"]["ReferenceNumber"] == "24434"
    bulk = wire.parse(sample("05"), wire.MessageKind.BULK_REFERENCE_NUMBER_REQUEST).document
    assert [i["InsuredBranchNumber"] for i in bulk["MessageBody"]["ReferenceNumberRegistrationInfo"]] == [
        "00"
    ]
    download = wire.parse(sample("06"), wire.MessageKind.BULK_REFERENCE_NUMBER_DOWNLOAD_REQUEST).document
    assert download["MessageBody"]["ReceptionNumber"] == "123456..."
    result = wire.parse(sample("09"), wire.MessageKind.REFERENCE_NUMBER_RESULT, lenient=True).document
    assert result["MessageBody"] == {
        "ReferenceNumber": "24434",
        "ProcessingResultStatus": "1",
        "ProcessingResultCode": "TEST",
        "ProcessingResultMessage": "模擬結果",
    }
    with pytest.raises(wire.WireError):  # no ProcessExecutionTime: a synthetic rendering
        wire.parse(sample("09"), wire.MessageKind.REFERENCE_NUMBER_RESULT)


def test_face_sample_with_reference_number() -> None:
    parsed = wire.parse(sample("07"), RESULT, lenient=True).document
    assert (
        parsed["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]["ReferenceNumber"]
        == "24434"
    )


@pytest.mark.parametrize(
    ("prefix", "kind", "search"),
    [
        ("10", wire.MessageKind.ONLINE_INQUIRY_REQUEST, {"ExaminationDateFrom": "20250301"}),
        ("11", wire.MessageKind.HOME_VISIT_INQUIRY_REQUEST, {"ConsentDateTo": "20250331"}),
        ("12", wire.MessageKind.MEDICAL_AID_INQUIRY_REQUEST, {"MedicalTreatmentMonth": "202503"}),
    ],
)
def test_criteria_bulk_samples(prefix: str, kind: wire.MessageKind, search: dict[str, str]) -> None:
    parsed = wire.parse(sample(prefix), kind).document
    assert search.items() <= parsed["MessageBody"]["QualificationConfirmSearchInfo"].items()
    assert parsed["MessageHeader"]["ArbitraryFileIdentifier"] == "20250401093015123PC1"


def test_download_sample_fits_every_bulk_family() -> None:
    for kind in wire.MessageKind:
        if kind.value.endswith("02req"):
            assert wire.parse(sample("13"), kind).document["MessageBody"]["ReceptionNumber"]


@pytest.mark.parametrize(
    ("prefix", "kind"),
    [("14", wire.MessageKind.MEDICATION_INFO_REQUEST), ("15", wire.MessageKind.CHECKUP_INFO_REQUEST)],
)
def test_medical_info_samples(prefix: str, kind: wire.MessageKind) -> None:
    parsed = wire.parse(sample(prefix), kind).document
    assert parsed["MessageHeader"]["InsuredPersonIdentificationNumber"] == "5678"
    assert parsed["MessageHeader"]["InsuranceCardSymbol"] == "1234"
    assert parsed["MessageBody"]["FileCategory"] == "2"


def test_medical_info_request_with_qualification_style_names() -> None:
    data = (
        sample("14")
        .replace(b"InsuranceCardSymbol>", b"InsuredCardSymbol>")
        .replace(b"InsuredPersonIdentificationNumber>", b"InsuredIdentificationNumber>")
        .replace(b"BranchNumber>", b"InsuredBranchNumber>")
    )
    header = wire.parse(data, wire.MessageKind.MEDICATION_INFO_REQUEST).document["MessageHeader"]
    assert (
        header["InsuranceCardSymbol"],
        header["InsuredPersonIdentificationNumber"],
        header["BranchNumber"],
    ) == (
        "1234",
        "5678",
        "00",
    )
