"""Central stopped (kill -9 of its server and its batch workers) in the middle of a 一括照会
uploaded through the terminal, then restarted: the batch completes, every entry answered once."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
from datetime import date
from pathlib import Path

from sqlalchemy import func, select

from onshi import wire
from onshi.config import Settings
from onshi.desk.outbox import InsuredKeys, bulk_inquiry
from onshi.domain.batch import MAX_ENTRIES
from onshi.domain.dates import now_jst
from onshi.store.database import Database
from onshi.store.schema import audit_events, batch_chunks
from onshi.terminal.bulk import download_request_for
from tests.central.conftest import free_port
from tests.factories import KYOKAI_TOKYO
from tests.terminal.conftest import FACILITY, TlsCentral, prepare
from tests.terminal.test_crash import start_central, start_terminal, wait_for

ENTRIES = MAX_ENTRIES // 2  # 10 chunks of 500
KEYS = InsuredKeys(KYOKAI_TOKYO.digits, "123", "456", "00", date(1980, 4, 1))


def start_worker(database_url: str) -> subprocess.Popen[bytes]:
    onshi = Path(sys.executable).with_name("onshi")
    env = {**os.environ, "ONSHI_DATABASE_URL": database_url}
    return subprocess.Popen(
        [str(onshi), "worker", "--processes", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own group: the kill reaches the worker's children too
    )


def query(database_url: str, statement: object) -> int:
    async def work() -> int:
        db = Database.open(database_url, pool_size=1)
        try:
            async with db.read() as conn:
                return int((await conn.execute(statement)).scalar_one())  # type: ignore[call-overload]
        finally:
            await db.close()

    return asyncio.run(work())


def done_chunks(database_url: str) -> int:
    return query(database_url, select(func.count()).where(batch_chunks.c.state == "done"))


def kill_9(process: subprocess.Popen[bytes], group: bool = False) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL) if group else os.kill(process.pid, signal.SIGKILL)
    process.wait()


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, and SIGKILL if it is still running after 15 s (this test is not about shutdown)."""
    process.terminate()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        kill_9(process)


def results(root: Path) -> Path | None:
    found = sorted((root / "res").glob("OQSmuquc02res_*.xml"))
    return found[-1] if found else None


def test_central_killed_mid_batch_then_restarted_answers_every_entry_once(
    database_url: str, tmp_path: Path
) -> None:
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    ssl = prepare(settings, database_url, tmp_path)
    port = free_port()
    live = TlsCentral(f"https://127.0.0.1:{port}", database_url, settings, port, ssl)
    live.credentials(tmp_path / "cred")
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    entries = [(str(n), KEYS) for n in range(ENTRIES)]
    name, upload = bulk_inquiry(FACILITY, entries, date(2026, 11, 24), "restart")
    central, worker = start_central(settings, port), start_worker(database_url)
    terminal = start_terminal(root, live, tmp_path / "cred")
    try:
        (root / "req" / name).write_bytes(upload)
        receipt = root / "res" / wire.result_filename(name)
        # Killed once answering has begun, whether or not the receipt reached the terminal yet
        # (if not, the terminal resends the upload and central finds the same batch).
        assert wait_for(lambda: done_chunks(database_url) >= 1)
        kill_9(central)
        kill_9(worker, group=True)
        assert done_chunks(database_url) < ENTRIES // 500, "the kill came too late to test anything"
        central, worker = start_central(settings, port), start_worker(database_url)

        def downloaded() -> bool:
            latest = results(root)
            if latest is not None:
                parsed = wire.parse(latest.read_bytes(), wire.MessageKind.BULK_INQUIRY_RESULT, lenient=True)
                if parsed.document["MessageHeader"].get("SegmentOfResult") == "1":
                    return True
                latest.unlink()  # 処理中: ask again
            if receipt.exists() and not list((root / "req").glob("*.xml")):
                again, content = download_request_for(receipt.name, receipt.read_bytes(), now_jst())
                (root / "req" / again).write_bytes(content)
            return False

        assert wait_for(downloaded, 120)
    finally:
        for process in (terminal, central):
            stop(process)
        kill_9(worker, group=True)
    document = wire.parse(results(root).read_bytes(), wire.MessageKind.BULK_INQUIRY_RESULT).document  # type: ignore[union-attr]
    units = document["MessageBody"]["BulkConfirmUnit"]
    identifiers = [unit["QualificationConfirmSearchInfo"]["ArbitraryIdentifier"] for unit in units]
    assert identifiers == [str(n) for n in range(ENTRIES)]
    assert {unit["QualificationValidity"] for unit in units} == {"1"}
    audited = query(database_url, select(func.count()).where(audit_events.c.action == "confirm.batch"))
    assert audited == ENTRIES  # each entry answered (and audited) exactly once
