"""Public expense on both databases: the feed import, entitlements in confirmations by insurance
numbers and by recipient numbers, the medical-aid A1 result and the OQSmutic bulk inquiry."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import select

from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services.batch_worker import run_worker
from onshi.services.confirmation import NumberConfirmation, confirm_by_numbers, result_document, search_echo
from onshi.services.public_expense_confirmation import RecipientConfirmation, confirm_by_recipient
from onshi.services.public_expense_confirmation import result_document as recipient_document
from onshi.services.public_expense_confirmation import search_echo as recipient_echo
from onshi.services.request_files import answer_file, result_header
from onshi.store import facilities
from onshi.store import public_expense as store
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import audit_events
from tests.factories import feed_row
from tests.public_expense_data import (
    CHILD,
    CHILD_INSURANCE,
    CHILD_RECIPIENT,
    CHILD_ROW,
    CLINIC,
    MENTAL,
    NANBYO,
    PAYERS,
    WELFARE,
    WELFARE_RECIPIENT,
    WELFARE_ROW,
    load,
    load_all,
    this_month,
    ticket_row,
)
from tests.services.test_insurer_import import load as load_insurance

K = wire.MessageKind
FACILITY = Actor(ActorKind.FACILITY, CLINIC, Channel.API)


@pytest.fixture
async def registry(db: Database) -> Database:
    assert (await load_insurance(db, [feed_row(), CHILD_INSURANCE])).ok
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode(CLINIC), "テスト診療所", FacilityType.MEDICAL_CLINIC)]
        )
    await load_all(db)
    return db


def round_trip(document: dict[str, Any], kind: wire.MessageKind = K.SINGLE_INQUIRY_RESULT) -> dict[str, Any]:
    """The document as a terminal file, read back by the codec (strictly)."""
    return wire.parse(wire.to_xml(document, kind, wire.SHIFT_JIS), kind).document


def entries(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [item["ResultOfQualificationConfirmation"] for item in body["ResultList"]]


async def test_import_reports_bad_rows_and_loads_the_rest(db: Database) -> None:
    report = await load(db, "payers", [*PAYERS, {"payer_number": "54136016", "name": "x"}])
    assert (report.total, report.loaded, [r.line for r in report.rejected]) == (5, 4, [6])
    recipients = [
        CHILD_ROW,
        {**WELFARE_ROW, "payer_number": "52136017"},  # 小児慢性: not registered
        {**WELFARE_ROW, "name": ""},
        WELFARE_ROW,
    ]
    report = await load(db, "recipients", recipients)
    assert (report.loaded, [r.line for r in report.rejected]) == (2, [3, 4])
    assert "登録されていません" in report.rejected[0].reason_ja
    tickets = [ticket_row(), ticket_row(recipient_number=CHILD_RECIPIENT, payer_number=WELFARE)]
    report = await load(db, "tickets", tickets)
    assert (report.loaded, [r.line for r in report.rejected]) == (1, [3])
    again = await load(db, "recipients", [CHILD_ROW, WELFARE_ROW, WELFARE_ROW])
    assert (again.loaded, again.unchanged, again.ok) == (2, 1, True)
    async with db.read() as conn:
        assert await store.counts(conn) == {
            "public_expense_payers": 4,
            "public_expense_recipients": 2,
            "public_expense_tickets": 1,
        }
        outcomes = (await conn.execute(select(audit_events.c.outcome))).scalars().all()
    assert outcomes[-1] == "done:2/3"


async def test_a_payer_loads_only_its_own_rows(db: Database) -> None:
    assert (await load(db, "payers", PAYERS)).ok
    report = await load(db, "recipients", [CHILD_ROW, WELFARE_ROW], allowed_payers={WELFARE})
    assert [r.line for r in report.rejected] == [2]
    assert "88130018 のデータは登録できません" in report.rejected[0].reason_ja


async def test_insurance_confirmation_lists_the_child_subsidy(registry: Database) -> None:
    request = NumberConfirmation("01130012", "456", "20150601", symbol="123", branch="01")
    outcome = await confirm_by_numbers(registry, DirectAuditLog(registry.engine), FACILITY, request)
    header = result_header(FACILITY, "x", wire.SHIFT_JIS)
    document = round_trip(result_document(outcome, header, search_echo(request)))
    (entry,) = entries(document["MessageBody"])
    assert entry["InsuredCardClassification"] == "01" and entry["InsuredBranchNumber"] == "01"
    (info,) = [item["PublicExpenseInfo"] for item in entry["PublicExpenseInfoList"]]
    assert info == {
        "PublicExpenseNumber": CHILD,
        "BeneficiaryNumber": CHILD_RECIPIENT,
        "PublicExpenseName": "子ども医療費助成",
        "PublicExpensePayerName": "新宿区",
        "PublicExpenseValidStartDate": "20200401",
        "PublicExpenseContributionRatio": "000",
        "PublicExpensePriority": "1",
    }
    assert "PublicExpenseResultList" not in entry
    # The parent (枝番 00) has none.
    parent = NumberConfirmation("01130012", "456", "19800401", symbol="123", branch="00")
    outcome = await confirm_by_numbers(registry, DirectAuditLog(registry.engine), FACILITY, parent)
    (entry,) = entries(round_trip(result_document(outcome, header, None))["MessageBody"])
    assert "PublicExpenseInfoList" not in entry


async def test_recipient_numbers_of_the_welfare_recipient_give_the_a1_entry(registry: Database) -> None:
    request = RecipientConfirmation(WELFARE, WELFARE_RECIPIENT, "19600115")
    outcome = await confirm_by_recipient(registry, DirectAuditLog(registry.engine), FACILITY, request)
    header = result_header(FACILITY, None, wire.UTF8)
    body = round_trip(recipient_document(outcome, header, recipient_echo(request)))["MessageBody"]
    assert (body["ProcessingResultStatus"], body["QualificationValidity"]) == ("1", "1")
    (entry,) = entries(body)
    assert {k: entry[k] for k in ("InsuredCardClassification", "PublicExpenseNumber", "BeneficiaryNumber",
                                  "WelfareOfficeName", "InsurerName", "Name", "NameKana")} == {
        "InsuredCardClassification": "A1", "PublicExpenseNumber": WELFARE, "BeneficiaryNumber": WELFARE_RECIPIENT,
        "WelfareOfficeName": "新宿区福祉事務所", "InsurerName": "新宿区福祉事務所", "Name": "佐藤　一郎",
        "NameKana": "ｻﾄｳ ｲﾁﾛｳ",
    }  # fmt: skip
    assert "InsurerNumber" not in entry
    assert entry["NumberOfMedicalTickets"] == "1"
    (ticket,) = [item["MedicalTicketInfo"] for item in entry["PublicExpenseResultList"]]
    assert ticket["MedicalTreatmentMonth"] == this_month()
    assert (ticket["TicketType"], ticket["DesignatedMedicalInstitutionCode"]) == ("01", CLINIC)
    assert (ticket["DesignatedMedicalInstitutionFlag"], ticket["InjuryName1"]) == ("0", "高血圧症")
    async with registry.read() as conn:
        row = (await conn.execute(select(audit_events).order_by(audit_events.c.id.desc()))).first()
    assert row is not None
    assert (row.action, row.outcome, row.subject_key) == (
        "confirm.public_expense", "validity:1", f"pe:{WELFARE}:{WELFARE_RECIPIENT}"
    )  # fmt: skip


async def test_recipient_numbers_of_the_child_give_her_insurance_with_the_subsidy(registry: Database) -> None:
    request = RecipientConfirmation(CHILD, CHILD_RECIPIENT, "20150601")
    outcome = await confirm_by_recipient(registry, DirectAuditLog(registry.engine), FACILITY, request)
    body = round_trip(recipient_document(outcome, result_header(FACILITY, None, wire.UTF8), None))[
        "MessageBody"
    ]
    (entry,) = entries(body)
    assert (body["QualificationValidity"], entry["InsurerNumber"], entry["InsuredBranchNumber"]) == (
        "1", "01130012", "01"
    )  # fmt: skip
    assert entry["PublicExpenseInfoList"][0]["PublicExpenseInfo"]["PublicExpenseNumber"] == CHILD


@pytest.mark.parametrize(
    ("payer", "recipient", "birthdate", "on", "validity", "code", "message"),
    [
        (WELFARE, WELFARE_RECIPIENT, "19600116", None, "4", "ONSI2007", "生年月日が一致しません"),
        (WELFARE, "1111111", "19600115", None, "4", "ONSI2005", "登録されていません"),
        (MENTAL, "1111111", "19600115", None, "4", "ONSI2005", "紙の受給者証"),
        (NANBYO, "1111111", "19600115", None, "4", "ONSI2005", "登録されていません"),
        (CHILD, CHILD_RECIPIENT, "20150601", "20200331", "2", "ONSI2004", "2020年4月1日"),
    ],
)
async def test_recipient_numbers_that_confirm_nothing(
    registry: Database, payer: str, recipient: str, birthdate: str, on: str | None, validity: str,
    code: str, message: str,
) -> None:  # fmt: skip
    request = RecipientConfirmation(payer, recipient, birthdate, on)
    outcome = await confirm_by_recipient(registry, DirectAuditLog(registry.engine), FACILITY, request)
    body = round_trip(recipient_document(outcome, result_header(FACILITY, None, wire.UTF8), None))[
        "MessageBody"
    ]
    assert (body["QualificationValidity"], body["ProcessingResultCode"]) == (validity, code)
    assert message in body["ProcessingResultMessage"]


async def test_bad_recipient_numbers_are_input_errors(registry: Database) -> None:
    request = RecipientConfirmation("12136017", "765432", "1960-02-30")
    outcome = await confirm_by_recipient(registry, DirectAuditLog(registry.engine), FACILITY, request)
    body = round_trip(recipient_document(outcome, result_header(FACILITY, None, wire.UTF8), None))[
        "MessageBody"
    ]
    assert (body["ProcessingResultStatus"], body["ProcessingResultCode"]) == ("2", "ONSP1003")
    assert (
        "公費負担者番号" in body["ProcessingResultMessage"] or "検証番号" in body["ProcessingResultMessage"]
    )


def criteria_upload(month: str) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": CLINIC, "ArbitraryFileIdentifier": "aid"},
        "MessageBody": {"QualificationConfirmSearchInfo": {"MedicalTreatmentMonth": month}},
    }
    return wire.to_xml(document, K.MEDICAL_AID_INQUIRY_REQUEST, wire.SHIFT_JIS)


def download(reception_number: str) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": CLINIC},
        "MessageBody": {"ReceptionNumber": reception_number},
    }
    return wire.to_xml(document, K.MEDICAL_AID_INQUIRY_DOWNLOAD_REQUEST)


async def send(db: Database, name: str, data: bytes, kind: wire.MessageKind) -> dict[str, Any]:
    _, answer = await answer_file(db, DirectAuditLog(db.engine), FACILITY, name, data)
    return wire.parse(answer.to_xml(), kind).document


async def test_medical_aid_bulk_inquiry_lists_this_months_recipients(registry: Database) -> None:
    receipt = await send(
        registry, "OQSmutic01req_1.xml", criteria_upload(this_month()), K.MEDICAL_AID_INQUIRY_RECEIPT
    )
    number = receipt["MessageBody"]["ReceptionNumber"]
    other = await send(
        registry, "OQSmutic01req_2.xml", criteria_upload("202001"), K.MEDICAL_AID_INQUIRY_RECEIPT
    )
    await run_worker(registry, asyncio.Event(), until_idle=True)
    result = await send(registry, "OQSmutic02req_1.xml", download(number), K.MEDICAL_AID_INQUIRY_RESULT)
    header = result["MessageHeader"]
    assert (header["SegmentOfResult"], header["NumberOfProcessingResult"], header["ArbitraryFileIdentifier"]) == (
        "1", "1", "aid"
    )  # fmt: skip
    (unit,) = result["MessageBody"]["BulkConfirmUnit"]
    (entry,) = unit["ResultOfQualificationConfirmation"]
    assert (unit["QualificationValidity"], entry["InsuredCardClassification"]) == ("1", "A1")
    assert entry["PublicExpenseResultList"][0]["MedicalTicketInfo"]["IssueNumber"] == "0001"
    empty = await send(
        registry,
        "OQSmutic02req_2.xml",
        download(other["MessageBody"]["ReceptionNumber"]),
        K.MEDICAL_AID_INQUIRY_RESULT,
    )
    assert empty["MessageHeader"]["NumberOfProcessingResult"] == "0"
    assert "MessageBody" not in empty or not empty["MessageBody"].get("BulkConfirmUnit")


async def test_a_payer_outside_online_confirmation_is_named_not_served(registry: Database) -> None:
    paper = {**CHILD_ROW, "payer_number": MENTAL, "recipient_number": "2222222", "branch": "00",
             "name": "山田　太郎", "name_kana": "ヤマダ タロウ", "birthdate": "19800401", "sex": "1"}  # fmt: skip
    assert (await load(registry, "recipients", [paper])).ok
    request = NumberConfirmation("01130012", "456", "19800401", symbol="123", branch="00")
    outcome = await confirm_by_numbers(registry, DirectAuditLog(registry.engine), FACILITY, request)
    body = round_trip(result_document(outcome, result_header(FACILITY, None, wire.UTF8), None))["MessageBody"]
    (entry,) = entries(body)
    assert body["QualificationValidity"] == "1" and "PublicExpenseInfoList" not in entry
    assert body["ProcessingResultMessage"] == (
        "東京都（精神通院医療・21136015）はオンライン資格確認に参加していません。紙の受給者証で確認してください。"
    )
