"""PostgreSQL restarted under load: central answers 503 with Retry-After while the database is
gone (never a verdict, never a 500), then recovers by itself, and every confirmation it
answered has its audit record.

The server is a scratch cluster of its own (initdb in a temporary folder, unix socket only),
so restarting it cannot disturb the other tests' databases."""

from __future__ import annotations

import contextlib
import glob
import logging
import os
import shutil
import subprocess
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl
from onshi.store.integrity import run_checks
from onshi.store.migrate import upgrade
from onshi.store.schema import audit_events
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.central.test_api import POPULATION, confirm_body
from tests.factories import feed_lines
from tests.faults import fault_delay, replay

pytestmark = pytest.mark.xdist_group("database_restart")
log = logging.getLogger(__name__)

CLIENTS = 4
RESTART_AFTER = fault_delay("database-restart", 0.2, 1.5)  # seconds of load before the restart
RECOVERY_WITHIN = 30.0  # seconds after the server is back by which answers must be 200 again


def _bin(name: str) -> str | None:
    return shutil.which(name) or next(iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None)


class ScratchCluster:
    """A throwaway PostgreSQL cluster on a unix socket in its own folder."""

    def __init__(self, root: Path) -> None:
        self.root, self.data, self.port = root, root / "data", free_port()

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def pg_ctl(self, *arguments: str) -> None:
        self._run(str(_bin("pg_ctl")), "-D", str(self.data), "-l", str(self.root / "log"), "-w", *arguments)

    def start(self) -> None:
        self._run(
            str(_bin("initdb")), "-D", str(self.data), "-U", "postgres", "--auth=trust", "--locale=C.UTF-8"
        )
        with (self.data / "postgresql.conf").open("a") as conf:
            conf.write(
                f"listen_addresses = ''\nport = {self.port}\nunix_socket_directories = '{self.root}'\n"
            )
            conf.write("shared_buffers = 32MB\nfsync = on\n")
        self.pg_ctl("start")

    def createdb(self, name: str) -> None:
        self._run(str(_bin("createdb")), "-h", str(self.root), "-p", str(self.port), name)

    def url(self, database: str) -> str:
        return f"postgresql://postgres@/{database}?host={self.root}&port={self.port}"


@pytest.fixture
def cluster() -> Iterator[ScratchCluster]:
    if _bin("initdb") is None or _bin("pg_ctl") is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="onshi-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    scratch = ScratchCluster(root)
    try:
        scratch.start()
        yield scratch
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            scratch.pg_ctl("stop", "-m", "immediate")
        shutil.rmtree(root, ignore_errors=True)


def _load(
    client: httpx.Client, key: str, stop: threading.Event, seen: list[tuple[float, int, str | None]]
) -> None:
    while not stop.is_set():
        try:
            response = client.post(
                "/api/v1/confirmations", json=confirm_body(), headers={"Authorization": f"Bearer {key}"}
            )
            seen.append((time.monotonic(), response.status_code, response.headers.get("retry-after")))
        except httpx.TransportError:
            seen.append((time.monotonic(), 0, None))


def test_postgresql_restart_gives_clean_errors_then_recovers(cluster: ScratchCluster) -> None:
    cluster.createdb("onshi")
    database_url = cluster.url("onshi")
    upgrade(DatabaseUrl.parse(database_url))
    port = free_port()
    server = start_uvicorn(
        create_app(Settings(database_url=database_url, pool_size=4, rate_limit_per_second=0)), port
    )
    live = LiveCentral(f"http://127.0.0.1:{port}", database_url)
    try:
        loader = live.key(ActorKind.OPERATOR, "loader")
        with live.client(loader, **{"Content-Type": "text/csv"}) as client:
            assert client.post(
                "/api/v1/insurer/feeds", content="".join(feed_lines(POPULATION)).encode()
            ).json()["ok"]
        key = live.facility_key()
        stop, seen = threading.Event(), []  # type: ignore[var-annotated]
        clients = [httpx.Client(base_url=live.url, timeout=15) for _ in range(CLIENTS)]
        threads = [threading.Thread(target=_load, args=(c, key, stop, seen)) for c in clients]
        for thread in threads:
            thread.start()
        time.sleep(RESTART_AFTER)
        cluster.pg_ctl("stop", "-m", "immediate")  # as a crash: no clean shutdown of sessions
        time.sleep(0.5)
        cluster.pg_ctl("start")
        back = time.monotonic()
        deadline = back + RECOVERY_WITHIN
        while time.monotonic() < deadline and not any(t > back + 0.2 and s == 200 for t, s, _ in list(seen)):
            time.sleep(0.1)
        time.sleep(0.5)
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        for client in clients:
            client.close()
    finally:
        stop_uvicorn(server)

    statuses = Counter(status for _, status, _ in seen)
    log.info("restart under load: %s", dict(statuses))  # the figure docs/security.md quotes
    fault = replay("database-restart", RESTART_AFTER)
    assert set(statuses) <= {200, 503}, (statuses, fault)  # never a 500, never a dropped connection
    assert statuses[503] > 0, "the restart was not noticed: the test did not test anything"
    assert all(retry for _, status, retry in seen if status == 503), "a 503 without Retry-After"
    recovered = [status for t, status, _ in seen if t > back + 0.2]
    assert 200 in recovered, f"no answer after the restart within {RECOVERY_WITHIN} s"
    last = [status for _, status, _ in seen][-CLIENTS * 3 :]
    assert last == [200] * len(last), "central did not stay recovered"

    async def audited(database: Database) -> int:
        async with database.read() as conn:
            query = (
                select(func.count())
                .select_from(audit_events)
                .where(audit_events.c.action == "confirm.numbers")
            )
            return int((await conn.execute(query)).scalar_one())

    assert live.run(audited) >= statuses[200]  # every answered confirmation was audited

    async def findings(database: Database) -> list[str]:
        async with database.read() as conn:
            return [c.name for c in await run_checks(conn) if c.violations]

    assert live.run(findings) == []
