"""Medication and checkup results built by onshi parse strictly, in both encodings, and
carry what the one known client reads (ResultCode 1, QuaInf / QualificationsInfo, months)."""

from __future__ import annotations

from datetime import date, datetime

from onshi import wire
from onshi.domain.codes import Sex
from onshi.domain.dates import JST
from onshi.wire import MessageKind
from onshi.wire.medical_info import InfoPatient, checkup_result_document, medication_result_document
from onshi.wire.qualification import ResultHeader

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
HEADER = ResultHeader("1311111111", NOW, arbitrary_file_identifier="24434")
PATIENT = InfoPatient("山田　太郎", "ﾔﾏﾀﾞ ﾀﾛｳ", date(1980, 4, 1), Sex.MALE)
DRUG = {"DrugC": "620000001", "DrugN": "カロナール錠200　200mg", "Qua1": "3", "Unit": "錠", "Times": "7"}


def test_medication_result() -> None:
    claims = {
        "MeTrDiHCd": "1311111111",
        "MeTrDiHNm": "診療所",
        "MeTrMonth": "202410",
        "DiDateInfs": [
            {
                "DiDateInf": {
                    "DiDate": "20241001",
                    "DrugInfs": [{"DrugInf": DRUG}],
                    "MeTrInfs": [{"MeTrInf": {"SinInfN": "初診料", "SinInfCd": "111000110"}}],
                }
            }
        ],
    }
    prescription = {"ShPrMonth": "202411", "ShPrDateInfs": [{"ShPrDateInf": {"ShPrDate": "20241105"}}]}
    dispensing = {
        "CzDiMonth": "202411",
        "CzDiDateInfs": [{"CzDiDateInf": {"CzDrugInfs": [{"CzDrugInf": {"CzDrugC": "1"}}]}}],
    }
    document = medication_result_document(HEADER, PATIENT, [claims], [prescription], [dispensing])
    kind = MessageKind.MEDICATION_INFO_RESULT
    for encoding in (wire.UTF8, wire.SHIFT_JIS):
        parsed = wire.parse(wire.to_xml(document, kind, encoding), kind).document
        assert parsed["MessageHeader"]["ResultCode"] == "1"
        assert "ErrorMessage" not in parsed["MessageHeader"]
        assert parsed["MessageHeader"]["QuaInf"] == {
            "Name": "山田　太郎",
            "KanaName": "ﾔﾏﾀﾞ ﾀﾛｳ",
            "Birth": "19800401",
            "AdmGendCode": "1",
        }
        body = parsed["MessageBody"]
        assert body["MeTrMonthInf"][0]["DiDateInfs"][0]["DiDateInf"]["DrugInfs"][0]["DrugInf"] == DRUG
        assert body["ShPrInf"][0]["ShPrMonthInf"]["ShPrMonth"] == "202411"
        assert body["CzDiInf"][0]["CzDiMonthInf"]["CzDiMonth"] == "202411"


def test_checkup_result() -> None:
    item = {"ItemCode": "9N001000000000001", "ItemName": "身長", "DataValue": "170.5", "Unit": "cm"}
    checkup = {
        "EffectiveTime": "20240501",
        "HealthCheckupResultAndQuestionInfos": [{"HealthCheckupResultAndQuestionInfo": item}],
    }
    kind = MessageKind.CHECKUP_INFO_RESULT
    xml = wire.to_xml(checkup_result_document(HEADER, PATIENT, [checkup]), kind, wire.SHIFT_JIS)
    parsed = wire.parse(xml, kind).document
    assert parsed["MessageHeader"]["QualificationsInfo"]["KanasName"] == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert parsed["MessageHeader"]["CharacterCodeIdentifier"] == "1"
    info = parsed["MessageBody"]["SpecificHealthCheckupInfo"][0]
    assert info["HealthCheckupResultAndQuestionInfos"][0]["HealthCheckupResultAndQuestionInfo"] == item


def test_result_code_and_message_are_read_in_the_body_too() -> None:
    data = (
        "<XmlMsg><MessageHeader><ProcessExecutionTime>20250401093000</ProcessExecutionTime>"
        "<MedicalInstitutionCode>1311111111</MedicalInstitutionCode><SegmentOfResult>1</SegmentOfResult>"
        "</MessageHeader><MessageBody><ResultCode>0</ResultCode><MessageContents>同意がありません</MessageContents>"
        "</MessageBody></XmlMsg>"
    ).encode()
    body = wire.parse(data, MessageKind.CHECKUP_INFO_RESULT, lenient=True).document["MessageBody"]
    assert body == {"ResultCode": "0", "MessageContents": "同意がありません"}
