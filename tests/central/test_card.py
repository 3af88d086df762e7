"""Card confirmation over real HTTP, on SQLite and PostgreSQL: registration, every refusal, the
face result document, audit."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from onshi import wire
from onshi.card import face
from onshi.card.cardfile import CardFile, UnlockedCard, write_card
from onshi.card.jlis import JlisCa, new_key
from onshi.card.protocol import REGISTERED_HEADER, surface_to_json
from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.card import FormFactor, RevocationReason
from onshi.domain.codes import Sex
from onshi.domain.consent import ConsentChoices, ConsentItem
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.linkage import CardSurface, LinkageDecision
from onshi.services.card_issuance import revoke_card
from onshi.services.reference_numbers import ReferenceEntry, register_reference_number
from onshi.store import apikeys, cards, facilities
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import audit_events, card_linkage_reviews
from tests.card.support import HOLDER_ROW, OPERATOR, PIN, SURFACE, issue, live_central, run
from tests.card.support import signed_body as sign
from tests.central.conftest import LiveCentral
from tests.factories import feed_row, key
from tests.services.test_insurer_import import load

CLINIC = "1310000017"
PHARMACY = "1340000015"  # accepts smartphones
YOUNG = key(number="30")
ROWS = [
    HOLDER_ROW,
    feed_row(insured_identification_number="999", name="鈴木　一郎", name_kana="スズキ イチロウ"),
    feed_row(
        insured_identification_number="30", birthdate="20000101", name="若井　若菜", name_kana="ワカイ ワカナ"
    ),
]
YOUNG_SURFACE = CardSurface("若井 若菜", "ワカイ ワカナ", date(2000, 1, 1), Sex.MALE, "東京都港区芝公園4-2-8")
SOME_CONSENT = ConsentChoices.of([ConsentItem.SURGERY, ConsentItem.LIMIT])


@dataclass
class Counter:
    """A facility's counter: its API key and the calls its card reader makes."""

    central: LiveCentral
    code: str
    key: str

    def challenge(self) -> str:
        with self.central.client(self.key) as client:
            response = client.post("/api/v1/card/challenges")
        assert response.status_code == 200, response.text
        assert response.json()["facility_code"] == self.code
        return str(response.json()["challenge"])

    def post(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        with self.central.client(self.key, **headers) as client:
            return client.post("/api/v1/card/confirmations", json=body)

    def confirm(
        self,
        card: UnlockedCard,
        consent: ConsentChoices | None = None,
        register: bool = False,
        **headers: str,
    ) -> httpx.Response:
        surface = surface_to_json(card.surface) if register else None
        return self.post(sign(card, self.challenge(), self.code, consent, surface), **headers)


@dataclass
class Setup:
    central: LiveCentral
    jlis: Path
    cards: Path
    clinic: Counter
    pharmacy: Counter

    def card(self, name: str = "card.json", **options: Any) -> UnlockedCard:
        path = self.cards / name
        issue(self.central.database_url, self.jlis, path, **options)
        return unlocked_card(path)

    def registered(self, name: str = "card.json", **options: Any) -> UnlockedCard:
        card = self.card(name, **options)
        assert self.clinic.confirm(card, register=True).status_code == 200
        return card


def unlocked_card(path: Path) -> UnlockedCard:
    return CardFile.load(path).unlock_with_pin(PIN)


def serial_of(setup: Setup, name: str = "card.json") -> str:
    return CardFile.load(setup.cards / name).serial


def body(response: httpx.Response) -> dict[str, Any]:
    return dict(response.json()["XmlMsg"]["MessageBody"])


def entry(response: httpx.Response) -> dict[str, Any]:
    (item,) = body(response)["ResultList"]
    return dict(item["ResultOfQualificationConfirmation"])


def facility_key(central: LiveCentral, code: str, smartphone: bool) -> str:
    async def work(database: Database) -> str:
        async with database.write() as conn:
            facility = Facility(
                FacilityCode(code), "テスト", FacilityType.MEDICAL_CLINIC, accepts_smartphone=smartphone
            )
            if code[2] == "4":
                facility = replace(facility, facility_type=FacilityType.PHARMACY)
            await facilities.save(conn, [facility])
            secret, _ = await apikeys.create(conn, ActorKind.FACILITY, code)
        return secret.secret

    return str(central.run(work))


@pytest.fixture
def setup(database_url: str, tmp_path: Path) -> Iterator[Setup]:
    assert run(database_url, lambda db: load(db, ROWS)).ok
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    with live_central(settings) as central:
        clinic = Counter(central, CLINIC, facility_key(central, CLINIC, smartphone=False))
        pharmacy = Counter(central, PHARMACY, facility_key(central, PHARMACY, smartphone=True))
        yield Setup(central, settings.jlis_dir, tmp_path / "cards", clinic, pharmacy)


def refused(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    message = body(response)
    assert (message["ProcessingResultStatus"], message["ProcessingResultCode"]) == ("2", code)
    assert "QualificationValidity" not in message
    return str(message["ProcessingResultMessage"])


def test_first_use_registers_the_card_then_it_confirms(setup: Setup) -> None:
    card = setup.card()
    not_linked = setup.clinic.confirm(card)
    assert "利用登録" in refused(not_linked, 404, "ONSP3007")
    registered = setup.clinic.confirm(card, SOME_CONSENT, register=True)
    assert registered.status_code == 200, registered.text
    assert registered.headers[REGISTERED_HEADER] == "1"
    assert body(registered)["QualificationValidity"] == "1"
    again = setup.clinic.confirm(card, SOME_CONSENT)
    assert (again.status_code, again.headers[REGISTERED_HEADER]) == (200, "0")
    result = entry(again)
    assert (result["InsuredIdentificationNumber"], result["Name"]) == ("456", "山田\u3000太郎")


def test_the_face_result_carries_the_chosen_consents(setup: Setup) -> None:
    card = setup.registered()
    response = setup.clinic.confirm(card, SOME_CONSENT, Accept="application/xml")
    assert response.headers["content-type"].startswith("application/xml")
    parsed = wire.parse(response.content, wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True)
    header = parsed.document["MessageHeader"]
    assert (header["ReferenceClassification"], header["MedicalInstitutionCode"]) == ("1", CLINIC)
    assert len(header["ArbitraryFileIdentifier"]) == 16
    result = parsed.document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"]
    flags = {name: result.get(f"{name}InfoConsFlg") for name in ("Operation", "Diagnosis", "Pharmacists")}
    assert flags == {"Operation": "1", "Diagnosis": "0", "Pharmacists": "0"}
    assert result["OperationInfoAvailableTime"] > result["OperationInfoConsTime"]
    assert result["LimitApplicationCertificateRelatedConsFlg"] == "1"
    assert result["SpecificHealthCheckupsInfoConsFlg"] == "0"
    assert "QualificationConfirmSearchInfo" not in parsed.document["MessageBody"]


def test_an_expired_certificate_is_sent_to_the_municipal_office(setup: Setup) -> None:
    card = setup.card(expires=today_jst() - timedelta(days=1))
    message = refused(setup.clinic.confirm(card, register=True), 403, "ONSP3001")
    assert "市区町村" in message
    assert "有効期限" in message


def test_a_certificate_near_expiry_confirms_with_a_notice(setup: Setup) -> None:
    card = setup.registered(expires=today_jst() + timedelta(days=30))
    response = setup.clinic.confirm(card)
    message = body(response)
    assert (response.status_code, message["QualificationValidity"]) == (200, "1")
    assert message["ProcessingResultCode"] == "ONSI2101"
    assert "更新" in message["ProcessingResultMessage"]


def test_a_revoked_certificate_is_refused(setup: Setup) -> None:
    card = setup.registered()
    serial = serial_of(setup)

    async def revoke(database: Database) -> bool:
        return await revoke_card(
            database, DirectAuditLog(database.engine), OPERATOR, serial, RevocationReason.LOST
        )

    assert setup.central.run(revoke)
    assert "紛失" in refused(setup.clinic.confirm(card), 403, "ONSP3002")


def test_a_forged_signature_is_refused(setup: Setup) -> None:
    card = setup.registered()
    other = setup.card("other.json")
    forged = sign(other, setup.clinic.challenge(), CLINIC)
    forged["certificate"] = card.certificate_pem
    refused(setup.clinic.post(forged), 403, "ONSP3004")
    garbled = sign(card, setup.clinic.challenge(), CLINIC)
    garbled["signature"] = "***"
    refused(setup.clinic.post(garbled), 403, "ONSP3004")


def test_a_signature_over_other_consents_is_refused(setup: Setup) -> None:
    card = setup.registered()
    signed = sign(card, setup.clinic.challenge(), CLINIC, SOME_CONSENT)
    signed["consent"] = {**signed["consent"], "treatment": True}
    refused(setup.clinic.post(signed), 403, "ONSP3004")


def test_a_card_from_another_ca_is_refused(setup: Setup, tmp_path: Path) -> None:
    path = setup.cards / "impostor.json"
    issue(setup.central.database_url, tmp_path / "impostor-ca", path)
    refused(setup.clinic.confirm(unlocked_card(path), register=True), 403, "ONSP3003")


def test_a_replayed_signature_is_refused(setup: Setup) -> None:
    card = setup.registered()
    signed = sign(card, setup.clinic.challenge(), CLINIC)
    assert setup.clinic.post(signed).status_code == 200
    refused(setup.clinic.post(signed), 409, "ONSP3005")
    # A challenge issued to another facility cannot be used here either.
    foreign = sign(card, setup.pharmacy.challenge(), CLINIC)
    refused(setup.clinic.post(foreign), 409, "ONSP3005")


def test_smartphones_only_where_accepted(setup: Setup) -> None:
    phone = setup.card("phone.json", form_factor=FormFactor.SMARTPHONE)
    message = refused(setup.clinic.confirm(phone, register=True), 403, "ONSP3006")
    assert "マイナンバーカードをご利用ください" in message
    accepted = setup.pharmacy.confirm(phone, register=True)
    assert (accepted.status_code, body(accepted)["QualificationValidity"]) == (200, "1")


def test_mismatching_surface_data_are_refused_and_reported(setup: Setup) -> None:
    card = setup.card(surface=replace(SURFACE, name="山田　次郎", sex=Sex.FEMALE))
    message = refused(setup.clinic.confirm(card, register=True), 422, "ONSP3009")
    assert "氏名・性別" in message
    refused(setup.clinic.confirm(card), 404, "ONSP3007")  # still not linked

    async def reviews(database: Database) -> list[dict[str, Any]]:
        async with database.read() as conn:
            return [dict(r) for r in (await conn.execute(select(card_linkage_reviews))).mappings()]

    (report,) = setup.central.run(reviews)
    assert (report["refusal"], report["mismatches"], report["number"]) == ("mismatch", "name,sex", "456")


def test_a_card_linked_to_another_person_is_refused(setup: Setup) -> None:
    card = setup.card()
    serial = serial_of(setup)

    async def link_elsewhere(database: Database) -> None:
        async with database.write() as conn:
            decision = LinkageDecision(key(number="999"), (), (), None)
            await cards.link(conn, serial, decision, None, now_jst())

    setup.central.run(link_elsewhere)
    assert "別の方" in refused(setup.clinic.confirm(card, register=True), 409, "ONSP3010")


def test_a_card_without_an_insurance_record_cannot_register(setup: Setup) -> None:
    card = setup.card(holder=None)
    refused(setup.clinic.confirm(card, register=True), 404, "ONSP3008")


def test_a_certificate_central_has_no_record_of_is_not_verified(setup: Setup) -> None:
    ca = JlisCa.open(setup.jlis)
    key_pair = new_key()
    certificate = ca.issue(key_pair.public_key(), FormFactor.CARD, now_jst() + timedelta(days=99))
    path = setup.cards / "unrecorded.json"
    write_card(path, certificate, key_pair, SURFACE, face.new_template(), PIN, FormFactor.CARD)
    response = setup.clinic.confirm(unlocked_card(path), register=True)
    assert response.status_code == 503
    message = response.json()["XmlMsg"]
    assert (message["MessageHeader"]["SegmentOfResult"], message["MessageHeader"]["ErrorCode"]) == (
        "9",
        "ONSE9502",
    )
    assert "資格の有無の判定ではありません" in message["MessageHeader"]["ErrorMessage"]


def test_checkup_consent_under_40_is_refused(setup: Setup) -> None:
    card = setup.card("young.json", holder=YOUNG, surface=YOUNG_SURFACE)
    checkup = ConsentChoices.of([ConsentItem.CHECKUP])
    message = refused(setup.clinic.confirm(card, checkup, register=True), 422, "ONSP3011")
    assert "40歳" in message
    assert (
        setup.clinic.confirm(
            card, ConsentChoices.agree_to_all(YOUNG_SURFACE.birthdate, today_jst())
        ).status_code
        == 200
    )


def test_the_facilitys_reference_number_comes_back(setup: Setup) -> None:
    card = setup.registered()

    async def register(database: Database) -> None:
        async with database.write() as conn:
            actor = Actor(ActorKind.FACILITY, CLINIC, Channel.TERMINAL)
            result = await register_reference_number(
                conn, actor, ReferenceEntry("P-0042", "01130012", "456", "123", "00")
            )
            assert result.registered

    setup.central.run(register)
    assert entry(setup.clinic.confirm(card))["ReferenceNumber"] == "P-0042"


def test_every_card_use_is_audited_without_personal_data(setup: Setup) -> None:
    card = setup.card()
    setup.clinic.confirm(card)
    setup.clinic.confirm(card, SOME_CONSENT, register=True)

    async def events(database: Database) -> list[dict[str, Any]]:
        async with database.read() as conn:
            query = (
                select(audit_events).where(audit_events.c.action.like("card.%")).order_by(audit_events.c.id)
            )
            return [dict(r) for r in (await conn.execute(query)).mappings()]

    rows = setup.central.run(events)
    assert [(r["action"], r["outcome"]) for r in rows] == [
        ("card.issue", "issued"),
        ("card.confirm", "refused:not_linked"),
        ("card.link", "linked"),
        ("card.confirm", "validity:1"),
    ]
    assert rows[-1]["subject_key"] == "01130012:123:456:00"
    text = " ".join(str(r["detail"]) for r in rows)
    assert "山田" not in text and "1980" not in text and "西新宿" not in text
    assert '"consent":["limit","surgery"]' in rows[-1]["detail"]


def test_card_calls_need_a_facility_key(setup: Setup) -> None:
    with setup.central.client() as client:
        assert client.post("/api/v1/card/challenges").status_code == 401
    with setup.central.client("not-a-key") as client:
        response = client.post(
            "/api/v1/card/confirmations", json={"certificate": "", "challenge": "", "signature": ""}
        )
    assert response.status_code == 401


def test_an_unreadable_ca_is_a_technical_failure_not_a_verdict(setup: Setup, tmp_path: Path) -> None:
    path = setup.cards / "card.json"
    issue(setup.central.database_url, tmp_path / "issuing-ca", path)
    setup.jlis.mkdir(parents=True)
    (setup.jlis / "ca-cert.pem").write_text("damaged", encoding="utf-8")
    (setup.jlis / "ca-key.pem").write_text("damaged", encoding="utf-8")
    response = setup.clinic.confirm(unlocked_card(path), register=True)
    assert response.status_code == 503
    assert response.json()["XmlMsg"]["MessageHeader"]["ErrorCode"] == "ONSE9502"
    assert "QualificationValidity" not in response.json()["XmlMsg"]["MessageBody"]
