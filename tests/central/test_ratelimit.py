"""Per-caller rate limits: a token bucket per facility, 429 with Retry-After, audited once a minute."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select

from onshi.central.app import create_app
from onshi.central.ratelimit import RateLimiter
from onshi.config import Settings
from onshi.store.database import Database
from onshi.store.schema import audit_events
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_refills_at_the_rate_and_audits_the_first_refusal_each_minute() -> None:
    clock = Clock()
    limiter = RateLimiter(per_second=2, burst=4, clock=clock)
    assert [limiter.take("a") for _ in range(4)] == [None] * 4
    first = limiter.take("a")
    assert first is not None and first.audit and first.refused_since_audit == 1
    assert first.retry_after == pytest.approx(0.5)
    second = limiter.take("a")
    assert second is not None and not second.audit
    assert limiter.take("b") is None  # another caller has its own bucket
    clock.now += 0.5
    assert limiter.take("a") is None
    clock.now += 61
    assert [limiter.take("a") for _ in range(4)] == [None] * 4  # refilled up to the burst only
    again = limiter.take("a")
    assert again is not None and again.audit and again.refused_since_audit == 2  # with the unaudited one
    assert RateLimiter(0, 0).take("a") is None  # 0 turns limits off


@pytest.fixture
def strict_central(database_url: str) -> Iterator[LiveCentral]:
    port = free_port()
    settings = Settings(database_url=database_url, pool_size=4, rate_limit_per_second=2)
    server = start_uvicorn(create_app(settings), port)
    try:
        yield LiveCentral(f"http://127.0.0.1:{port}", database_url)
    finally:
        stop_uvicorn(server)


def test_a_flooding_facility_gets_429_and_others_do_not(strict_central: LiveCentral) -> None:
    noisy = strict_central.facility_key("1310000017")
    quiet = strict_central.facility_key("1310000025")
    body = {"insurer_number": "01130012", "insured_identification_number": "1", "birthdate": "19800401"}
    started = time.monotonic()
    with strict_central.client(noisy) as client:
        statuses = [client.post("/api/v1/confirmations", json=body) for _ in range(10)]
    refilled = int((time.monotonic() - started) * 2) + 1  # 2 tokens a second while they ran
    refused = [r for r in statuses if r.status_code == 429]
    assert refused and 4 <= 10 - len(refused) <= 4 + refilled  # the burst (4) and what refilled
    assert int(refused[0].headers["Retry-After"]) >= 1
    assert refused[0].json()["error"]["code"] == "rate_limited"
    with strict_central.client(quiet) as client:
        assert client.post("/api/v1/confirmations", json=body).status_code == 200

    async def refusals(db: Database) -> list[str]:
        async with db.read() as conn:
            query = select(audit_events.c.outcome).where(audit_events.c.outcome == "refused:rate_limited")
            return list((await conn.execute(query)).scalars())

    assert strict_central.run(refusals) == ["refused:rate_limited"]
