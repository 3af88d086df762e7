"""kill -9 of central while card readers confirm with consent, then a restart: every consent the
reader was told was registered is stored, every stored consent has its audit record, every
answered card confirmation was audited, and the database passes its integrity checks."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from onshi.card.protocol import surface_to_json
from onshi.config import Settings
from onshi.store.database import Database
from onshi.store.integrity import run_checks
from onshi.store.schema import audit_events, consent_grants
from tests.card.support import issue, run, unlocked
from tests.card.support import signed_body as sign
from tests.central.conftest import LiveCentral, free_port
from tests.central.test_card import CLINIC, ROWS, SOME_CONSENT, facility_key
from tests.faults import fault_count, replay
from tests.services.test_insurer_import import load
from tests.terminal.test_crash import start_central, wait_for

pytestmark = pytest.mark.xdist_group("consent_crash")

READERS = 3
KILL_AFTER = fault_count("consents", 1, 16)  # consents acknowledged before the kill
TOTAL = KILL_AFTER + 12  # consents acknowledged by the end


class Readers:
    """Card readers at one counter, confirming with consent again and again."""

    def __init__(self, url: str, key: str, card: Path) -> None:
        self.url, self.key, self.card = url, key, unlocked(card)
        self.acknowledged = 0
        self.statuses: Counter[int] = Counter()
        self.stop = threading.Event()
        self._lock = threading.Lock()

    def once(self, client: httpx.Client, register: bool = False) -> int:
        challenge = client.post("/api/v1/card/challenges")
        if challenge.status_code != 200:
            return challenge.status_code
        surface = surface_to_json(self.card.surface) if register else None
        body = sign(self.card, challenge.json()["challenge"], CLINIC, SOME_CONSENT, surface)
        return client.post("/api/v1/card/confirmations", json=body).status_code

    def loop(self) -> None:
        with httpx.Client(
            base_url=self.url, headers={"Authorization": f"Bearer {self.key}"}, timeout=10
        ) as client:
            while not self.stop.is_set():
                try:
                    status = self.once(client)
                except httpx.TransportError:
                    status = 0  # central is down: the reader would say "not verified" and retry
                    time.sleep(0.05)
                with self._lock:
                    self.statuses[status] += 1
                    self.acknowledged += status == 200


def test_kill_9_mid_consents_loses_no_consent_and_no_audit_record(database_url: str, tmp_path: Path) -> None:
    assert run(database_url, lambda db: load(db, ROWS)).ok
    key = facility_key(LiveCentral("", database_url), CLINIC, smartphone=False)
    settings = Settings(
        database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki", rate_limit_per_second=0
    )
    issue(database_url, settings.jlis_dir, tmp_path / "card.json")
    port = free_port()
    central = start_central(settings, port, tls=False)
    readers = Readers(f"http://127.0.0.1:{port}", key, tmp_path / "card.json")
    try:
        with httpx.Client(base_url=readers.url, headers={"Authorization": f"Bearer {key}"}) as client:
            assert readers.once(client, register=True) == 200  # the card's first use links it
        threads = [threading.Thread(target=readers.loop) for _ in range(READERS)]
        for thread in threads:
            thread.start()
        assert wait_for(lambda: readers.acknowledged >= KILL_AFTER)
        os.kill(central.pid, signal.SIGKILL)
        central.wait()
        central = start_central(settings, port, tls=False)
        assert wait_for(lambda: readers.acknowledged >= TOTAL)
        readers.stop.set()
        for thread in threads:
            thread.join(timeout=30)
    finally:
        readers.stop.set()
        central.terminate()
        central.wait(timeout=30)

    fault = replay("consents", KILL_AFTER)
    assert set(readers.statuses) <= {0, 200}, (
        readers.statuses,
        fault,
    )  # refused only while down, never a 500
    assert readers.statuses[0] > 0, "no reader met the outage: the kill tested nothing"

    async def counts(database: Database) -> tuple[int, int, int, list[str]]:
        async with database.read() as conn:
            grants = (await conn.execute(select(func.count()).select_from(consent_grants))).scalar_one()

            async def audited(action: str) -> int:
                query = select(func.count()).select_from(audit_events).where(audit_events.c.action == action)
                return int((await conn.execute(query)).scalar_one())

            findings = [c.name for c in await run_checks(conn) if c.violations]
            return int(grants), await audited("consent.grant"), await audited("card.confirm"), findings

    grants, grant_events, confirm_events, findings = run(database_url, counts)
    acknowledged = readers.acknowledged + 1  # with the registering confirmation
    assert grants >= acknowledged, (
        fault
    )  # a consent answered 200 is stored (one in flight may be stored unanswered)
    assert grant_events == grants  # …and never without its audit record
    assert confirm_events >= acknowledged
    assert findings == []
