"""Pre-checks the terminal keeps (newest wins, keys as central compares them) and the answers
it builds from them in emergency mode — never for a unit without a verdict, another
facility's request or another day."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from onshi import wire
from onshi.domain.dates import JST
from onshi.terminal.emergency import EmergencyState, answer_from_precheck, emergency_message
from onshi.terminal.journal import Journal
from onshi.terminal.outage import reconciled_filename
from onshi.terminal.prechecks import person_key, prechecks_in
from tests.central.test_api import request_xml
from tests.factories import KYOKAI_TOKYO
from tests.terminal.conftest import FACILITY

K = wire.MessageKind
AT = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
SEARCH = {
    "InsurerNumber": KYOKAI_TOKYO.digits,
    "InsuredCardSymbol": "123",
    "InsuredIdentificationNumber": "456",
    "Birthdate": "19800401",
    "LimitApplicationCertificateRelatedConsFlg": "0",
}


def entry(**extra: str) -> dict[str, Any]:
    return {
        "InsuredCardClassification": "01",
        "InsurerNumber": KYOKAI_TOKYO.digits,
        "Name": "山田　太郎",
        "Sex1": "1",
        "Birthdate": "19800401",
        "InsurerName": "全国健康保険協会東京支部",
        "LimitApplicationCertificateRelatedConsFlg": "1",
        "LimitApplicationCertificateRelatedConsTime": "20261122100000",
        "LimitApplicationCertificateRelatedInfo": {"LimitApplicationCertificateClassificationFlag": "A01"},
        **extra,
    }


def unit(number: str = "456", validity: str | None = "1", **extra: str) -> dict[str, Any]:
    if validity is None:  # an entry whose keys were refused: no verdict
        return {
            "QualificationConfirmSearchInfo": {**SEARCH, "InsuredIdentificationNumber": number},
            "ProcessingResultStatus": "2",
            "ProcessingResultCode": "ONSP1003",
        }
    return {
        "QualificationConfirmSearchInfo": {**SEARCH, "InsuredIdentificationNumber": number},
        "ProcessingResultStatus": "1",
        "QualificationValidity": validity,
        "ResultOfQualificationConfirmation": [entry(**extra)],
    }


def bulk_result(
    units: list[dict[str, Any]], processed: str, on: str = "20261123", segment: str = "1"
) -> bytes:
    document = {
        "MessageHeader": {
            "ProcessExecutionTime": processed,
            "QualificationConfirmationDate": on,
            "MedicalInstitutionCode": FACILITY,
            "ReceptionNumber": "R1",
            "SegmentOfResult": segment,
            "CharacterCodeIdentifier": "0",
        },
        "MessageBody": {"BulkConfirmUnit": units} if segment == "1" else {},
    }
    return wire.to_xml(document, K.BULK_INQUIRY_RESULT)


@pytest.fixture
def journal(tmp_path: Path) -> Journal:
    return Journal(tmp_path / "journal.sqlite3")


@pytest.mark.parametrize(
    "variant",
    [
        {},
        {"InsurerNumber": f"  {KYOKAI_TOKYO.digits}  "},
        {"InsuredCardSymbol": "１２３", "InsuredIdentificationNumber": "４５６"},
        {"InsuredBranchNumber": ""},
    ],
)
def test_keys_are_compared_as_central_compares_them(variant: dict[str, str]) -> None:
    assert (
        person_key({**SEARCH, **variant}) == person_key(SEARCH) == f"{KYOKAI_TOKYO.digits}|123|456||19800401"
    )


def test_different_people_have_different_keys() -> None:
    keys = {
        person_key({**SEARCH, **change})
        for change in [
            {},
            {"InsuredBranchNumber": "1"},
            {"InsuredBranchNumber": "02"},
            {"Birthdate": "19800402"},
        ]
    }
    assert len(keys) == 4
    assert person_key({**SEARCH, "InsuredBranchNumber": "1"}) == person_key(
        {**SEARCH, "InsuredBranchNumber": "01"}
    )
    assert person_key({"InsurerNumber": KYOKAI_TOKYO.digits, "Birthdate": "19800401"}) is None


def test_only_complete_bulk_results_are_kept_and_the_newest_wins(journal: Journal) -> None:
    key = person_key(SEARCH)
    assert key is not None
    older = bulk_result([unit(validity="2")], "20261122180000")
    newer = bulk_result([unit(validity="1"), unit("457", validity=None)], "20261122190000")
    assert prechecks_in("OQSmuquc02res_x.xml", bulk_result([], "20261122190000", segment="2")) == []
    assert prechecks_in("OQSmuquc01res_x.xml", older) == []  # a receipt, not results
    assert prechecks_in("OQSmuquc02res_x.xml", b"<XmlMsg>") == []

    journal.remember_prechecks(prechecks_in("OQSmuquc02res_new.xml", newer), date(2026, 11, 22))
    journal.remember_prechecks(prechecks_in("OQSmuquc02res_old.xml", older), date(2026, 11, 22))
    kept = journal.precheck(key, "20261123")
    assert kept is not None and kept.source == "OQSmuquc02res_new.xml"
    assert kept.unit["QualificationValidity"] == "1" and kept.day == date(2026, 11, 22)
    assert journal.precheck(key, "20261124") is None  # another day's appointments

    # A month later the old pre-checks are gone (they were for appointments long past).
    journal.remember_prechecks(prechecks_in("OQSmuquc02res_new.xml", newer), date(2026, 12, 31))
    assert journal.precheck(key, "20261123") is None


def test_the_emergency_answer_is_the_prechecks_verdict_marked_onsw3001(journal: Journal) -> None:
    journal.remember_prechecks(
        prechecks_in("OQSmuquc02res_p.xml", bulk_result([unit()], "20261122180000")), date(2026, 11, 22)
    )
    name = "OQSsiquc01req_x.xml"
    found = answer_from_precheck(journal, FACILITY, name, request_xml(FACILITY, "456", "x", "Shift_JIS"), AT)
    assert found is not None
    result_name, data = found
    assert result_name == "OQSsiquc01res_x.xml"
    parsed = wire.parse(data, K.SINGLE_INQUIRY_RESULT)
    assert parsed.encoding == wire.SHIFT_JIS
    header, body = parsed.document["MessageHeader"], parsed.document["MessageBody"]
    assert (header["SegmentOfResult"], header["ReferenceClassification"], header["CharacterCodeIdentifier"]) == (
        "1", "2", "1",
    )  # fmt: skip
    assert (header["MedicalInstitutionCode"], header["ArbitraryFileIdentifier"]) == (FACILITY, "x")
    assert (header["QualificationConfirmationDate"], header["ProcessExecutionTime"]) == (
        "20261123",
        "20261123093000",
    )
    assert body["ProcessingResultMessage"] == "緊急時資格確認機能による回答（2026-11-22 の一括照会結果）"
    assert body["ProcessingResultMessage"] == emergency_message(date(2026, 11, 22))
    assert (body["ProcessingResultStatus"], body["ProcessingResultCode"], body["QualificationValidity"]) == (
        "1", "ONSW3001", "1",
    )  # fmt: skip
    (result,) = body["ResultList"]
    shown = result["ResultOfQualificationConfirmation"]
    # This inquiry did not consent to limit-certificate data: the pre-check's are not shown.
    assert shown["LimitApplicationCertificateRelatedConsFlg"] == "0"
    assert "LimitApplicationCertificateRelatedInfo" not in shown
    assert "LimitApplicationCertificateRelatedConsTime" not in shown


def test_nothing_is_invented(journal: Journal) -> None:
    results = bulk_result([unit(), unit("457", validity=None)], "20261122180000")
    journal.remember_prechecks(prechecks_in("OQSmuquc02res_p.xml", results), date(2026, 11, 22))
    name = "OQSsiquc01req_x.xml"
    assert (
        answer_from_precheck(journal, FACILITY, name, request_xml(FACILITY, "457"), AT) is None
    )  # error unit
    assert (
        answer_from_precheck(journal, FACILITY, name, request_xml(FACILITY, "5"), AT) is None
    )  # no pre-check
    other = "1310000025"
    assert answer_from_precheck(journal, FACILITY, name, request_xml(other, "456"), AT) is None
    assert answer_from_precheck(journal, FACILITY, name, b"<XmlMsg>", AT) is None
    assert (
        answer_from_precheck(journal, FACILITY, "OQSsiimm01req_x.xml", request_xml(FACILITY, "456"), AT)
        is None
    )
    assert answer_from_precheck(journal, FACILITY, name, request_xml(FACILITY, "456"), AT) is not None


def test_state_and_names() -> None:
    state = EmergencyState.from_answer(
        {
            "active": True,
            "switch_id": 3,
            "scope": "prefecture",
            "since": "2026-11-23T09:00:00+09:00",
            "reason": "障害",
        },
        "2026-11-23T09:01:00+09:00",
    )
    assert EmergencyState.from_json(state.to_json()) == state
    assert EmergencyState.from_answer({"active": "yes"}, "t").active is False
    assert EmergencyState.from_json(None).active is False
    assert "有効" in state.label_ja and "#3" in state.label_ja
    assert reconciled_filename("OQSsiquc01res_20261123001.xml") == "OQSsiquc01res_20261123001_reconciled.xml"
    assert reconciled_filename("OQSsiquc01res_a.XML") == "OQSsiquc01res_a_reconciled.XML"
