"""The desk beside a real terminal agent and a real central (mutual TLS), as a clinic runs them.

`stack` starts central (HTTPS, client certificates), the terminal agent on a folder (its own
thread and event loop), and the desk app (uvicorn) on that folder, with one staff account.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from onshi.desk import store
from onshi.desk.context import Desk, DeskSettings
from onshi.desk.web import create_app
from onshi.domain.dates import now_jst
from onshi.reader.facefile import write_face_file
from onshi.services.batch_worker import run_worker
from onshi.store.database import Database
from onshi.terminal.agent import TerminalAgent
from onshi.terminal.client import CentralClient, Credentials
from tests.central.conftest import free_port, start_uvicorn, stop_uvicorn
from tests.factories import KYOKAI_TOKYO
from tests.terminal.conftest import FACILITY, TlsCentral, tls_central  # noqa: F401 (the fixture)

STAFF, PASSWORD = "uketsuke", "desk-password-1"


class LoopThread:
    """A coroutine `main(stop)` on its own event loop in a thread, until `stop()`."""

    def __init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main())
        finally:
            self._loop.close()

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        await self.main(self._stop)

    async def main(self, stop: asyncio.Event) -> None:
        raise NotImplementedError

    def start(self) -> LoopThread:
        self._thread.start()
        return self

    def stop(self) -> None:
        if not self._thread.is_alive():
            return
        while self._stop is None:
            time.sleep(0.01)
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=15)


class AgentThread(LoopThread):
    """The terminal agent (the desk never talks to it, only to its folders)."""

    def __init__(self, root: Path, url: str, credentials: Credentials) -> None:
        super().__init__()
        self.root, self.url, self.credentials = root, url, credentials

    async def main(self, stop: asyncio.Event) -> None:
        client = CentralClient(self.url, self.credentials)
        try:
            await TerminalAgent(self.root, FACILITY, client).run(stop)
        finally:
            await client.close()


class WorkerThread(LoopThread):
    """Central's batch worker (answers 一括照会 chunks)."""

    def __init__(self, database_url: str) -> None:
        super().__init__()
        self.database_url = database_url

    async def main(self, stop: asyncio.Event) -> None:
        db = Database.open(self.database_url, pool_size=2)
        try:
            await run_worker(db, stop)
        finally:
            await db.close()


@dataclass
class Stack:
    central: TlsCentral
    root: Path
    desk_url: str
    database_url: str
    agent: AgentThread

    @contextlib.contextmanager
    def client(self) -> Iterator[httpx.Client]:
        """An HTTP client logged in as the staff account."""
        with httpx.Client(base_url=self.desk_url, timeout=10, follow_redirects=True) as client:
            response = client.post("/login", data={"login": STAFF, "password": PASSWORD, "next": "/"})
            assert response.status_code == 200, response.text
            yield client


def wait_for(condition: Callable[[], object], seconds: float = 20) -> object:
    """Poll `condition` (files and pages have no event to wait on) until it is truthy."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"condition not met within {seconds} s")


def add_staff(database_url: str) -> None:
    async def work() -> None:
        db = Database.open(database_url, pool_size=1)
        try:
            await store.prepare(db)
            async with db.write() as conn:
                await store.add_staff(conn, STAFF, "受付 花子", PASSWORD)
        finally:
            await db.close()

    asyncio.run(work())


def start_desk(root: Path, database_url: str, **options: float) -> tuple[str, object]:
    add_staff(database_url)
    settings = DeskSettings(root, FACILITY, database_url, "テスト診療所", **options)
    port = free_port()
    server = start_uvicorn(create_app(Desk(settings)), port)
    return f"http://127.0.0.1:{port}", server


@pytest.fixture
def stack(tls_central: TlsCentral, database_url: str, tmp_path: Path) -> Iterator[Stack]:  # noqa: F811
    credentials = tls_central.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    agent = AgentThread(root, tls_central.url, credentials).start()
    worker = WorkerThread(tls_central.database_url).start()
    url, server = start_desk(root, database_url, answer_timeout=3.0, download_retry=0.5)
    try:
        yield Stack(tls_central, root, url, database_url, agent)
    finally:
        stop_uvicorn(server)  # type: ignore[arg-type]
        agent.stop()
        worker.stop()


def face_document(reference: str | None = None, validity: str = "1", **entry: str) -> dict[str, object]:
    """A face-reader result as the terminal writes it into `face` (the insured person of
    tests.terminal.conftest by default; override any ResultOfQualificationConfirmation item)."""
    now = now_jst()
    person = {
        "InsuredCardClassification": "01",
        "InsurerNumber": KYOKAI_TOKYO.wire,
        "InsuredCardSymbol": "123",
        "InsuredIdentificationNumber": "456",
        "InsuredBranchNumber": "00",
        "PersonalFamilyClassification": "1",
        "Name": "山田　太郎",
        "NameKana": "ﾔﾏﾀﾞ ﾀﾛｳ",
        "Sex1": "1",
        "Birthdate": "19800401",
        "InsurerName": "全国健康保険協会東京支部",
        "ReferenceNumber": reference,
        **entry,
    }
    return {
        "MessageHeader": {
            "ProcessExecutionTime": f"{now:%Y%m%d%H%M%S}",
            "QualificationConfirmationDate": f"{now:%Y%m%d}",
            "MedicalInstitutionCode": FACILITY,
            "ArbitraryFileIdentifier": "ArnHCeDfNjMCFzg=",
            "ReferenceClassification": "1",
            "SegmentOfResult": "1",
            "CharacterCodeIdentifier": "0",
        },
        "MessageBody": {
            "ProcessingResultStatus": "1",
            "QualificationValidity": validity,
            "ResultList": [{"ResultOfQualificationConfirmation": {k: v for k, v in person.items() if v}}],
        },
    }


def drop_face_file(root: Path, document: dict[str, object]) -> Path:
    return write_face_file(root, document)
