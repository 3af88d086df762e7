"""The facility and insurer APIs over real HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from onshi import wire
from onshi.domain.actors import ActorKind
from onshi.domain.facility import FacilityCode, FacilityStatus
from onshi.store import facilities
from onshi.store.database import Database
from onshi.store.schema import audit_events
from tests.central.conftest import LiveCentral
from tests.factories import KENPO, KYOKAI_TOKYO, feed_lines, feed_row

CLINIC = "1310000017"
POPULATION = [
    feed_row(),
    feed_row(insured_identification_number="2", disqualification_date="20240401", reason_of_loss="01"),
    feed_row(insured_identification_number="5", name="髙橋　𠮷子", name_kana="ﾀｶﾊｼ ﾖｼｺ"),
]


def confirm_body(number: str = "456", **extra: str) -> dict[str, str]:
    return {
        "insurer_number": KYOKAI_TOKYO.digits,
        "insured_card_symbol": "123",
        "insured_identification_number": number,
        "birthdate": "19800401",
        "qualification_confirmation_date": "20261123",
        **extra,
    }


def request_xml(
    code: str = CLINIC, number: str = "5", identifier: str = "req-1", encoding: str = "UTF-8"
) -> bytes:
    text = f"""<?xml version="1.0" encoding="{encoding}" standalone="no"?>
<XmlMsg><MessageHeader><QualificationConfirmationDate>20261123</QualificationConfirmationDate>
<MedicalInstitutionCode>{code}</MedicalInstitutionCode><ArbitraryFileIdentifier>{identifier}</ArbitraryFileIdentifier>
</MessageHeader><MessageBody><QualificationConfirmSearchInfo><InsurerNumber>{KYOKAI_TOKYO.digits}</InsurerNumber>
<InsuredCardSymbol>１２３</InsuredCardSymbol><InsuredIdentificationNumber>{number}</InsuredIdentificationNumber>
<Birthdate>19800401</Birthdate><LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>
</QualificationConfirmSearchInfo></MessageBody></XmlMsg>"""
    return text.encode("cp932" if encoding == "Shift_JIS" else "utf-8")


@pytest.fixture
def populated(central: LiveCentral) -> LiveCentral:
    key = central.key(ActorKind.OPERATOR, "loader")
    with central.client(key, **{"Content-Type": "text/csv"}) as client:
        response = client.post("/api/v1/insurer/feeds", content="".join(feed_lines(POPULATION)).encode())
    assert response.json()["ok"], response.text
    return central


def audit_rows(central: LiveCentral) -> list[dict[str, Any]]:
    async def work(database: Database) -> list[dict[str, Any]]:
        async with database.read() as conn:
            rows = await conn.execute(select(audit_events).order_by(audit_events.c.id))
            return [dict(r) for r in rows.mappings()]

    return list(central.run(work))


def test_health(central: LiveCentral) -> None:
    with central.client() as client:
        assert client.get("/healthz").json()["status"] == "ok"


def test_confirmation_as_json(populated: LiveCentral) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key) as client:
        response = client.post(
            "/api/v1/confirmations", json=confirm_body("5", arbitrary_file_identifier="abc")
        )
    assert response.status_code == 200
    message = response.json()["XmlMsg"]
    assert message["MessageHeader"]["MedicalInstitutionCode"] == CLINIC
    assert message["MessageHeader"]["ArbitraryFileIdentifier"] == "abc"
    assert message["MessageBody"]["QualificationValidity"] == "1"
    (entry,) = message["MessageBody"]["ResultList"]
    assert entry["ResultOfQualificationConfirmation"]["Name"] == "髙橋\u3000𠮷子"
    assert entry["ResultOfQualificationConfirmation"]["NameKana"] == "ﾀｶﾊｼ ﾖｼｺ"


def test_lost_and_unknown(populated: LiveCentral) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key) as client:
        lost = client.post("/api/v1/confirmations", json=confirm_body("2")).json()["XmlMsg"]["MessageBody"]
        unknown = client.post("/api/v1/confirmations", json=confirm_body("9999")).json()["XmlMsg"][
            "MessageBody"
        ]
    assert (lost["QualificationValidity"], lost["ProcessingResultCode"]) == ("2", "ONSI2002")
    assert "死亡" in lost["ProcessingResultMessage"]
    assert (unknown["QualificationValidity"], unknown["ProcessingResultCode"]) == ("4", "ONSI2005")
    assert "ResultList" not in unknown


def test_confirmation_as_xml(populated: LiveCentral) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key, Accept="application/xml") as client:
        response = client.post("/api/v1/confirmations", json=confirm_body())
    assert response.headers["content-type"].startswith("application/xml")
    parsed = wire.parse(response.content, wire.MessageKind.SINGLE_INQUIRY_RESULT)
    assert parsed.document["MessageBody"]["QualificationValidity"] == "1"


@pytest.mark.parametrize("encoding", ["UTF-8", "Shift_JIS"])
def test_request_file_in_result_file_out(populated: LiveCentral, encoding: str) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key, **{"Content-Type": "application/xml"}) as client:
        response = client.post("/api/v1/confirmations/xml", content=request_xml(encoding=encoding))
    assert response.status_code == 200
    parsed = wire.parse(response.content, wire.MessageKind.SINGLE_INQUIRY_RESULT)
    assert parsed.encoding == encoding
    header = parsed.document["MessageHeader"]
    assert (header["ArbitraryFileIdentifier"], header["CharacterCodeIdentifier"]) == (
        "req-1",
        "1" if encoding == "Shift_JIS" else "0",
    )
    body = parsed.document["MessageBody"]
    assert body["QualificationConfirmSearchInfo"]["InsuredCardSymbol"] == "１２３"  # echoed as sent
    assert body["ResultList"][0]["ResultOfQualificationConfirmation"]["Name"] == "髙橋\u3000𠮷子"


def test_request_file_errors_are_error_results_and_audited(populated: LiveCentral) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key, **{"Content-Type": "application/xml"}) as client:
        malformed = client.post("/api/v1/confirmations/xml", content=b"<XmlMsg><broken")
        other = client.post("/api/v1/confirmations/xml", content=request_xml(code="1310000025"))
    for response, code in ((malformed, "ONSE9001"), (other, "ONSE9101")):
        parsed = wire.parse(response.content, wire.MessageKind.SINGLE_INQUIRY_RESULT)
        assert parsed.document["MessageHeader"]["SegmentOfResult"] == "9"
        assert parsed.document["MessageHeader"]["ErrorCode"] == code
        assert parsed.document["MessageBody"]["ProcessingResultStatus"] == "2"
    assert other.status_code == 403
    outcomes = [row["outcome"] for row in audit_rows(populated) if row["action"] == "confirm.numbers"]
    assert outcomes == ["error:ONSE9001", "error:ONSE9101"]


def test_bad_keys_are_422_with_a_wire_document(populated: LiveCentral) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key) as client:
        response = client.post("/api/v1/confirmations", json=confirm_body(insurer_number="01130013"))
    assert response.status_code == 422
    body = response.json()["XmlMsg"]["MessageBody"]
    assert (body["ProcessingResultStatus"], body["ProcessingResultCode"]) == ("2", "ONSP1003")
    assert "検証番号" in body["ProcessingResultMessage"]


def test_refusals_are_audited(populated: LiveCentral) -> None:
    insurer_key = populated.key(ActorKind.INSURER, KYOKAI_TOKYO.digits)
    orphan_key = populated.key(ActorKind.FACILITY, "1310000033")  # a key for an unregistered facility
    cases = [
        (None, 401, "missing_key"),
        ("onshi_fk_forged", 401, "unknown_key"),
        (insurer_key, 403, "forbidden"),
        (orphan_key, 403, "facility_unknown"),
    ]
    for key, status, code in cases:
        with populated.client(key) as client:
            response = client.post("/api/v1/confirmations", json=confirm_body())
        assert (response.status_code, response.json()["error"]["code"]) == (status, code)
    outcomes = [row["outcome"] for row in audit_rows(populated) if row["action"] == "confirm.numbers"]
    assert outcomes == [f"refused:{code}" for _, _, code in cases]


def test_suspended_facility_is_refused_at_once(populated: LiveCentral) -> None:
    key = populated.facility_key(CLINIC)
    with populated.client(key) as client:
        assert client.post("/api/v1/confirmations", json=confirm_body()).status_code == 200

        async def suspend(database: Database) -> None:
            async with database.write() as conn:
                await facilities.set_status(conn, FacilityCode.parse(CLINIC), FacilityStatus.SUSPENDED)

        populated.run(suspend)
        response = client.post("/api/v1/confirmations", json=confirm_body())
    assert (response.status_code, response.json()["error"]["code"]) == (403, "facility_suspended")


def test_insurer_feed_over_the_api(central: LiveCentral) -> None:
    insurer_key = central.key(ActorKind.INSURER, KYOKAI_TOKYO.digits)
    rows = [
        feed_row(),
        feed_row(insured_identification_number="7", birthdate="19800231"),
        feed_row(insurer_number=KENPO.digits, insurer_name="他の健保"),
    ]
    with central.client(insurer_key, **{"Content-Type": "text/csv"}) as client:
        report = client.post("/api/v1/insurer/feeds", content="".join(feed_lines(rows)).encode()).json()
        assert (report["ok"], report["rows_loaded"]) == (False, 1)
        assert [(r["line"], r["fields"]) for r in report["rejected"]] == [
            (3, ["birthdate"]),
            (4, ["insurer_number"]),
        ]
        status = client.get(f"/api/v1/insurer/imports/{report['import_id']}").json()
        assert (status["status"], [r["line"] for r in status["rejected"]]) == ("done", [3, 4])
        assert client.post("/api/v1/insurer/feeds", content=b"birth_date\n1\n").status_code == 400
        assert client.post("/api/v1/insurer/feeds", content="氏名".encode("cp932")).status_code == 415
    other_key = central.key(ActorKind.INSURER, KENPO.digits)
    with central.client(other_key) as client:
        assert client.get(f"/api/v1/insurer/imports/{report['import_id']}").status_code == 404
    facility_key = central.facility_key(CLINIC)
    with central.client(facility_key, **{"Content-Type": "text/csv"}) as client:
        assert client.post("/api/v1/insurer/feeds", content=b"x").status_code == 403


def test_database_down_is_a_technical_failure_not_a_verdict(tmp_path: object) -> None:
    """Central up, database unreachable: 503, Retry-After, ONSE9501 — eligibility NOT checked."""
    import threading
    import time

    import httpx
    import uvicorn

    from onshi.central.app import create_app
    from onshi.config import Settings
    from tests.central.conftest import free_port

    port = free_port()
    dead = f"postgresql://postgres@127.0.0.1:{free_port()}/nowhere"  # nothing listens there
    server = uvicorn.Server(uvicorn.Config(create_app(Settings(dead, 1)), port=port, log_level="critical"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    try:
        headers = {"Authorization": "Bearer onshi_fk_x"}
        response = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/confirmations", json=confirm_body(), headers=headers
        )
        xml = httpx.post(
            f"http://127.0.0.1:{port}/api/v1/confirmations/xml", content=request_xml(), headers=headers
        )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
    assert (response.status_code, response.headers["retry-after"]) == (503, "5")
    header = response.json()["XmlMsg"]["MessageHeader"]
    assert (header["SegmentOfResult"], header["ErrorCode"]) == ("9", "ONSE9501")
    assert "資格の有無の判定ではありません" in header["ErrorMessage"]
    parsed = wire.parse(xml.content, wire.MessageKind.SINGLE_INQUIRY_RESULT)
    assert parsed.document["MessageHeader"]["ErrorCode"] == "ONSE9501"
