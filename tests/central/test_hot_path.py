"""The hot path of single confirmations (onshi.central.hot_path, PostgreSQL only) answers and
audits exactly like the general route: two centrals on one database, one with the hot path
and one without, asked the same questions with the same key."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from onshi.store import apikeys
from onshi.store.database import Database
from onshi.store.schema import audit_events
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.central.test_public_expense import feed
from tests.conftest import fresh_database_url
from tests.factories import KENPO, KYOKAI_TOKYO, feed_row
from tests.public_expense_data import CHILD_INSURANCE, CHILD_ROW, PAYERS
from tests.services.test_insurer_import import load

CLINIC = "1310000017"
POPULATION = [
    feed_row(),
    CHILD_INSURANCE,  # 枝番 01 under the same number, with a municipal subsidy
    feed_row(insured_identification_number="2", disqualification_date="20240401", reason_of_loss="01"),
    # A job changer: lost at 協会けんぽ, insured since at a 健保組合 under other numbers.
    feed_row(
        insured_identification_number="3",
        individual_key="ik-3",
        disqualification_date="20250401",
        reason_of_loss="01",
    ),
    feed_row(
        insurer_number=KENPO.digits,
        insurer_name="他の健保",
        insured_card_symbol="9",
        insured_identification_number="9",
        individual_key="ik-3",
        qualification_date="20250401",
    ),
    # Twins: one number, one birth date, two 枝番.
    feed_row(insured_identification_number="7", insured_branch_number="01", name="二子　一"),
    feed_row(insured_identification_number="7", insured_branch_number="02", name="二子　二"),
]


def body(number: str = "456", birthdate: str = "19800401", **extra: str) -> dict[str, str]:
    return {
        "insurer_number": KYOKAI_TOKYO.digits,
        "insured_card_symbol": "１２３",  # full-width, as cards carry them
        "insured_identification_number": number,
        "birthdate": birthdate,
        "qualification_confirmation_date": "20261123",
        **extra,
    }


CASES: list[tuple[dict[str, str], dict[str, str]]] = [
    (body(), {}),
    (body(insured_branch_number="01", birthdate="20150601"), {}),  # with public expense
    (body(insured_branch_number="01", birthdate="20150601"), {"Accept": "application/xml"}),
    (body(limit_application_certificate_related_cons_flg="1", arbitrary_file_identifier="f-1"), {}),
    (body("2"), {}),  # lost
    (body("3"), {}),  # lost, newer qualification elsewhere
    (body("7"), {}),  # twins without 枝番
    (body("7", insured_branch_number="02"), {"Accept": "application/xml"}),
    (body(birthdate="19800402"), {}),  # number matches, birth date does not
    (body("999"), {}),  # no such numbers
    (body(insured_branch_number="09"), {}),
    (body(birthdate="19801301"), {}),  # rejected keys: the general route answers
    ({"insurer_number": "0113001"}, {}),  # FastAPI's 422
]


def masked(response: httpx.Response) -> tuple[int, str, str]:
    """Status, type and body with the processing times (14 digits) masked."""
    text = re.sub(r"\d{14}", "<time>", response.content.decode())
    return response.status_code, response.headers["content-type"], text


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("postgresql", request, tmp_path)


@pytest.fixture
def centrals(pg_url: str) -> Iterator[tuple[LiveCentral, LiveCentral]]:
    assert LiveCentral("", pg_url).run(lambda db: load(db, POPULATION)).ok
    servers, lives = [], []
    for hot in (True, False):
        port = free_port()
        settings = Settings(database_url=pg_url, pool_size=2, hot_path=hot)
        servers.append(start_uvicorn(create_app(settings), port))
        lives.append(LiveCentral(f"http://127.0.0.1:{port}", pg_url))
    try:
        yield lives[0], lives[1]
    finally:
        for server in servers:
            stop_uvicorn(server)


def audit_trail(central: LiveCentral) -> list[dict[str, Any]]:
    async def work(database: Database) -> list[dict[str, Any]]:
        async with database.read() as conn:
            rows = await conn.execute(
                select(audit_events)
                .where(audit_events.c.action == "confirm.numbers")
                .order_by(audit_events.c.id)
            )
            return [{k: v for k, v in r.items() if k not in ("id", "occurred_at")} for r in rows.mappings()]

    return list(central.run(work))


def test_the_hot_path_answers_and_audits_like_the_general_route(
    centrals: tuple[LiveCentral, LiveCentral], monkeypatch: pytest.MonkeyPatch
) -> None:
    hot, general = centrals
    operator = hot.key(ActorKind.OPERATOR, "ops")
    assert feed(hot, operator, "payers", PAYERS).json()["ok"]
    assert feed(hot, operator, "recipients", [CHILD_ROW]).json()["ok"]
    key = hot.facility_key(CLINIC)
    for case, headers in CASES:
        answers = []
        for central in (hot, general):
            with central.client(key, **headers) as client:
                answers.append(masked(client.post("/api/v1/confirmations", json=case)))
        assert answers[0] == answers[1], case
    trail = audit_trail(hot)
    assert len(trail) == 2 * (len(CASES) - 1)  # FastAPI's 422 is not a confirmation
    assert trail[0::2] == trail[1::2]
    assert {row["outcome"] for row in trail} >= {f"validity:{n}" for n in "12345"} | {
        "rejected:impossible_date"
    }

    # The hot path is the one answering: with the general route's service broken, it still does.
    async def broken(*_: object) -> None:
        raise AssertionError("the general route was used")

    monkeypatch.setattr("onshi.central.confirmations.confirm_by_numbers", broken)
    with hot.client(key) as client:
        assert client.post("/api/v1/confirmations", json=body()).status_code == 200


def test_a_revoked_key_is_refused_on_its_next_request(centrals: tuple[LiveCentral, LiveCentral]) -> None:
    hot, _ = centrals
    key = hot.facility_key(CLINIC)
    with hot.client(key) as client:
        assert client.post("/api/v1/confirmations", json=body()).status_code == 200

        async def revoke(database: Database) -> None:
            async with database.write() as conn:
                (credential,) = await apikeys.for_actor(conn, ActorKind.FACILITY, CLINIC)
                assert await apikeys.revoke(conn, credential.id)

        hot.run(revoke)
        response = client.post("/api/v1/confirmations", json=body())
    assert (response.status_code, response.json()["error"]["code"]) == (401, "revoked_key")
    assert [row["outcome"] for row in audit_trail(hot)] == ["validity:1", "refused:revoked_key"]
