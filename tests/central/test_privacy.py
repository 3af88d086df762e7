"""No PIN and no My Number-like value ever leaves the request that carried it: not into logs,
result files, audit records, the database or error messages. The test drives the paths that
see them (card sign-in with wrong and right PINs, a reader confirmation, a feed row holding a
12-digit number) and then searches everything the run wrote."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text

from onshi.card.cardfile import CardFile
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from onshi.domain.consent import ConsentItem
from onshi.services.card_issuance import issue_card
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from tests.card.support import HOLDER, HOLDER_ROW, OPERATOR, SURFACE, live_central, run
from tests.central.test_card import facility_key
from tests.central.test_clinical import confirm_card
from tests.services.test_insurer_import import load

WRONG_PIN, RIGHT_PIN = "9753", "8642"
MY_NUMBER_LIKE = "123456789018"  # 12 digits, given where an individual key is expected


def occurs(value: str, text_: str) -> bool:
    """`value` standing alone (not inside a longer number or base64 run)."""
    return re.search(rf"(?<![0-9A-Za-z+/]){value}(?![0-9A-Za-z+/])", text_) is not None


async def database_text(db: Database) -> str:
    """Every row of every table, as text."""
    async with db.read() as conn:
        names = [
            row[0]
            for row in await conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'table'"))
            if not row[0].startswith("sqlite_")
        ]
        chunks = []
        for name in names:
            for row in await conn.execute(select(text("*")).select_from(text(f'"{name}"'))):
                chunks.append(" ".join(str(value) for value in row))
    return "\n".join(chunks)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_no_pin_or_my_number_anywhere(
    database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    assert run(database_url, lambda db: load(db, [HOLDER_ROW])).ok
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    card = tmp_path / "card.json"

    async def issue_with_pin(db: Database) -> None:
        audit = DirectAuditLog(db.engine)
        await issue_card(db, audit, OPERATOR, settings.jlis_dir, card, SURFACE, RIGHT_PIN, holder=HOLDER)

    run(database_url, issue_with_pin)
    responses: list[str] = []
    with live_central(settings) as central:
        operator = central.key(ActorKind.OPERATOR, "ops")
        clinic = facility_key(central, "1310000017", smartphone=False)
        unlocked = CardFile.load(card).unlock_with_pin(RIGHT_PIN)
        registered = confirm_card(
            central, clinic, "1310000017", unlocked, {ConsentItem.TREATMENT}, register=True
        )
        assert registered.status_code == 200, registered.text  # the reader's first use registers the card
        responses.append(registered.text)
        with httpx.Client(base_url=central.url, timeout=15, follow_redirects=False) as client:
            for pin, status in ((WRONG_PIN, 401), (RIGHT_PIN, 303)):
                files = {"card": ("card.json", card.read_bytes(), "application/json")}
                answer = client.post("/patient/login", files=files, data={"pin": pin})
                assert answer.status_code == status, answer.text
                responses.append(answer.text + str(answer.headers))
            feed = "insurer_number,insurer_name,insured_identification_number,name,name_kana,sex1,birthdate,qualification_date,individual_key\n"
            feed += f"01130012,全国健康保険協会東京支部,777,佐藤　花子,サトウ ハナコ,2,19900101,20200401,{MY_NUMBER_LIKE}\n"
            answer = client.post(
                "/api/v1/insurer/feeds", content=feed.encode(),
                headers={"Authorization": f"Bearer {operator}", "content-type": "text/csv"},
            )  # fmt: skip
            assert answer.status_code == 200 and answer.json()["rows_rejected"] == 1
            responses.append(answer.text)

    written = [
        p.read_text(encoding="utf-8", errors="replace")
        for p in tmp_path.rglob("*")
        if p.is_file() and p != card
    ]
    stored = run(database_url, database_text)
    logs = caplog.text
    for place, content in {
        "responses": "\n".join(responses),
        "files": "\n".join(written),
        "database": stored,
        "logs": logs,
    }.items():
        for secret in (WRONG_PIN, RIGHT_PIN, MY_NUMBER_LIKE):
            assert not occurs(secret, content), f"{secret} found in {place}"
    assert "card.pin" in stored  # the wrong PIN was recorded — as an event, without the PIN
