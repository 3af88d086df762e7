"""A live central over the statistics world (tests/stats_world.py), built once per test."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest

from onshi.central.app import create_app
from onshi.config import Settings
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.stats_world import World, build


@dataclass(frozen=True)
class LiveStats:
    central: LiveCentral
    world: World

    @contextmanager
    def operator_session(self) -> Iterator[httpx.Client]:
        """A browser-like client signed in to /operator/stats (its session cookie kept)."""
        with httpx.Client(base_url=self.central.url, timeout=30) as client:
            signed_in = client.post("/operator/stats/login", data={"api_key": self.world.operator_key})
            assert signed_in.status_code == 303, signed_in.text
            yield client


@pytest.fixture
def live_stats(database_url: str) -> Iterator[LiveStats]:
    world = LiveCentral("", database_url).run(build)
    port = free_port()
    server = start_uvicorn(create_app(Settings(database_url=database_url, pool_size=4)), port)
    try:
        yield LiveStats(LiveCentral(f"http://127.0.0.1:{port}", database_url), world)
    finally:
        stop_uvicorn(server)
