"""YZKsiquc01req / TKKsiquc01req files: consent-gated results in the trees clients read."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.consent import ConsentContext, ConsentItem
from onshi.domain.dates import now_jst
from onshi.services.clinical_import import import_clinical
from onshi.services.consents import record_grant
from onshi.services.request_files import answer_file
from onshi.store import qualifications
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from tests.factories import KYOKAI_TOKYO, clinical_csv, clinical_row, feed_row
from tests.services.test_insurer_import import load

CLINIC = "1310000017"
ACTOR = Actor(ActorKind.FACILITY, CLINIC, Channel.TERMINAL)
OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)


def request(kind: wire.MessageKind, category: str, branch: str | None = "00", **body: str) -> bytes:
    header = {
        "MedicalInstitutionCode": CLINIC, "InsurerNumber": KYOKAI_TOKYO.digits, "InsuranceCardSymbol": "123",
        "InsuredPersonIdentificationNumber": "456", "BranchNumber": branch, "ArbitraryFileIdentifier": "P0001",
    }  # fmt: skip
    document = {"MessageHeader": header, "MessageBody": {"FileCategory": category, **body}}
    return wire.to_xml(document, kind, wire.SHIFT_JIS)


async def answer(db: Database, kind: wire.MessageKind, data: bytes) -> dict[str, Any]:
    name, result = await answer_file(db, DirectAuditLog(db.engine), ACTOR, f"{kind.value}_P0001.xml", data)
    assert name == f"{wire.answer_of(kind).value}_P0001.xml"
    assert result.http_status == 200
    xml = result.to_xml()
    assert xml.startswith(b'<?xml version="1.0" encoding="Shift_JIS"')  # the request's encoding
    return wire.parse(xml, result.kind).document


async def setup(db: Database, items: set[ConsentItem]) -> None:
    assert (
        await load(
            db,
            [feed_row(), feed_row(insured_branch_number="01", birthdate="20100101", name_kana="ヤマダ ハナ")],
        )
    ).ok
    audit = DirectAuditLog(db.engine)
    today = now_jst().date()
    rows = [
        clinical_row("medication", dispensed_on=(today - timedelta(days=3)).strftime("%Y%m%d")),
        clinical_row("medication", dispensed_on=(today - timedelta(days=3)).strftime("%Y%m%d"), drug_code="620000009",
                     drug_name="ロキソプロフェン錠60mg", quantity="3", days="5", facility_code="1340000015",
                     facility_name="テスト薬局"),
    ]  # fmt: skip
    assert (await import_clinical(db, audit, "medication", clinical_csv(rows).splitlines(), OPERATOR, "t")).ok
    acts = [clinical_row("procedure", performed_on=(today - timedelta(days=3)).strftime("%Y%m%d"))]
    assert (await import_clinical(db, audit, "procedure", clinical_csv(acts).splitlines(), OPERATOR, "t")).ok
    checkups = [clinical_row("checkup", examined_on=(today - timedelta(days=90)).strftime("%Y%m%d"))]
    assert (
        await import_clinical(db, audit, "checkup", clinical_csv(checkups).splitlines(), OPERATOR, "t")
    ).ok
    if items:
        async with db.write() as conn:
            person = next(
                q
                for q in await qualifications.family(conn, KYOKAI_TOKYO, "123", "456")
                if q.key.branch == "00"
            )
            await record_grant(
                conn, ACTOR, person, ConsentContext.COUNTER, frozenset(items), now_jst(), "card"
            )


async def test_medication_file_with_consent_groups_by_facility_month_and_day(db: Database) -> None:
    await setup(db, {ConsentItem.TREATMENT})
    document = await answer(
        db, wire.MessageKind.MEDICATION_INFO_REQUEST, request(wire.MessageKind.MEDICATION_INFO_REQUEST, "4")
    )
    assert document["MessageHeader"]["ResultCode"] == "1"
    assert document["MessageHeader"]["QuaInf"]["KanaName"] == "ヤマダ タロウ"
    months = document["MessageBody"]["MeTrMonthInf"]
    assert {m["MeTrDiHCd"]: m["DiOrg"] for m in months} == {CLINIC: "1", "1340000015": "0"}
    own = next(m for m in months if m["MeTrDiHCd"] == CLINIC)
    ((day,),) = [[entry["DiDateInf"] for entry in own["DiDateInfs"]]]
    drug = day["DrugInfs"][0]["DrugInf"]
    assert (drug["DrugN"], drug["Times"], drug["Qua1"]) == ("アムロジピン錠5mg", "28", "1")
    assert day["MeTrInfs"][0]["MeTrInf"]["SinInfN"] == "初診料"  # FileCategory 4: with 診療行為
    drugs_only = await answer(
        db, wire.MessageKind.MEDICATION_INFO_REQUEST, request(wire.MessageKind.MEDICATION_INFO_REQUEST, "2")
    )
    days = [d["DiDateInf"] for m in drugs_only["MessageBody"]["MeTrMonthInf"] for d in m["DiDateInfs"]]
    assert days and all(not d.get("MeTrInfs") for d in days)
    future = request(wire.MessageKind.MEDICATION_INFO_REQUEST, "2", StartDate="209901")
    later = await answer(db, wire.MessageKind.MEDICATION_INFO_REQUEST, future)
    assert later["MessageHeader"]["ResultCode"] == "1" and not later.get("MessageBody", {}).get(
        "MeTrMonthInf"
    )


async def test_refusals_are_result_files_with_the_reason(db: Database) -> None:
    await setup(db, {ConsentItem.SURGERY})
    kind = wire.MessageKind.MEDICATION_INFO_REQUEST
    refused = await answer(db, kind, request(kind, "2"))
    assert refused["MessageHeader"]["ResultCode"] == "2"
    assert "同意されていません" in refused["MessageBody"]["MessageContents"]
    assert "PDF" in (await answer(db, kind, request(kind, "1")))["MessageHeader"]["MessageContents"]
    assert (
        "複数"
        in (await answer(db, kind, request(kind, "2", branch=None)))["MessageHeader"]["MessageContents"]
    )
    checkup = wire.MessageKind.CHECKUP_INFO_REQUEST
    assert (await answer(db, checkup, request(checkup, "2")))["MessageHeader"]["ResultCode"] == "2"


async def test_checkup_file_lists_the_measurements(db: Database) -> None:
    await setup(db, {ConsentItem.CHECKUP})
    kind = wire.MessageKind.CHECKUP_INFO_REQUEST
    document = await answer(db, kind, request(kind, "2"))
    assert document["MessageHeader"]["QualificationsInfo"]["Birthday"] == "19800401"
    (checkup,) = document["MessageBody"]["SpecificHealthCheckupInfo"]
    items = [
        info["HealthCheckupResultAndQuestionInfo"] for info in checkup["HealthCheckupResultAndQuestionInfos"]
    ]
    values = {item["ItemName"]: item["DataValue"] for item in items}
    assert (
        values["HbA1c（NGSP）"] == "5.6" and values["収縮期血圧"] == "128" and values["保健指導レベル"] == "2"
    )
