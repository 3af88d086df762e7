"""Helpers for card tests: a live central with its own PKI folder, issuing cards, signing."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from onshi.card.cardfile import CardFile, UnlockedCard
from onshi.card.protocol import auth_payload
from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.card import FormFactor
from onshi.domain.codes import Sex
from onshi.domain.consent import ConsentChoices
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey
from onshi.services.card_issuance import IssuedCard, issue_card
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.factories import KYOKAI_TOKYO, feed_row

PIN = "1234"
OPERATOR = Actor(ActorKind.OPERATOR, "j-lis", Channel.CLI)
ADDRESS = "東京都新宿区西新宿二丁目8番1号"
HOLDER = MemberKey(KYOKAI_TOKYO, "123", "456", "00")
HOLDER_ROW = feed_row(address=ADDRESS)
SURFACE = CardSurface("山田 太郎", "やまだ たろう", date(1980, 4, 1), Sex.MALE, "東京都新宿区西新宿2-8-1")


@contextmanager
def live_central(settings: Settings) -> Iterator[LiveCentral]:
    """Central over real HTTP, like tests/central/conftest.py, with the given settings (PKI folder)."""
    port = free_port()
    server = start_uvicorn(create_app(settings), port)
    try:
        yield LiveCentral(f"http://127.0.0.1:{port}", settings.database_url)
    finally:
        stop_uvicorn(server)


def issue(
    database_url: str,
    jlis_dir: Path,
    out: Path,
    holder: MemberKey | None = HOLDER,
    surface: CardSurface = SURFACE,
    expires: date | None = None,
    form_factor: FormFactor = FormFactor.CARD,
) -> IssuedCard:
    async def work(database: Database) -> IssuedCard:
        audit = DirectAuditLog(database.engine)
        return await issue_card(
            database, audit, OPERATOR, jlis_dir, out, surface, PIN,
            holder=holder, expires=expires, form_factor=form_factor,
        )  # fmt: skip

    return run(database_url, work)


def run(database_url: str, work: Any) -> Any:
    return LiveCentral("", database_url).run(work)


def unlocked(path: Path) -> UnlockedCard:
    return CardFile.load(path).unlock_with_pin(PIN)


def signed_body(
    card: UnlockedCard,
    challenge: str,
    facility_code: str,
    consent: ConsentChoices | None = None,
    surface: dict[str, str] | None = None,
) -> dict[str, Any]:
    flags = (consent or ConsentChoices()).as_flags()
    signature = card.sign(auth_payload(challenge, facility_code, flags, surface))
    return {
        "certificate": card.certificate_pem,
        "challenge": challenge,
        "signature": base64.b64encode(signature).decode(),
        "consent": flags,
        "surface": surface,
    }
