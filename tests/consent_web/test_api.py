"""The consent web's JSON APIs and cookies over real HTTP, on SQLite and PostgreSQL: the patient
API (challenge → session → consents, update, withdraw all, access log) and online-care
sessions bound to the facility that created them."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from onshi.card.cardfile import CardFile
from onshi.services.consent_web_sessions import patient_payload
from onshi.store.database import Database
from tests.card.support import live_central, run
from tests.central.conftest import LiveCentral
from tests.consent_web.support import CLINIC, OTHER, PIN, World, link_card, prepare


@pytest.fixture
def live(database_url: str, tmp_path: Path, pki_dir: Path) -> Iterator[tuple[LiveCentral, World]]:
    async def setup(db: Database) -> World:
        world = await prepare(db, database_url, tmp_path, pki_dir)
        await link_card(db, world)
        return world

    world = run(database_url, setup)
    with live_central(world.settings) as central:
        yield central, world


def sign_in(client: httpx.Client, world: World, challenge: str | None = None) -> httpx.Response:
    card = CardFile.load(world.card).unlock_with_pin(PIN)
    challenge = challenge or client.post("/api/v1/patient/challenges").json()["challenge"]
    signature = base64.b64encode(card.sign(patient_payload(challenge))).decode()
    body = {"certificate": card.certificate_pem, "challenge": challenge, "signature": signature}
    return client.post("/api/v1/patient/sessions", json=body)


def test_patient_api_inquires_updates_and_withdraws_consents(live: tuple[LiveCentral, World]) -> None:
    central, world = live
    with central.client() as client:
        assert client.get("/api/v1/patient/consents").status_code == 401
        challenge = client.post("/api/v1/patient/challenges").json()["challenge"]
        signed = sign_in(client, world, challenge)
        assert signed.status_code == 201, signed.text
        assert sign_in(client, world, challenge).json()["error"]["code"] == "challenge"  # single use
        token = signed.json()["token"]
    with central.client(token) as patient:
        (grant,) = patient.get("/api/v1/patient/consents").json()["consents"]
        assert (grant["facility_name"], grant["context"], grant["items"], grant["state"]) == (
            "さくら在宅クリニック", "home_visit", [], "live",
        )  # fmt: skip
        updated = patient.post(
            f"/api/v1/patient/consents/{grant['id']}", json={"items": ["treatment", "checkup"]}
        )
        assert updated.status_code == 200, updated.text
        new = updated.json()["consent"]
        assert (new["items"], new["viewing_until"]) == (["checkup", "treatment"], grant["viewing_until"])
        assert patient.post(f"/api/v1/patient/consents/{grant['id']}", json={"items": []}).status_code == 404
        assert patient.post(f"/api/v1/patient/consents/{new['id']}", json={"items": ["x"]}).status_code == 422
        withdrawn = patient.post("/api/v1/patient/consents/withdraw-all")
        assert withdrawn.json() == {"withdrawn": [new["id"]]}
        states = {c["id"]: c["state"] for c in patient.get("/api/v1/patient/consents").json()["consents"]}
        assert states == {grant["id"]: "withdrawn", new["id"]: "withdrawn"}
        entries = patient.get("/api/v1/patient/access-log").json()["entries"]
    actions = [(e["action"], e["outcome"]) for e in reversed(entries)]
    assert actions == [
        ("card.link", "linked"), ("consent.grant", "given"), ("card.confirm", "validity:1"),
        ("consent.update", "updated"), ("consent.withdraw", "withdrawn:1"),
    ]  # fmt: skip
    assert entries[-1]["facility_name"] == "さくら在宅クリニック" and entries[0]["actor_kind"] == "patient"
    with central.client("not-a-token") as stranger:
        assert stranger.post("/api/v1/patient/consents/withdraw-all").status_code == 401


def test_online_care_sessions_belong_to_their_facility_and_web_cookies_are_strict(
    live: tuple[LiveCentral, World],
) -> None:
    central, world = live
    with central.client(world.keys[CLINIC]) as app:
        bad = app.post("/api/v1/online-care/sessions", json={"return_url": "javascript:alert(1)"})
        assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_return_url"
        created = app.post(
            "/api/v1/online-care/sessions", json={"return_url": "https://app.example/cb", "state": "s"}
        )
        assert created.status_code == 201, created.text
        session, url = created.json()["session"], created.json()["url"]
        assert url.startswith(central.url + "/online-care/start/")
    with central.client(world.keys[OTHER]) as other:
        assert other.get(f"/api/v1/online-care/sessions/{session}").status_code == 404
    with central.client() as anonymous:
        assert anonymous.get(f"/api/v1/online-care/sessions/{session}").status_code == 401
        first = anonymous.get(url)
        assert first.status_code == 200 and "同意登録" in first.text
        cookie = first.headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
        assert first.headers["content-security-policy"].startswith("default-src 'self'")
    with central.client() as second_browser:
        assert second_browser.get(url).status_code == 410  # the one-time URL is spent
    with central.client() as device:
        login = device.post("/zaitaku/login", data={"facility_code": CLINIC, "api_key": world.keys[CLINIC]})
        assert login.status_code == 303 and "samesite=strict" in login.headers["set-cookie"].lower()
        refused = device.post("/zaitaku/login", data={"facility_code": OTHER, "api_key": world.keys[CLINIC]})
        assert refused.status_code == 401 and "正しくありません" in refused.text
        # The server checks every step itself, whatever the browser let through.
        partial = device.post("/zaitaku/confirm", data={"context": "home_visit", "surgery": "yes"})
        assert partial.status_code == 400 and "次の項目で" in partial.text and "限度額情報" in partial.text
        assert device.post("/zaitaku/confirm", data={"context": "online_care"}).status_code == 303
        answers = {
            "context": "house_call",
            **dict.fromkeys(("surgery", "treatment", "checkup", "limit", "disease"), "no"),
        }
        no_card = device.post("/zaitaku/register", data={**answers, "pin": PIN})
        assert no_card.status_code == 400 and "card.json" in no_card.text
        assert device.post("/zaitaku/settings", data={"identity_mode": "visual"}).status_code == 303
        card = {"card": ("card.json", world.card.read_bytes(), "application/json")}
        unticked = device.post("/zaitaku/register", data=answers, files=card)
        assert unticked.status_code == 400 and "目視で確認" in unticked.text
        ticked = device.post("/zaitaku/register", data={**answers, "visual_checked": "1"}, files=card)
        assert ticked.status_code == 303 and ticked.headers["location"] == "/zaitaku/done"
        done = device.get("/zaitaku/done")
        assert "目視確認" in done.text and "同意した項目はありません" in done.text
