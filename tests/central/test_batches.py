"""Batch inquiry over the facility API (real HTTP, both backends): 202 with a reception
number, processing until a worker answers, then the results; XML on request."""

from __future__ import annotations

import asyncio

from onshi import wire
from onshi.services.batch_worker import run_worker
from onshi.store.database import Database
from tests.central.conftest import LiveCentral
from tests.central.test_api import populated  # noqa: F401 — fixture
from tests.factories import KYOKAI_TOKYO


def entry(number: str, identifier: str, **extra: str) -> dict[str, str]:
    return {
        "insurer_number": KYOKAI_TOKYO.digits,
        "insured_card_symbol": "123",
        "insured_identification_number": number,
        "birthdate": "19800401",
        "arbitrary_identifier": identifier,
        **extra,
    }


BODY = {
    "qualification_confirmation_date": "20261124",
    "entries": [entry("456", "a"), entry("2", "b"), entry("456", "c", insurer_number="12345678")],
}


def drain(central: LiveCentral) -> None:
    async def work(database: Database) -> int:
        return await run_worker(database, asyncio.Event(), until_idle=True)

    central.run(work)


def test_submit_poll_and_read_results(populated: LiveCentral) -> None:  # noqa: F811
    key = populated.facility_key()
    with populated.client(key) as client:
        submitted = client.post("/api/v1/batches", json=BODY)
        assert submitted.status_code == 202, submitted.text
        receipt = submitted.json()
        number = receipt["reception_number"]
        assert (receipt["status"], receipt["entries"], receipt["duplicate"]) == ("processing", 3, False)
        assert submitted.headers["location"] == f"/api/v1/batches/{number}"
        assert client.get(f"/api/v1/batches/{number}").json()["status"] == "processing"
        pending_xml = client.get(f"/api/v1/batches/{number}", headers={"Accept": "application/xml"})
        parsed = wire.parse(pending_xml.content, wire.MessageKind.BULK_INQUIRY_RESULT)
        assert parsed.document["MessageHeader"]["SegmentOfResult"] == "2"
        drain(populated)
        done = client.get(f"/api/v1/batches/{number}").json()
        assert (done["status"], done["answered"], done["normal"], done["errors"]) == ("done", 3, 2, 1)
        units = done["results"]
        assert [u["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for u in units] == ["a", "b", "c"]
        assert [u.get("QualificationValidity") for u in units] == ["1", "2", None]
        assert units[2]["ProcessingResultStatus"] == "2"
        as_xml = client.get(f"/api/v1/batches/{number}", headers={"Accept": "application/xml"})
        result = wire.parse(as_xml.content, wire.MessageKind.BULK_INQUIRY_RESULT).document
        assert len(result["MessageBody"]["BulkConfirmUnit"]) == 3
        again = client.post("/api/v1/batches", json=BODY)
        assert again.status_code == 200 and again.json()["reception_number"] == number
        assert again.json()["duplicate"] is True


def test_other_facilities_and_bad_requests(populated: LiveCentral) -> None:  # noqa: F811
    mine, theirs = populated.facility_key(), populated.facility_key("1310000025")
    with populated.client(mine) as client:
        number = client.post("/api/v1/batches", json=BODY).json()["reception_number"]
        assert client.post("/api/v1/batches", json={"entries": []}).status_code == 422
        bad_date = client.post(
            "/api/v1/batches", json={**BODY, "qualification_confirmation_date": "20261131"}
        )
        assert bad_date.status_code == 422
    with populated.client(theirs) as client:
        assert client.get(f"/api/v1/batches/{number}").status_code == 404
    with populated.client() as anonymous:
        assert anonymous.post("/api/v1/batches", json=BODY).status_code == 401
        assert anonymous.get(f"/api/v1/batches/{number}").status_code == 401
