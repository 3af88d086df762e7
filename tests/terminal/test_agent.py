"""The terminal agent against a real central over mutual TLS: files in, results out, once."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from onshi import wire
from onshi.central.app import create_app
from onshi.store import certificates
from onshi.store.database import Database
from onshi.store.schema import audit_events, terminal_requests
from onshi.terminal import files
from onshi.terminal.agent import TerminalAgent
from onshi.terminal.client import CentralClient, Credentials
from onshi.terminal.journal import Journal, State
from tests.central.conftest import free_port
from tests.central.test_api import request_xml
from tests.terminal.conftest import FACILITY, TlsCentral, start_server, stop_server

NAME = "OQSsiquc01req_20261123001.xml"


def result(root: Path, name: str = NAME) -> wire.Parsed:
    path = root / "res" / wire.result_filename(name)
    return wire.parse(path.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True)


async def run_until(agent: TerminalAgent, done: Callable[[], bool], seconds: float = 20) -> None:
    stop = asyncio.Event()
    task = asyncio.create_task(agent.run(stop))
    await poll(done, seconds)
    stop.set()
    await task


async def poll(done: Callable[[], bool], seconds: float) -> None:
    """Check a condition on files (no event to wait for) until it holds or time runs out."""
    deadline = time.monotonic() + seconds
    while not done() and time.monotonic() < deadline:  # noqa: ASYNC110
        await asyncio.sleep(0.05)


def drive(root: Path, central_url: str, credentials: Credentials, done, timeout: float = 20) -> None:  # type: ignore[no-untyped-def]
    async def main() -> None:
        client = CentralClient(central_url, credentials)
        try:
            await run_until(TerminalAgent(root, FACILITY, client), done, timeout)
        finally:
            await client.close()

    asyncio.run(main())


def results_in(root: Path) -> list[str]:
    folder = root / "res"
    return sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) if folder.exists() else []


def count(live: TlsCentral, table: object, *where: object) -> int:
    async def work(database):  # type: ignore[no-untyped-def]
        async with database.read() as conn:
            return (await conn.execute(select(func.count()).select_from(table).where(*where))).scalar_one()

    return int(live.run(work))


def test_a_dropped_request_gets_its_result_within_a_second(tls_central: TlsCentral, tmp_path: Path) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    (root / "req" / NAME).write_bytes(request_xml(FACILITY, "456", "id-1", "Shift_JIS"))
    started = time.monotonic()
    drive(root, tls_central.url, credentials, lambda: bool(results_in(root)))
    assert time.monotonic() - started < 5
    parsed = result(root)
    assert parsed.encoding == wire.SHIFT_JIS
    header = parsed.document["MessageHeader"]
    assert (header["SegmentOfResult"], header["ArbitraryFileIdentifier"]) == ("1", "id-1")
    assert parsed.document["MessageBody"]["QualificationValidity"] == "1"
    assert list((root / "req").iterdir()) == []


def test_malformed_and_foreign_files_get_error_results(tls_central: TlsCentral, tmp_path: Path) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    (root / "req" / NAME).write_bytes(b"<XmlMsg><MessageHeader>")  # cut off
    (root / "req" / "OQSsiquc01req_dtd.xml").write_bytes(b'<!DOCTYPE x [<!ENTITY a "b">]><XmlMsg/>')
    (root / "req" / "notes.xml").write_bytes(b"<x/>")
    (root / "req" / "in-progress.tmp").write_bytes(b"...")  # not a request: left alone
    (root / "req" / "YZKsiquc01req_later.xml").write_bytes(b"<XmlMsg/>")  # a kind not handled yet
    expected = [
        "OQSsiquc01res_20261123001.xml", "OQSsiquc01res_dtd.xml", "YZKsiquc01res_later.xml", "notes.xml",
        "notes.xml.err",
    ]  # fmt: skip
    drive(root, tls_central.url, credentials, lambda: results_in(root) == expected)
    assert results_in(root) == expected
    for name in (NAME, "OQSsiquc01req_dtd.xml"):
        header = result(root, name).document["MessageHeader"]
        assert header["SegmentOfResult"] == "9" and header["ErrorCode"].startswith("ONSE9")
    assert [p.name for p in (root / "req").iterdir()] == ["in-progress.tmp"]
    later = (root / "res" / "YZKsiquc01res_later.xml").read_bytes()
    document = wire.parse(later, wire.MessageKind("YZKsiquc01res"), lenient=True).document
    assert document["MessageHeader"]["SegmentOfResult"] == "9"


def test_many_concurrent_requests_never_mix_results(tls_central: TlsCentral, tmp_path: Path) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    for n in range(24):
        number = "456" if n % 2 else "457"
        (root / "req" / f"OQSsiquc01req_{n:04d}.xml").write_bytes(request_xml(FACILITY, number, f"id-{n}"))
    drive(root, tls_central.url, credentials, lambda: len(results_in(root)) == 24)
    for n in range(24):
        document = result(root, f"OQSsiquc01req_{n:04d}.xml").document
        assert document["MessageHeader"]["ArbitraryFileIdentifier"] == f"id-{n}"
        assert document["MessageBody"]["QualificationValidity"] == ("1" if n % 2 else "2")


def test_requests_wait_for_central_and_are_answered_once_it_is_back(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    (root / "req" / NAME).write_bytes(request_xml(FACILITY, "456", "late"))
    port = free_port()  # nothing listens here yet

    async def main() -> None:
        client = CentralClient(f"https://127.0.0.1:{port}", credentials)
        agent = TerminalAgent(root, FACILITY, client)
        stop = asyncio.Event()
        task = asyncio.create_task(agent.run(stop))
        await asyncio.sleep(1.5)
        assert results_in(root) == []
        assert Journal(root / ".onshi" / "journal.sqlite3").pending()[0].attempts >= 1
        server = await asyncio.to_thread(
            start_server,
            create_app(tls_central.settings),
            port,
            tls_central.ssl,  # type: ignore[attr-defined]
        )
        try:
            await poll(lambda: bool(results_in(root)), 30)
        finally:
            stop.set()
            await task
            await client.close()
            await asyncio.to_thread(stop_server, server)

    asyncio.run(main())
    assert result(root).document["MessageHeader"]["ArbitraryFileIdentifier"] == "late"


def test_a_restart_resumes_every_journal_state_without_duplicates(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    """The states a crash can leave: journaled but unsent; answered but not on disk; staged
    but not renamed; renamed (and picked up by the receipt computer) but not marked done."""
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "res").mkdir(parents=True)
    journal = Journal(root / ".onshi" / "journal.sqlite3")
    received = journal.receive("OQSsiquc01req_a.xml", request_xml(FACILITY, "456", "a"))
    journal.consumed(received.id)
    answered = journal.receive("OQSsiquc01req_b.xml", b"-")
    journal.answered(answered.id, "OQSsiquc01res_b.xml", b"<b/>")
    staged = journal.receive("OQSsiquc01req_c.xml", b"-")
    journal.answered(staged.id, "OQSsiquc01res_c.xml", b"<c/>")
    files.stage(root / "res", staged.id, b"<c/>")
    journal.staged(staged.id)
    picked_up = journal.receive("OQSsiquc01req_d.xml", b"-")
    journal.answered(picked_up.id, "OQSsiquc01res_d.xml", b"<d/>")
    journal.staged(picked_up.id)  # renamed, then consumed by the receipt computer: no temp file left
    journal.close()
    done = lambda: len(results_in(root)) == 3  # noqa: E731
    drive(root, tls_central.url, credentials, done)
    assert results_in(root) == ["OQSsiquc01res_a.xml", "OQSsiquc01res_b.xml", "OQSsiquc01res_c.xml"]
    assert (root / "res" / "OQSsiquc01res_c.xml").read_bytes() == b"<c/>"
    journal = Journal(root / ".onshi" / "journal.sqlite3")
    assert journal.counts() == {State.DONE.value: 4}


def test_a_resent_request_is_answered_from_the_store_not_run_again(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")

    async def main() -> tuple[tuple[str, bytes], tuple[str, bytes]]:
        client = CentralClient(tls_central.url, credentials)
        try:
            first = await client.send("req-1", NAME, request_xml(FACILITY, "456"))
            second = await client.send("req-1", NAME, request_xml(FACILITY, "456"))
            return first, second
        finally:
            await client.close()

    first, second = asyncio.run(main())
    assert first == second
    assert count(tls_central, terminal_requests) == 1
    assert count(tls_central, audit_events, audit_events.c.action == "confirm.numbers") == 1


def forged(tmp_path: Path) -> Credentials:
    """A certificate from another CA, for the same facility code."""
    from onshi.security.facility_ca import FacilityCA, write_credentials

    other = FacilityCA.open(tmp_path / "other-ca")
    write_credentials(tmp_path / "forged", other.issue_facility(FACILITY), other, "terminal")
    return Credentials(tmp_path / "forged" / "terminal.crt", tmp_path / "forged" / "terminal.key", Path())


def post(live: TlsCentral, credentials: Credentials, ca: Path) -> httpx.Response:
    import ssl

    context = ssl.create_default_context(cafile=str(ca))
    context.load_cert_chain(str(credentials.certificate), str(credentials.key))
    with httpx.Client(base_url=live.url, verify=context, timeout=10) as client:
        return client.post(
            "/api/v1/terminal/requests",
            content=request_xml(FACILITY, "456"),
            headers={"X-Onshi-Filename": NAME, "X-Onshi-Request-Id": "r1"},
        )


async def revoke_all(database: Database) -> None:
    async with database.write() as conn:
        for record in await certificates.for_facility(conn, FACILITY):
            await certificates.revoke(conn, record.serial, "lost")


def test_forged_expired_and_revoked_certificates_are_refused(tls_central: TlsCentral, tmp_path: Path) -> None:
    good = tls_central.credentials(tmp_path / "good")
    assert post(tls_central, good, good.ca).status_code == 200
    with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
        post(tls_central, forged(tmp_path), good.ca)  # refused in the handshake
    import datetime as dt

    expired = tls_central.credentials(
        tmp_path / "expired", days=1, not_before=dt.datetime.now(dt.UTC) - dt.timedelta(days=3)
    )
    with pytest.raises((httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError)):
        post(tls_central, expired, good.ca)

    tls_central.run(revoke_all)
    response = post(tls_central, good, good.ca)
    assert (response.status_code, response.json()["error"]["code"]) == (401, "revoked_certificate")


def test_a_revoked_terminal_writes_an_error_result_for_the_counter(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")

    tls_central.run(revoke_all)
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    (root / "req" / NAME).write_bytes(request_xml(FACILITY, "456", "x"))
    drive(root, tls_central.url, credentials, lambda: bool(results_in(root)))
    header = result(root).document["MessageHeader"]
    assert (header["SegmentOfResult"], header["ErrorCode"], header["ArbitraryFileIdentifier"]) == (
        "9",
        "ONSE9102",
        "x",
    )
    assert "失効" in header["ErrorMessage"]


def test_a_reference_number_registration_file_is_answered(tls_central: TlsCentral, tmp_path: Path) -> None:
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    request = {
        "MessageHeader": {"MedicalInstitutionCode": FACILITY, "ArbitraryFileIdentifier": "reg-1"},
        "MessageBody": {
            "ReferenceNumberRegistrationInfo": {
                "ReferenceNumber": "P000123",
                "InsurerNumber": "01130012",
                "InsuredCardSymbol": "123",
                "InsuredIdentificationNumber": "456",
                "InsuredBranchNumber": "00",
            }
        },
    }
    name = "OQSsiimm01req_reg1.xml"
    (root / "req" / name).write_bytes(wire.to_xml(request, wire.MessageKind.REFERENCE_NUMBER_REQUEST))
    drive(root, tls_central.url, credentials, lambda: bool(results_in(root)))
    data = (root / "res" / "OQSsiimm01res_reg1.xml").read_bytes()
    document = wire.parse(data, wire.MessageKind.REFERENCE_NUMBER_RESULT, lenient=True).document
    assert document["MessageBody"]["ReferenceNumber"] == "P000123"
    assert document["MessageBody"]["ProcessingResultStatus"] == "1", document


def test_a_bulk_inquiry_goes_through_the_terminal_in_two_steps(
    tls_central: TlsCentral, tmp_path: Path
) -> None:
    from onshi.services.batch_worker import run_worker
    from tests.services.test_bulk_files import download, upload

    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    (root / "req" / "OQSmuquc01req_20261123001.xml").write_bytes(upload(FACILITY, 4))
    drive(root, tls_central.url, credentials, lambda: bool(results_in(root)))
    receipt = (root / "res" / "OQSmuquc01res_20261123001.xml").read_bytes()
    number = wire.parse(receipt, wire.MessageKind.BULK_INQUIRY_RECEIPT).document["MessageBody"][
        "ReceptionNumber"
    ]

    async def work(database: Database) -> int:
        return await run_worker(database, asyncio.Event(), until_idle=True)

    assert tls_central.run(work) == 1
    (root / "req" / "OQSmuquc02req_20261123002.xml").write_bytes(download(number))
    drive(root, tls_central.url, credentials, lambda: len(results_in(root)) == 2)
    data = (root / "res" / "OQSmuquc02res_20261123002.xml").read_bytes()
    document = wire.parse(data, wire.MessageKind.BULK_INQUIRY_RESULT).document
    assert document["MessageHeader"]["NumberOfProcessingResult"] == "4"
    assert [u["QualificationValidity"] for u in document["MessageBody"]["BulkConfirmUnit"]] == [
        "1",
        "4",
        "1",
        "4",
    ]
