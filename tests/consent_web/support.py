"""Shared set-up for the consent-web tests: two insured people (45 and under 40), their cards,
facilities with keys, and a live central with its own PKI folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from cryptography import x509

from onshi.card.jlis import trust_anchor
from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.codes import Sex
from onshi.domain.consent import ConsentChoices, ConsentContext
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey
from onshi.services.card_confirmation import CardConfirmed
from onshi.services.card_issuance import issue_card
from onshi.services.consent_web_confirm import WebConsent, register_consent
from onshi.store import apikeys, facilities
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.web_sessions import IdentityMode
from tests.card.support import ADDRESS, HOLDER, HOLDER_ROW, OPERATOR, PIN, SURFACE
from tests.factories import KYOKAI_TOKYO, feed_row
from tests.services.test_insurer_import import load

CLINIC, PHARMACY, OTHER = "1310000017", "1340000015", "1310000025"
CLINIC_NAME = "さくら在宅クリニック"
YOUNG = MemberKey(KYOKAI_TOKYO, "123", "789", "00")
YOUNG_ROW = feed_row(
    insured_identification_number="789", name="山田　花子", name_kana="ヤマダ ハナコ", sex1="2",
    birthdate="20000101", address=ADDRESS,
)  # fmt: skip
YOUNG_SURFACE = CardSurface(
    "山田 花子", "やまだ はなこ", date(2000, 1, 1), Sex.FEMALE, "東京都新宿区西新宿2-8-1"
)
WRONG_PIN = "9999"
__all__ = ["HOLDER", "PIN", "WRONG_PIN", "World", "prepare"]


@dataclass(frozen=True)
class World:
    """What a test starts with: cards (not yet linked) and facility keys."""

    settings: Settings
    card: Path  # 山田 太郎, born 1980
    young_card: Path  # 山田 花子, born 2000
    keys: dict[str, str]  # facility code → API key
    serial: str

    @property
    def anchor(self) -> x509.Certificate:
        return trust_anchor(self.settings.jlis_dir)


def facility_actor(code: str = CLINIC) -> Actor:
    return Actor(ActorKind.FACILITY, code, Channel.WEB)


async def prepare(db: Database, database_url: str, tmp_path: Path, pki_dir: Path) -> World:
    """Load the people, issue their cards (under `pki_dir`, shared by a worker's tests: creating
    the J-LIS CA is the slow part) and register the facilities with a key each."""
    assert (await load(db, [HOLDER_ROW, YOUNG_ROW])).ok
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=pki_dir)
    audit = DirectAuditLog(db.engine)
    card = await issue_card(
        db, audit, OPERATOR, settings.jlis_dir, tmp_path / "card.json", SURFACE, PIN, holder=HOLDER
    )
    await issue_card(
        db, audit, OPERATOR, settings.jlis_dir, tmp_path / "young.json", YOUNG_SURFACE, PIN, holder=YOUNG
    )
    keys = {}
    async with db.write() as conn:
        for code, name in ((CLINIC, CLINIC_NAME), (PHARMACY, "みどり薬局"), (OTHER, "ほか診療所")):
            kind = FacilityType.PHARMACY if code[2] == "4" else FacilityType.MEDICAL_CLINIC
            await facilities.save(conn, [Facility(FacilityCode(code), name, kind)])
            key, _ = await apikeys.create(conn, ActorKind.FACILITY, code)
            keys[code] = key.secret
    return World(settings, card.path, tmp_path / "young.json", keys, card.serial)


async def link_card(db: Database, world: World, code: str = CLINIC) -> int:
    """A first home visit with PIN and card: registers the card for insurance use (the
    マイナポータル step) and starts the facility's relationship; the grant id."""
    request = WebConsent(ConsentContext.HOME_VISIT, ConsentChoices(), world.card.read_bytes(), PIN)
    outcome = await register_consent(
        db, DirectAuditLog(db.engine), world.anchor, facility_actor(code), request, IdentityMode.PIN
    )
    assert isinstance(outcome, CardConfirmed) and outcome.consent_grant_id is not None, outcome
    return outcome.consent_grant_id


@pytest.fixture(scope="session")
def pki_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("consent-web-pki")
