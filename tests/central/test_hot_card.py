"""The card hot path (onshi.central.hot_card, PostgreSQL only) answers and audits exactly like
the general routes: two centrals on one database and one J-LIS CA, one with the hot path and
one without, asked the same questions by the same facility with the same cards. Answers are
compared byte for byte with the processing times and the random file identifier masked, audit
rows with the certificate serials named by card. (SQLite has no hot path: tests/central/
test_card.py runs the general routes on both backends.)"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, insert, select, update

from onshi.card.cardfile import CardFile, UnlockedCard
from onshi.card.protocol import auth_payload, surface_to_json
from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.card import FormFactor, RevocationReason
from onshi.domain.codes import Sex
from onshi.domain.consent import ConsentChoices, ConsentItem
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey
from onshi.services.card_issuance import revoke_card
from onshi.services.reference_numbers import ReferenceEntry, register_reference_number
from onshi.store.audit import DirectAuditLog
from onshi.store.cards import CHALLENGE_RETENTION
from onshi.store.database import Database
from onshi.store.schema import audit_events, card_challenges, consent_grants
from tests.card.support import ADDRESS, HOLDER, HOLDER_ROW, OPERATOR, PIN, SURFACE, issue
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.central.test_card import CLINIC, PHARMACY, facility_key
from tests.central.test_public_expense import feed
from tests.conftest import fresh_database_url
from tests.factories import KYOKAI_TOKYO, feed_row
from tests.public_expense_data import CHILD_INSURANCE, CHILD_ROW, PAYERS
from tests.services.test_insurer_import import load

CHILD = MemberKey(KYOKAI_TOKYO, "123", "456", "01")  # with a municipal child subsidy
LOST = MemberKey(KYOKAI_TOKYO, "123", "2", "00")
YOUNG = MemberKey(KYOKAI_TOKYO, "123", "30", "00")  # 26: no 特定健診 consent
POPULATION = [
    HOLDER_ROW,
    {**CHILD_INSURANCE, "address": ADDRESS},
    feed_row(insured_identification_number="2", disqualification_date="20240401", reason_of_loss="01"),
    feed_row(
        insured_identification_number="30", birthdate="20000101", name="若井　若菜", name_kana="ワカイ ワカナ"
    ),
]
CHILD_SURFACE = CardSurface(
    "山田 花子", "やまだ はなこ", date(2015, 6, 1), Sex.FEMALE, "東京都新宿区西新宿2-8-1"
)
YOUNG_SURFACE = CardSurface(
    "若井 若菜", "わかい わかな", date(2000, 1, 1), Sex.MALE, "東京都新宿区西新宿2-8-1"
)
SOME = ConsentChoices.of([ConsentItem.SURGERY, ConsentItem.LIMIT])
CHECKUP = ConsentChoices.of([ConsentItem.CHECKUP])
TIMES = re.compile(r"\d{14}")
FILE_ID = re.compile(r'("ArbitraryFileIdentifier":"|<ArbitraryFileIdentifier>)[^"<]*')


@dataclass
class Side:
    """One central, with the clinic's and the pharmacy's key (the same on both sides)."""

    central: LiveCentral
    keys: dict[str, str]

    def post(self, path: str, facility: str, json_body: Any = None, **headers: str) -> httpx.Response:
        with self.central.client(self.keys[facility], **headers) as client:
            return client.post(path, json=json_body)

    def challenge(self, facility: str = CLINIC) -> str:
        response = self.post("/api/v1/card/challenges", facility)
        assert response.status_code == 200, response.text
        return str(response.json()["challenge"])


def signed(
    card: UnlockedCard,
    challenge: str,
    facility: str = CLINIC,
    consent: ConsentChoices | None = None,
    register: bool = False,
    context: str = "counter",
) -> dict[str, Any]:
    flags = (consent or ConsentChoices()).as_flags()
    surface = surface_to_json(card.surface) if register else None
    signature = card.sign(auth_payload(challenge, facility, flags, surface, context))
    return {
        "certificate": card.certificate_pem, "challenge": challenge, "consent": flags, "surface": surface,
        "signature": base64.b64encode(signature).decode(), "context": context,
    }  # fmt: skip


def masked(response: httpx.Response) -> tuple[int, str, str, str]:
    text = FILE_ID.sub(r"\1<id>", TIMES.sub("<time>", response.content.decode()))
    registered = response.headers.get("x-onshi-card-registered", "")
    return response.status_code, response.headers["content-type"], registered, text


@pytest.fixture
def pg_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("postgresql", request, tmp_path)


@contextmanager
def two_centrals(pg_url: str, pki: Path, rate: float = 100.0) -> Iterator[tuple[Side, Side]]:
    """The hot central and the general one on the same database, CA and facility keys."""
    servers, centrals = [], []
    for hot in (True, False):
        port = free_port()
        settings = Settings(
            database_url=pg_url, pool_size=2, hot_path=hot, pki_dir=pki, rate_limit_per_second=rate
        )
        servers.append(start_uvicorn(create_app(settings), port))
        centrals.append(LiveCentral(f"http://127.0.0.1:{port}", pg_url))
    try:
        keys = {
            CLINIC: facility_key(centrals[0], CLINIC, smartphone=False),
            PHARMACY: facility_key(centrals[0], PHARMACY, smartphone=True),
        }
        yield Side(centrals[0], keys), Side(centrals[1], keys)
    finally:
        for server in servers:
            stop_uvicorn(server)


@pytest.fixture
def sides(pg_url: str, tmp_path: Path) -> Iterator[tuple[Side, Side]]:
    assert LiveCentral("", pg_url).run(lambda db: load(db, POPULATION)).ok
    with two_centrals(pg_url, tmp_path / "pki") as both:
        yield both


class Cards:
    """Cards issued by the test's J-LIS CA, by name; their serials name them in the audit."""

    def __init__(self, central: LiveCentral, folder: Path) -> None:
        self.central, self.folder = central, folder
        self.names: dict[str, str] = {}

    def issue(self, name: str, holder: MemberKey = HOLDER, surface: CardSurface = SURFACE, **options: Any) -> UnlockedCard:  # fmt: skip
        path = self.folder / f"{name}.card"
        issue(
            self.central.database_url, self.folder.parent / "pki" / "jlis", path, holder, surface, **options
        )
        loaded = CardFile.load(path)
        self.names[loaded.serial] = name
        return loaded.unlock_with_pin(PIN)


def audit_trail(central: LiveCentral, after: int, names: dict[str, str]) -> list[dict[str, Any]]:
    async def work(database: Database) -> list[dict[str, Any]]:
        async with database.read() as conn:
            rows = await conn.execute(
                select(audit_events)
                .where(audit_events.c.id > after, audit_events.c.action.like("card.%"))
                .order_by(audit_events.c.id)
            )
            trail = []
            for row in rows.mappings():
                kept = {k: v for k, v in row.items() if k not in ("id", "occurred_at", "detail")}
                detail = json.loads(row["detail"]) if row["detail"] else {}
                if "certificate" in detail:
                    detail["certificate"] = names.get(detail["certificate"], "?")
                trail.append({**kept, "detail": detail})
            return trail

    return list(central.run(work))


def last_audit_id(central: LiveCentral) -> int:
    async def work(database: Database) -> int:
        async with database.read() as conn:
            return int(
                (await conn.execute(select(func.coalesce(func.max(audit_events.c.id), 0)))).scalar_one()
            )

    return int(central.run(work))


def test_the_card_hot_path_answers_and_audits_like_the_general_route(
    sides: tuple[Side, Side], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hot, general = sides
    operator = hot.central.key(ActorKind.OPERATOR, "ops")
    assert feed(hot.central, operator, "payers", PAYERS).json()["ok"]
    assert feed(hot.central, operator, "recipients", [CHILD_ROW]).json()["ok"]
    cards = Cards(hot.central, tmp_path / "cards")
    holder, child = cards.issue("holder"), cards.issue("child", CHILD, CHILD_SURFACE)
    lost, young = cards.issue("lost", LOST), cards.issue("young", YOUNG, YOUNG_SURFACE)
    smartphone = cards.issue("smartphone", form_factor=FormFactor.SMARTPHONE)
    revoked, unlinked = cards.issue("revoked"), cards.issue("unlinked")
    expired = cards.issue("expired", expires=today_jst() - timedelta(days=1))
    ageing = cards.issue("ageing", expires=today_jst() + timedelta(days=30))
    for card in (holder, child, lost, young, smartphone, revoked, ageing):  # 利用登録, not compared
        body = signed(card, general.challenge(PHARMACY), PHARMACY, register=True)
        response = general.post("/api/v1/card/confirmations", PHARMACY, body)
        assert response.status_code == 200, response.text

    async def reference(database: Database) -> None:
        async with database.write() as conn:
            actor = Actor(ActorKind.FACILITY, CLINIC, Channel.TERMINAL)
            entry = ReferenceEntry("P-0042", KYOKAI_TOKYO.digits, "456", "123", "00")
            assert (await register_reference_number(conn, actor, entry)).registered

    hot.central.run(reference)
    answers: dict[str, tuple[int, str, str, str]] = {}
    trails: dict[str, list[dict[str, Any]]] = {}

    def both(name: str, ask: Callable[[Side], httpx.Response]) -> None:
        """The same request of both sides: the same answer and the same audit rows."""
        seen = []
        for side in (hot, general):
            mark = last_audit_id(hot.central)
            answer = masked(ask(side))
            seen.append((answer, audit_trail(hot.central, mark, cards.names)))
        assert seen[0] == seen[1], name
        answers[name], trails[name] = seen[0]

    def confirm(
        card: UnlockedCard, facility: str = CLINIC, **options: Any
    ) -> Callable[[Side], httpx.Response]:
        headers = options.pop("headers", {})
        return lambda side: side.post(
            "/api/v1/card/confirmations", facility, signed(card, side.challenge(facility), facility, **options), **headers
        )  # fmt: skip

    both("plain", confirm(holder))
    both("xml", confirm(holder, headers={"Accept": "application/xml"}))
    both("consent agreed", confirm(holder, consent=SOME))
    both("home visit", confirm(holder, context="home_visit"))
    both("public expense", confirm(child))
    both("lost", confirm(lost))
    both("checkup consent under 40", confirm(young, consent=CHECKUP))
    both("near expiry", confirm(ageing))
    both("expired certificate", confirm(expired))
    both("smartphone not accepted", confirm(smartphone))
    both("smartphone at the pharmacy", confirm(smartphone, PHARMACY))
    both("not linked", confirm(unlinked))
    registering = {id(hot): cards.issue("registering-hot"), id(general): cards.issue("registering-general")}
    cards.names = {s: ("registering" if n.startswith("registering") else n) for s, n in cards.names.items()}
    both("first registration", lambda side: confirm(registering[id(side)], register=True)(side))
    both("revoked, before", confirm(revoked))

    async def revoke(database: Database) -> None:
        serial = next(s for s, n in cards.names.items() if n == "revoked")
        audit = DirectAuditLog(database.engine)
        assert await revoke_card(database, audit, OPERATOR, serial, RevocationReason.LOST)

    hot.central.run(revoke)
    both("revoked, next request", confirm(revoked))

    def reused(side: Side) -> httpx.Response:
        body = signed(holder, side.challenge())
        assert side.post("/api/v1/card/confirmations", CLINIC, body).status_code == 200
        return side.post("/api/v1/card/confirmations", CLINIC, body)

    def expired_challenge(side: Side) -> httpx.Response:
        nonce = side.challenge()

        async def age(database: Database) -> None:
            async with database.write() as conn:
                old = card_challenges.c.issued_at - timedelta(minutes=6)
                await conn.execute(
                    update(card_challenges).where(card_challenges.c.nonce == nonce).values(issued_at=old)
                )

        side.central.run(age)
        return side.post("/api/v1/card/confirmations", CLINIC, signed(holder, nonce))

    def others_challenge(side: Side) -> httpx.Response:
        return side.post("/api/v1/card/confirmations", CLINIC, signed(holder, side.challenge(PHARMACY)))

    def forged(side: Side) -> httpx.Response:
        body = signed(holder, side.challenge())
        body["signature"] = base64.b64encode(b"\0" * 256).decode()
        return side.post("/api/v1/card/confirmations", CLINIC, body)

    def untrusted(side: Side) -> httpx.Response:
        body = signed(holder, side.challenge())
        body["certificate"] = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"
        return side.post("/api/v1/card/confirmations", CLINIC, body)

    both("reused challenge", reused)
    both("expired challenge", expired_challenge)
    both("another facility's challenge", others_challenge)
    both("forged signature", forged)
    both("untrusted certificate", untrusted)
    both("invalid body", lambda side: side.post("/api/v1/card/confirmations", CLINIC, {"challenge": 1}))
    both(
        "unknown key",
        lambda side: Side(side.central, {CLINIC: "nope"}).post("/api/v1/card/challenges", CLINIC),
    )

    assert answers["plain"][0] == answers["public expense"][0] == 200
    assert answers["revoked, before"][0] == 200 and answers["revoked, next request"][0] == 403
    assert "P-0042" in answers["plain"][3]
    assert "88130018" in answers["public expense"][3]  # the child subsidy's payer
    assert answers["invalid body"][0] == 422 and not trails["invalid body"]
    assert all(trail for name, trail in trails.items() if name != "invalid body")
    outcomes = {row["outcome"] for trail in trails.values() for row in trail}
    assert {"validity:1", "validity:2", "refused:challenge", "refused:revoked", "linked"} <= outcomes

    async def grants(database: Database) -> list[tuple[Any, ...]]:
        async with database.read() as conn:
            columns = [c for c in consent_grants.c if c.name not in ("id", "given_at")]
            return [tuple(row) for row in await conn.execute(select(*columns).order_by(consent_grants.c.id))]

    stored = hot.central.run(grants)
    assert len(stored) == 4 and stored[0::2] == stored[1::2]  # consent agreed, home visit

    # The hot path is the one answering: with the general routes' authentication broken, it still does.
    async def broken(*_: object) -> None:
        raise AssertionError("the general route was used")

    monkeypatch.setattr("onshi.central.card.authenticate", broken)
    assert hot.post("/api/v1/card/confirmations", CLINIC, signed(holder, hot.challenge())).status_code == 200


def challenges_of(central: LiveCentral) -> list[tuple[str, Any]]:
    async def work(database: Database) -> list[tuple[str, Any]]:
        async with database.read() as conn:
            rows = await conn.execute(select(card_challenges.c.nonce, card_challenges.c.issued_at))
            return [tuple(row) for row in rows]

    return list(central.run(work))


def test_a_challenge_over_the_rate_is_refused_and_not_stored(pg_url: str, tmp_path: Path) -> None:
    with two_centrals(pg_url, tmp_path / "pki", rate=0.5) as (hot, general):  # a burst of 1
        answers = []
        for side in (hot, general):
            stored = len(challenges_of(side.central))
            first = side.post("/api/v1/card/challenges", CLINIC)
            second = side.post("/api/v1/card/challenges", CLINIC)
            assert first.status_code == 200
            answers.append((second.status_code, second.headers.get("retry-after"), second.json()))
            assert len(challenges_of(side.central)) == stored + 1  # the refused one is not kept
        assert answers[0] == answers[1]
        assert answers[0][0] == 429


def test_a_facilitys_old_challenges_are_purged_but_not_on_every_issue(sides: tuple[Side, Side]) -> None:
    hot, _ = sides

    async def old(database: Database, nonce: str) -> None:
        async with database.write() as conn:
            at = now_jst() - CHALLENGE_RETENTION - timedelta(minutes=1)
            await conn.execute(
                insert(card_challenges).values(nonce=nonce, facility_code=CLINIC, issued_at=at)
            )

    hot.central.run(lambda db: old(db, "old-1"))
    kept = hot.challenge()
    nonces = {nonce for nonce, _ in challenges_of(hot.central)}
    assert kept in nonces and "old-1" not in nonces
    hot.central.run(lambda db: old(db, "old-2"))
    hot.challenge()  # within the minute: no purge yet, and the old challenge cannot be used
    assert "old-2" in {nonce for nonce, _ in challenges_of(hot.central)}
