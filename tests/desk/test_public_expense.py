"""The desk reads public-expense entitlements and medical-aid tickets from results, compares them
with the registry, and upgrades a version-1 desk database to hold them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select, text

from onshi import wire
from onshi.desk import schema as t
from onshi.desk import store
from onshi.desk.patients import Patient, differences
from onshi.desk.results import Outcome, single_result
from onshi.store.database import Database
from tests.central.conftest import stop_uvicorn
from tests.desk.conftest import PASSWORD, STAFF, drop_face_file, face_document, start_desk, wait_for

SUBSIDY = {
    "PublicExpenseNumber": "88130018", "BeneficiaryNumber": "1234566", "PublicExpenseName": "子ども医療費助成",
    "PublicExpenseValidStartDate": "20200401", "PublicExpenseValidEndDate": "20270331",
}  # fmt: skip
TICKET = {
    "TicketType": "01", "MedicalTreatmentMonth": "202611", "DesignatedMedicalInstitutionCode": "1310000017",
    "DesignatedMedicalInstitutionFlag": "0", "DesignatedMedicalInstitutionName": "テスト診療所",
}  # fmt: skip
AID = {
    "InsuredCardClassification": "A1", "PublicExpenseNumber": "12136016", "BeneficiaryNumber": "7654320",
    "WelfareOfficeName": "新宿区福祉事務所", "InsurerName": "新宿区福祉事務所", "Name": "佐藤　一郎",
    "NameKana": "ｻﾄｳ ｲﾁﾛｳ", "Sex1": "1", "Birthdate": "19600115",
}  # fmt: skip


def read(document: dict[str, Any]) -> Any:
    """Through a real file and the codec, as the desk reads the terminal's folders."""
    kind = wire.MessageKind.SINGLE_INQUIRY_RESULT
    return single_result(wire.parse(wire.to_xml(document, kind), kind, lenient=True).document)


def test_an_insured_persons_entitlements_are_one_line() -> None:
    document = face_document()
    entry = document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]  # type: ignore[index]
    entry["PublicExpenseInfoList"] = [{"PublicExpenseInfo": SUBSIDY}]
    person = read(document).person
    assert person.public_expense == "子ども医療費助成 88130018/1234566（2027/03/31まで）"
    assert person.medical_tickets is None


def test_a_welfare_recipients_a1_entry() -> None:
    document = face_document()
    document["MessageBody"]["ResultList"] = [  # type: ignore[index]
        {
            "ResultOfQualificationConfirmation": {
                **AID,
                "PublicExpenseResultList": [{"MedicalTicketInfo": TICKET}],
            }
        }
    ]
    confirmation = read(document)
    assert confirmation.outcome is Outcome.VALID
    person = confirmation.person
    assert (person.name, person.insurer_number, person.insurer_name) == (
        "佐藤　一郎",
        None,
        "新宿区福祉事務所",
    )
    assert person.public_expense == "医療扶助 12136016/7654320"
    assert person.medical_tickets == "医療券 202611 テスト診療所"


def test_one_clients_separate_a1_entry_is_read_as_the_insured_persons_aid() -> None:
    document = face_document()
    document["MessageBody"]["ResultList"].append(  # type: ignore[union-attr,index]
        {"ResultOfQualificationConfirmation": {**AID, "Name": "山田　太郎", "Birthdate": "19800401"}}
    )
    confirmation = read(document)
    assert confirmation.outcome is Outcome.VALID  # still exactly one person
    assert confirmation.person is not None
    assert confirmation.person.insurer_number == "01130012"
    assert confirmation.person.public_expense == "医療扶助 12136016/7654320"


def test_differences_cover_the_entitlements() -> None:
    document = face_document()
    entry = document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]  # type: ignore[index]
    entry["PublicExpenseInfoList"] = [{"PublicExpenseInfo": SUBSIDY}]
    person = read(document).person
    registered = Patient(1, "山田　太郎", "ヤマダ タロウ", date(1980, 4, 1), sex="1",
                         insurer_number="01130012", insurer_name="全国健康保険協会東京支部",
                         symbol="123", number="456", branch="00")  # fmt: skip
    assert [(d.field, d.label) for d in differences(registered, person)] == [("public_expense", "公費")]


async def test_a_version_1_desk_database_gets_the_new_column(db: Database) -> None:
    await store.prepare(db)
    async with db.write() as conn:
        await conn.execute(text("ALTER TABLE desk_patients DROP COLUMN public_expense"))
        await conn.execute(t.settings.update().values(value="1"))
    await store.prepare(db)
    async with db.write() as conn:
        values = {
            "name": "佐藤　一郎",
            "birthdate": date(1960, 1, 15),
            "public_expense": "医療扶助 12136016/7654320",
        }
        patient = await store.add_patient(conn, values)
        version = (await conn.execute(select(t.settings.c.value))).scalar_one()
    assert (patient.public_expense, version) == ("医療扶助 12136016/7654320", "2")


def test_the_confirmation_view_shows_the_medical_aid_and_its_tickets(
    database_url: str, tmp_path: Path
) -> None:
    root = tmp_path / "terminal"
    url, server = start_desk(root, database_url)
    try:
        document = face_document()
        entry = {**AID, "PublicExpenseResultList": [{"MedicalTicketInfo": TICKET}]}
        document["MessageBody"]["ResultList"] = [{"ResultOfQualificationConfirmation": entry}]  # type: ignore[index]
        drop_face_file(root, document)
        with httpx.Client(base_url=url, timeout=10, follow_redirects=True) as client:
            assert (
                client.post("/login", data={"login": STAFF, "password": PASSWORD, "next": "/"}).status_code
                == 200
            )
            page = wait_for(
                lambda: (p := client.get("/arrivals/1")).status_code == 200 and "公費" in p.text and p
            )
    finally:
        stop_uvicorn(server)  # type: ignore[arg-type]
    text = page.text  # type: ignore[attr-defined]
    assert "医療扶助 12136016/7654320" in text and "医療券 202611 テスト診療所" in text
