"""Fixtures of the portal tests: central over HTTP (tests/central/conftest.py) and over mutual TLS
(tests/terminal/conftest.py); `sessions`: a registered clinic, its corporation and an operator,
each signed in to the pages (an httpx client holding its session cookie)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.portal.registration import read_registration
from onshi.services import portal_accounts
from onshi.store.database import Database
from tests.central.conftest import LiveCentral, central
from tests.portal.support import CLINIC_FORM, PASSWORD
from tests.terminal.conftest import tls_central

__all__ = ["central", "sessions", "tls_central"]
CODE = CLINIC_FORM["facility_code"]
OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)


@pytest.fixture
def sessions(central: LiveCentral) -> Iterator[dict[str, httpx.Client]]:
    async def setup(db: Database) -> None:
        await portal_accounts.register_facility(db, OPERATOR, read_registration(CLINIC_FORM), PASSWORD)
        await portal_accounts.create_corporation(
            db, OPERATOR, "sakura-group", "さくら医療グループ", "g@example.jp", PASSWORD
        )
        await portal_accounts.link_facilities(db, OPERATOR, "sakura-group", [CODE])

    central.run(setup)
    operator_key = central.key(ActorKind.OPERATOR, "ops")
    logins = {
        "facility": (CODE, PASSWORD),
        "corporation": ("sakura-group", PASSWORD),
        "operator": ("ops", operator_key),
    }
    clients = {}
    for role, (login, password) in logins.items():
        client = httpx.Client(base_url=central.url, timeout=10, follow_redirects=False)
        answer = client.post("/portal/login", data={"role": role, "login": login, "password": password})
        assert answer.status_code == 303, answer.text
        clients[role] = client
    yield clients
    for client in clients.values():
        client.close()
