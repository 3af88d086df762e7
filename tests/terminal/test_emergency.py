"""The emergency function end to end: a batch pre-check through the terminal, the operator's
switch, an outage of central, answers from the pre-check marked ONSW3001, nothing invented
for people without one, and central's real answers written as `…_reconciled.xml` once it is
back — each confirmed and audited once. Then every crash state of a reconciliation."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from onshi import wire
from onshi.central.app import create_app
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.services import emergency
from onshi.services.batch_worker import run_worker
from onshi.store.database import Database
from onshi.store.schema import audit_events
from onshi.terminal import files
from onshi.terminal.agent import TerminalAgent
from onshi.terminal.client import CentralClient
from onshi.terminal.journal import Journal, Reconcile, State
from tests.central.conftest import free_port
from tests.central.test_api import request_xml
from tests.factories import KYOKAI_TOKYO
from tests.terminal.conftest import FACILITY, TlsCentral, start_server, stop_server
from tests.terminal.test_agent import poll, results_in

K = wire.MessageKind
OPERATOR = Actor(ActorKind.OPERATOR, "ops-tanaka", Channel.CLI)
POLL = 0.1  # seconds between the agent's emergency polls (30 in production)


def bulk_upload(numbers: list[str], on: str = "20261123") -> bytes:
    people = [
        {
            "InsurerNumber": KYOKAI_TOKYO.digits,
            "InsuredCardSymbol": "123",
            "InsuredIdentificationNumber": number,
            "Birthdate": "19800401",
            "LimitApplicationCertificateRelatedConsFlg": "0",
            "ArbitraryIdentifier": f"patient-{number}",
        }
        for number in numbers
    ]
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": on,
            "MedicalInstitutionCode": FACILITY,
            "ArbitraryFileIdentifier": "tomorrow",
        },
        "MessageBody": {"QualificationConfirmSearchInfo": people},
    }
    return wire.to_xml(document, K.BULK_INQUIRY_REQUEST, wire.SHIFT_JIS)


def download(reception_number: str) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": FACILITY},
        "MessageBody": {"ReceptionNumber": reception_number},
    }
    return wire.to_xml(document, K.BULK_INQUIRY_DOWNLOAD_REQUEST)


def single(root: Path, name: str) -> dict[str, Any]:
    return wire.parse((root / "res" / name).read_bytes(), K.SINGLE_INQUIRY_RESULT).document


def drop(root: Path, name: str, data: bytes) -> None:
    files.write_atomically(root / "req" / name, data)


def attempts(agent: TerminalAgent, name: str) -> int:
    return sum(entry.attempts for entry in agent.journal.pending() if entry.filename == name)


def confirmations(live: TlsCentral, number: str) -> int:
    async def work(database: Database) -> int:
        query = select(func.count()).where(
            audit_events.c.action == "confirm.numbers", audit_events.c.subject_key.like(f"%:{number}:%")
        )
        async with database.read() as conn:
            return int((await conn.execute(query)).scalar_one())

    return int(live.run(work))


async def precheck_through_the_terminal(live: TlsCentral, root: Path) -> None:
    """一括照会 for tomorrow's appointments: upload, the workers answer, download."""
    drop(root, "OQSmuquc01req_pre.xml", bulk_upload(["456", "457"]))
    await poll(lambda: (root / "res" / "OQSmuquc01res_pre.xml").exists(), 20)
    receipt = (root / "res" / "OQSmuquc01res_pre.xml").read_bytes()
    number = wire.parse(receipt, K.BULK_INQUIRY_RECEIPT).document["MessageBody"]["ReceptionNumber"]

    async def work(database: Database) -> int:
        return await run_worker(database, asyncio.Event(), until_idle=True)

    assert await asyncio.to_thread(live.run, work) == 1
    drop(root, "OQSmuquc02req_pre.xml", download(number))
    await poll(lambda: (root / "res" / "OQSmuquc02res_pre.xml").exists(), 20)


def switch_on_tokyo(live: TlsCentral) -> int:
    async def work(database: Database) -> int:
        switched = await emergency.switch_on(database, OPERATOR, "prefecture", "13", "東京都内の回線障害")
        return switched.switch.id

    return int(live.run(work))


def test_an_outage_is_answered_from_the_precheck_and_reconciled_when_central_is_back(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    port = free_port()  # a central of its own, to stop and start again
    valid, lost, unknown = "OQSsiquc01req_a.xml", "OQSsiquc01req_b.xml", "OQSsiquc01req_c.xml"
    reconciled = ["OQSsiquc01res_a_reconciled.xml", "OQSsiquc01res_b_reconciled.xml"]

    async def main() -> None:
        server = await asyncio.to_thread(
            start_server, create_app(tls_central.settings), port, tls_central.ssl
        )
        client = CentralClient(f"https://127.0.0.1:{port}", credentials)
        agent = TerminalAgent(root, FACILITY, client, emergency_poll_seconds=POLL)
        stop = asyncio.Event()
        task = asyncio.create_task(agent.run(stop))
        try:
            await precheck_through_the_terminal(tls_central, root)
            switch_id = await asyncio.to_thread(switch_on_tokyo, tls_central)
            await poll(lambda: agent.emergency.state.active, 20)
            assert agent.emergency.state.switch_id == switch_id

            await asyncio.to_thread(stop_server, server)  # the outage
            drop(root, valid, request_xml(FACILITY, "456", "id-a", "Shift_JIS"))
            drop(root, lost, request_xml(FACILITY, "457", "id-b"))
            drop(root, unknown, request_xml(FACILITY, "5", "id-c"))  # not in the pre-check
            await poll(lambda: {"OQSsiquc01res_a.xml", "OQSsiquc01res_b.xml"} <= set(results_in(root)), 20)
            await poll(lambda: attempts(agent, unknown) >= 2, 20)
            assert "OQSsiquc01res_c.xml" not in results_in(root)  # retried, nothing invented
            assert not set(reconciled) & set(results_in(root))

            server = await asyncio.to_thread(
                start_server, create_app(tls_central.settings), port, tls_central.ssl
            )  # central is back
            expected = {"OQSsiquc01res_c.xml", *reconciled}
            await poll(lambda: expected <= set(results_in(root)), 60)
        finally:
            stop.set()
            await task
            await client.close()
            await asyncio.to_thread(stop_server, server)

    asyncio.run(main())

    for name, validity, identifier in [("a", "1", "id-a"), ("b", "2", "id-b")]:
        answer = single(root, f"OQSsiquc01res_{name}.xml")
        header, body = answer["MessageHeader"], answer["MessageBody"]
        assert (header["SegmentOfResult"], header["ArbitraryFileIdentifier"]) == ("1", identifier)
        assert header["QualificationConfirmationDate"] == "20261123"
        assert (body["ProcessingResultStatus"], body["ProcessingResultCode"]) == ("1", "ONSW3001")
        assert body["ProcessingResultMessage"].startswith("緊急時資格確認機能による回答（")
        assert body["ProcessingResultMessage"].endswith(" の一括照会結果）")
        assert body["QualificationValidity"] == validity
        (entry,) = body["ResultList"]
        assert entry["ResultOfQualificationConfirmation"]["Name"] == "山田　太郎"
        assert body["QualificationConfirmSearchInfo"]["InsuredCardSymbol"] == "１２３"  # this request's echo

        real = single(root, f"OQSsiquc01res_{name}_reconciled.xml")
        assert real["MessageHeader"]["ArbitraryFileIdentifier"] == identifier
        assert real["MessageBody"]["QualificationValidity"] == validity
        assert real["MessageBody"].get("ProcessingResultCode") != "ONSW3001"
    assert wire.parse(
        (root / "res" / "OQSsiquc01res_a.xml").read_bytes(), K.SINGLE_INQUIRY_RESULT
    ).encoding == (wire.SHIFT_JIS)
    assert single(root, "OQSsiquc01res_c.xml")["MessageBody"]["QualificationValidity"] == "4"
    assert "OQSsiquc01res_c_reconciled.xml" not in results_in(
        root
    )  # answered by central: nothing to reconcile
    assert [confirmations(tls_central, number) for number in ("456", "457", "5")] == [1, 1, 1]
    journal = Journal(root / ".onshi" / "journal.sqlite3")
    try:
        assert journal.emergency_counts() == {Reconcile.DONE.value: 2}
    finally:
        journal.close()


def test_every_crash_state_of_a_reconciliation_resumes_without_loss_or_duplicates(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    """Answered in emergency mode, then stopped: before central's answer (a), with it journaled
    (b), staged (c), renamed and picked up (d), and before the emergency answer itself was
    delivered (e)."""
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "res").mkdir(parents=True)
    journal = Journal(root / ".onshi" / "journal.sqlite3")

    def answered(name: str, number: str, delivered: bool = True) -> str:
        entry = journal.receive(f"OQSsiquc01req_{name}.xml", request_xml(FACILITY, number, name))
        journal.consumed(entry.id)
        journal.answered_in_emergency(entry.id, f"OQSsiquc01res_{name}.xml", f"<{name}/>".encode())
        if delivered:
            journal.done(entry.id)
        return entry.id

    answered("a", "456")
    b = answered("b", "457")
    journal.reconciled(b, "OQSsiquc01res_b_reconciled.xml", b"<b-real/>")
    c = answered("c", "456")
    journal.reconciled(c, "OQSsiquc01res_c_reconciled.xml", b"<c-real/>")
    files.stage(root / "res", f"{c}_reconciled", b"<c-real/>")
    journal.reconciliation_staged(c)
    d = answered("d", "457")
    journal.reconciled(d, "OQSsiquc01res_d_reconciled.xml", b"<d-real/>")
    journal.reconciliation_staged(d)  # renamed, then taken by the receipt computer
    answered("e", "456", delivered=False)
    journal.close()

    expected = [
        "OQSsiquc01res_a_reconciled.xml", "OQSsiquc01res_b_reconciled.xml", "OQSsiquc01res_c_reconciled.xml",
        "OQSsiquc01res_e.xml", "OQSsiquc01res_e_reconciled.xml",
    ]  # fmt: skip

    async def main() -> None:
        client = CentralClient(tls_central.url, credentials)
        agent = TerminalAgent(root, FACILITY, client, emergency_poll_seconds=POLL)
        stop = asyncio.Event()
        task = asyncio.create_task(agent.run(stop))
        try:
            await poll(lambda: results_in(root) == expected, 30)
        finally:
            stop.set()
            await task
            await client.close()

    asyncio.run(main())
    assert results_in(root) == expected
    assert (root / "res" / "OQSsiquc01res_b_reconciled.xml").read_bytes() == b"<b-real/>"
    assert (root / "res" / "OQSsiquc01res_c_reconciled.xml").read_bytes() == b"<c-real/>"
    assert (root / "res" / "OQSsiquc01res_e.xml").read_bytes() == b"<e/>"
    for name in ("a", "e"):
        real = single(root, f"OQSsiquc01res_{name}_reconciled.xml")
        assert real["MessageHeader"]["ArbitraryFileIdentifier"] == name
    assert not [p for p in (root / "res").iterdir() if p.name.startswith(".")]
    journal = Journal(root / ".onshi" / "journal.sqlite3")
    try:
        assert journal.emergency_counts() == {Reconcile.DONE.value: 5}
        assert journal.counts() == {State.DONE.value: 5}
    finally:
        journal.close()
    assert confirmations(tls_central, "456") == 2  # a and e: the ones central had not answered yet


def test_the_terminal_asks_central_over_mutual_tls(tls_central: TlsCentral, tmp_path: Path) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    switch_id = switch_on_tokyo(tls_central)

    async def main() -> Any:
        client = CentralClient(tls_central.url, credentials)
        try:
            return await client.emergency()
        finally:
            await client.close()

    answer = asyncio.run(main())
    assert (answer["active"], answer["switch_id"], answer["scope"]) == (True, switch_id, "prefecture")
    assert answer["reason"] == "東京都内の回線障害"
