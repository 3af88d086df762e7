"""The face-reader result document of a card confirmation (no database needed)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from onshi import wire
from onshi.domain.card import CardProblem, FormFactor
from onshi.domain.codes import ReasonOfLoss, SpecificDisease, Validity
from onshi.domain.consent import ConsentChoices, ConsentItem
from onshi.domain.dates import JST
from onshi.domain.eligibility import Reason, Verdict
from onshi.domain.qualification import SpecificDiseaseCertificate
from onshi.services.card_confirmation import CardConfirmed, CardRefused
from onshi.services.face_result import card_result_document
from tests.factories import lost, qualification

AT = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
ON = AT.date()
DIALYSIS = SpecificDiseaseCertificate(
    SpecificDisease.DIALYSIS, valid_from=date(2026, 1, 1), self_pay_limit_yen=10000
)
EXPIRED_CERTIFICATE = SpecificDiseaseCertificate(SpecificDisease.HEMOPHILIA, valid_to=date(2025, 1, 1))


def confirmed(
    verdict: Verdict, consent: ConsentChoices, soon: bool = False, reference: str | None = None
) -> CardConfirmed:
    return CardConfirmed(
        verdict, ON, AT, consent, FormFactor.CARD, AT + timedelta(days=40), soon, False, reference
    )


def entry(document: dict[str, Any]) -> dict[str, Any]:
    return dict(document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"])


def test_consents_times_and_only_valid_disease_certificates() -> None:
    subject = qualification(specific_diseases=(DIALYSIS, EXPIRED_CERTIFICATE))
    choices = ConsentChoices.of([ConsentItem.DISEASE, ConsentItem.TREATMENT])
    document = card_result_document(
        confirmed(Verdict(Validity.VALID, Reason.VALID, (subject,), on=ON), choices, reference="P-1"),
        "1310000017",
    )
    result = entry(document)
    assert result["SpecificDiseasesCertificateRelatedConsFlg"] == "1"
    assert "SpecificDiseasesCertificateRelatedAvailableTime" not in result
    (certificate,) = result["SpecificDiseasesCertificateList"]
    assert certificate["SpecificDiseasesCertificateInfo"]["SpecificDiseasesSelfPay"] == "10000"
    assert result["PharmacistsInfoAvailableTime"] == "20261124093000"
    assert result["OperationInfoConsFlg"] == "0"
    assert result["ReferenceNumber"] == "P-1"
    data = wire.to_xml(document, wire.MessageKind.SINGLE_INQUIRY_RESULT)
    assert wire.parse(data, wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True).document["MessageBody"]


def test_an_expiry_notice_never_hides_the_reason_of_a_verdict() -> None:
    subject = lost(date(2026, 4, 1), ReasonOfLoss.DEATH)
    verdict = Verdict(Validity.INVALID, Reason.LOST, (subject,), on=ON)
    body = card_result_document(confirmed(verdict, ConsentChoices(), soon=True), "1310000017")["MessageBody"]
    assert body["ProcessingResultCode"] == "ONSI2002"
    assert "死亡" in body["ProcessingResultMessage"] and "更新" in body["ProcessingResultMessage"]
    valid = Verdict(Validity.VALID, Reason.VALID, (qualification(),), on=ON)
    body = card_result_document(confirmed(valid, ConsentChoices(), soon=True), "1310000017")["MessageBody"]
    assert body["ProcessingResultCode"] == "ONSI2101"


def test_a_refusal_is_no_verdict() -> None:
    document = card_result_document(
        CardRefused(CardProblem.REVOKED, "失効理由：紛失・盗難", AT, ON), "1310000017"
    )
    assert document["MessageHeader"]["SegmentOfResult"] == "1"
    assert document["MessageHeader"]["ReferenceClassification"] == "1"
    assert document["MessageBody"]["ProcessingResultCode"] == "ONSP3002"
    assert "QualificationValidity" not in document["MessageBody"]
    technical = card_result_document(CardRefused(CardProblem.UNVERIFIABLE, "", AT, ON), "1310000017")
    assert (technical["MessageHeader"]["SegmentOfResult"], technical["MessageHeader"]["ErrorCode"]) == (
        "9",
        "ONSE9502",
    )
