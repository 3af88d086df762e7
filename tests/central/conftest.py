"""A real central over real HTTP (uvicorn on a free loopback port) for each database backend."""

from __future__ import annotations

import asyncio
import random
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.store import apikeys, facilities
from onshi.store.database import Database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def free_port_block(count: int) -> int:
    """The first of `count` consecutive free ports, drawn below the kernel's ephemeral range
    so that another test's free_port() cannot land inside the block."""
    for _ in range(200):
        first = random.randrange(20000, 32000 - count)
        probes = [socket.socket() for _ in range(count)]
        try:
            for offset, probe in enumerate(probes):
                probe.bind(("127.0.0.1", first + offset))
            return first
        except OSError:
            continue
        finally:
            for probe in probes:
                probe.close()
    raise RuntimeError(f"no {count} consecutive free ports")


@dataclass
class LiveCentral:
    url: str
    database_url: str

    def client(self, key: str | None = None, **headers: str) -> httpx.Client:
        if key:
            headers["Authorization"] = f"Bearer {key}"
        return httpx.Client(base_url=self.url, headers=headers, timeout=10)

    def run(self, work):  # type: ignore[no-untyped-def]
        """Run `work(database)` on a separate engine (setting up data, reading the audit)."""

        async def main():  # type: ignore[no-untyped-def]
            database = Database.open(self.database_url, pool_size=2)
            try:
                return await work(database)
            finally:
                await database.close()

        return asyncio.run(main())

    def facility_key(self, code: str = "1310000017", kind: FacilityType = FacilityType.MEDICAL_CLINIC) -> str:
        async def work(database: Database) -> str:
            async with database.write() as conn:
                await facilities.save(conn, [Facility(FacilityCode.parse(code), "テスト診療所", kind)])
                key, _ = await apikeys.create(conn, ActorKind.FACILITY, code)
            return key.secret

        return str(self.run(work))

    def key(self, kind: ActorKind, actor_id: str) -> str:
        async def work(database: Database) -> str:
            async with database.write() as conn:
                key, _ = await apikeys.create(conn, kind, actor_id)
            return key.secret

        return str(self.run(work))


def start_uvicorn(app: object, port: int, **options: Any) -> uvicorn.Server:
    """A uvicorn server on 127.0.0.1:`port` in a thread, started; stop it with `stop_uvicorn`."""
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on", **options)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("central did not start")
        time.sleep(0.02)
    _threads[id(server)] = thread
    return server


def stop_uvicorn(server: uvicorn.Server) -> None:
    server.should_exit = True
    _threads.pop(id(server)).join(timeout=15)


_threads: dict[int, threading.Thread] = {}


@pytest.fixture
def central(database_url: str) -> Iterator[LiveCentral]:
    port = free_port()
    server = start_uvicorn(create_app(Settings(database_url=database_url, pool_size=4)), port)
    try:
        yield LiveCentral(f"http://127.0.0.1:{port}", database_url)
    finally:
        stop_uvicorn(server)
