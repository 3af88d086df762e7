"""The consent web in a real headless Chromium (Debian's), against a live central, on a phone-sized
screen: (a) a home visit with PIN and card, then 再照会 over the API; (b) the 目視確認 variant;
(c) online care from the app's session to the app fetching the result; (d) the patient menu —
consents, update, withdraw all, and an access log with every access the test made.
Browser tests run on SQLite; test_services.py and test_api.py run the same paths on both."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from onshi.domain.clinical import RecordKind
from onshi.domain.consent import ConsentChoices, ConsentContext, ConsentItem
from onshi.domain.dates import today_jst
from onshi.services import disasters
from onshi.services.access_log import accesses
from onshi.services.clinical import view_person
from onshi.services.consent_web_confirm import WebConsent, register_consent
from onshi.services.consent_web_patient import qualification_of
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import consent_grants
from onshi.store.web_sessions import IdentityMode
from tests.browser import chromium
from tests.card.support import HOLDER, OPERATOR, live_central, run
from tests.central.conftest import LiveCentral, free_port
from tests.conftest import fresh_database_url
from tests.consent_web.support import (
    CLINIC,
    OTHER,
    PHARMACY,
    PIN,
    WRONG_PIN,
    World,
    facility_actor,
    link_card,
    prepare,
)

TIMEOUT_MS = 20_000
PHONE = {"width": 390, "height": 780}
NUMBERS = {
    "insurer_number": "01130012", "insured_card_symbol": "123", "insured_identification_number": "456",
    "insured_branch_number": "00", "birthdate": "19800401",
}  # fmt: skip


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("sqlite", request, tmp_path)


def database(url: str, work: Callable[[Database], Any]) -> Any:
    """Run `work(db)` on its own event loop in a thread (Playwright's sync API holds this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(run, url, work).result()


@dataclass(frozen=True)
class Live:
    central: LiveCentral
    world: World


@pytest.fixture
def live(request: pytest.FixtureRequest, database_url: str, tmp_path: Path, pki_dir: Path) -> Iterator[Live]:
    setup = getattr(request, "param", None)

    async def work(db: Database) -> World:
        world = await prepare(db, database_url, tmp_path, pki_dir)
        if setup is not None:
            await setup(db, world)
        return world

    world = database(database_url, work)
    with live_central(world.settings) as central:
        yield Live(central, world)


@pytest.fixture
def browser(live: Live) -> Iterator[Browser]:
    yield from chromium()


@pytest.fixture
def page(browser: Browser, live: Live) -> Iterator[Page]:
    context = browser.new_context(
        base_url=live.central.url, locale="ja-JP", viewport=PHONE, java_script_enabled=False
    )
    context.set_default_timeout(TIMEOUT_MS)
    yield context.new_page()
    context.close()


def shot(page: Page, tmp_path: Path, name: str, full_page: bool = False) -> None:
    """A small JPEG of the screen (or the whole page) in the test's tmp dir."""
    page.screenshot(path=str(tmp_path / f"{name}.jpg"), type="jpeg", quality=40, full_page=full_page)


def log_in(page: Page, live: Live, mode: IdentityMode = IdentityMode.PIN) -> None:
    page.goto("/zaitaku/")
    expect(page.locator("h1")).to_have_text("医療機関等のログイン")
    page.get_by_label("医療機関等コード（10桁）").fill(CLINIC)
    page.get_by_label("APIキー").fill(live.world.keys[CLINIC])
    page.get_by_label(mode.label_ja).check()
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("h1")).to_have_text("同意登録の準備と開始")


def choose(page: Page, answers: dict[ConsentItem, bool]) -> None:
    for item, agreed in answers.items():
        page.locator(f"#item-{item.value}").get_by_label(
            "同意する" if agreed else "同意しない", exact=True
        ).check()


def identify(page: Page, card: Path, pin: str | None) -> None:
    if pin is not None:
        page.get_by_label("暗証番号（数字4桁）").fill(pin)
    page.get_by_label("マイナンバーカード（card.json）").set_input_files(str(card))
    page.get_by_role("button", name="本人確認して登録する").click()


def test_a_home_visit_with_pin_and_card_then_reinquiry(page: Page, live: Live, tmp_path: Path) -> None:
    log_in(page, live)
    page.locator("#start-home-visit").click()
    expect(page.locator("[aria-current=step]")).to_contain_text("入力")
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    choose(page, {ConsentItem.SURGERY: True, ConsentItem.TREATMENT: True, ConsentItem.CHECKUP: False})
    choose(page, {ConsentItem.LIMIT: True, ConsentItem.DISEASE: False})
    shot(page, tmp_path, "a1-selection")
    page.get_by_role("button", name="同意内容を確認する").click()
    expect(page.locator("[aria-current=step]")).to_contain_text("確認")
    expect(page.locator("[data-item=checkup] dd")).to_have_text("同意しないまたは40歳未満")
    page.get_by_role("button", name="選択内容を修正する").click()  # back, with the choices kept
    expect(page.locator("#item-surgery").get_by_label("同意する", exact=True)).to_be_checked()
    page.get_by_role("button", name="同意内容を確認する").click()
    expect(page.locator("[data-item=surgery] dd")).to_have_text("同意する")
    page.get_by_role("button", name="同意内容を登録する").click()
    identify(page, live.world.card, WRONG_PIN)
    expect(page.locator("#error")).to_contain_text("あと2回")
    identify(page, live.world.card, PIN)
    expect(page.locator("#done")).to_have_text("同意登録が完了しました")
    expect(page.locator("[aria-current=step]")).to_contain_text("完了")
    expect(page.locator("#validity")).to_contain_text("有効")
    expect(page.locator("#insurer")).to_contain_text("全国健康保険協会東京支部（保険者番号 01130012）")
    expect(page.locator("#copay")).to_have_text("3割")
    expect(page.locator("#window")).to_contain_text("初回から3か月後の末日")
    expect(page.locator("#items [data-item=limit] dd")).to_have_text("同意する")
    shot(page, tmp_path, "a2-done", full_page=True)
    page.reload()  # the completion is shown again, nothing registered twice
    expect(page.locator("#done")).to_be_visible()
    with live.central.client(live.world.keys[CLINIC]) as client:
        again = client.post("/api/v1/reinquiries", json=NUMBERS)
    assert again.status_code == 200, again.text
    assert again.json()["XmlMsg"]["MessageBody"]["QualificationValidity"] == "1"

    # A house call for a patient under 40 who agreed to everything: back to the choice, checkups fixed.
    page.locator("#next").click()
    page.locator("#start-house-call").click()
    page.locator("#agree-all-top").click()
    page.get_by_role("button", name="同意内容を登録する").click()
    identify(page, live.world.young_card, PIN)
    expect(page.locator("#error")).to_contain_text("40歳未満")
    expect(page.locator("#item-checkup").get_by_label("同意する", exact=True)).to_be_disabled()
    expect(page.locator("#item-checkup").get_by_label("同意しない", exact=True)).to_be_checked()
    shot(page, tmp_path, "a3-under-40")
    page.locator("#agree-all-bottom").click()
    expect(page.locator("[data-item=checkup] dd")).to_have_text("同意しないまたは40歳未満")
    page.get_by_role("button", name="同意内容を登録する").click()
    identify(page, live.world.young_card, PIN)
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator("#window")).to_contain_text("24時間")
    expect(page.locator("#items [data-item=checkup] dd")).to_have_text("同意しない")


async def _linked(db: Database, world: World) -> None:
    await link_card(db, world, PHARMACY)


@pytest.mark.parametrize("live", [_linked], indirect=True)
def test_b_visual_check_without_a_pin(page: Page, live: Live, tmp_path: Path) -> None:
    log_in(page, live, IdentityMode.VISUAL)
    expect(page.locator("#identity-mode")).to_have_text("目視確認")
    page.locator("#start-house-call").click()
    page.locator("#agree-all-top").click()
    page.get_by_role("button", name="同意内容を登録する").click()
    expect(page.get_by_label("暗証番号（数字4桁）")).to_have_count(0)
    page.get_by_label("目視で確認しました", exact=False).check()
    shot(page, tmp_path, "b1-visual")
    identify(page, live.world.card, None)
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator(".context-label")).to_contain_text("往診（本人確認：目視確認）")
    expect(page.locator("#validity")).to_contain_text("有効")

    async def channels(db: Database) -> list[tuple[str, str, str]]:
        async with db.read() as conn:
            c = consent_grants.c
            rows = await conn.execute(select(c.facility_code, c.context, c.channel).order_by(c.id))
            return [tuple(row) for row in rows]

    assert database(live.central.database_url, channels) == [
        (PHARMACY, "home_visit", "card"), (CLINIC, "house_call", "visual"),
    ]  # fmt: skip
    # The mode can be changed in the settings.
    page.goto("/zaitaku/settings")
    page.get_by_label("暗証番号（4桁）とカード").check()
    page.get_by_role("button", name="保存する").click()
    expect(page.locator("#identity-mode")).to_have_text("暗証番号（4桁）とカード")


def test_c_online_care_from_the_app_s_session_to_its_result(page: Page, live: Live, tmp_path: Path) -> None:
    callback = f"http://127.0.0.1:{free_port()}/callback"
    page.route(
        callback + "*",
        lambda route: route.fulfill(status=200, content_type="text/html", body="<p id=app>app</p>"),
    )
    with live.central.client(live.world.keys[CLINIC]) as app:
        created = app.post(
            "/api/v1/online-care/sessions", json={"return_url": callback, "state": "xyz-123"}
        ).json()
        assert app.get(f"/api/v1/online-care/sessions/{created['session']}").status_code == 404  # not yet
    page.goto(created["url"])
    expect(page.locator(".facility")).to_have_text("さくら在宅クリニック")
    expect(page.locator(".context-label")).to_have_text("オンライン診療等")
    choose(page, {item: item is not ConsentItem.SURGERY for item in ConsentItem})
    page.get_by_role("button", name="同意内容を確認する").click()
    page.get_by_role("button", name="同意内容を登録する").click()
    shot(page, tmp_path, "c1-identity")
    identify(page, live.world.card, PIN)
    expect(page.locator("#app")).to_have_text("app")
    returned = parse_qs(urlsplit(page.url).query)
    assert returned == {"session": [created["session"]], "state": ["xyz-123"]}
    with live.central.client(live.world.keys[OTHER]) as other:
        assert other.get(f"/api/v1/online-care/sessions/{created['session']}").status_code == 404
    with live.central.client(live.world.keys[CLINIC]) as app:
        result = app.get(f"/api/v1/online-care/sessions/{created['session']}")
        assert result.status_code == 200, result.text
        assert app.get(f"/api/v1/online-care/sessions/{created['session']}").status_code == 404  # once
    outcome = result.json()
    assert (outcome["status"], outcome["state"], outcome["context"]) == (
        "completed",
        "xyz-123",
        "online_care",
    )
    assert outcome["items"] == ["checkup", "disease", "limit", "treatment"]
    assert outcome["grant_id"] and outcome["qualification"]["validity"] == "1"
    assert outcome["qualification"]["number"] == "456"
    page.goto(created["url"])  # the one-time URL is spent
    expect(page.locator("h1")).to_have_text("このURLは使用できません")


async def _accesses(db: Database, world: World) -> None:
    """Accesses about the patient by three facilities: a home visit, a pharmacy's house call with
    items and a view, a view under 災害時モード without consent."""
    audit = DirectAuditLog(db.engine)
    await link_card(db, world)
    choices = ConsentChoices.of({ConsentItem.TREATMENT, ConsentItem.LIMIT})
    request = WebConsent(ConsentContext.HOUSE_CALL, choices, world.card.read_bytes(), PIN)
    await register_consent(db, audit, world.anchor, facility_actor(PHARMACY), request, IdentityMode.PIN)
    patient = await qualification_of(db, HOLDER)
    assert patient is not None
    await view_person(db, audit, facility_actor(PHARMACY), patient, RecordKind.MEDICATION)
    today = today_jst()
    await disasters.declare(db, OPERATOR, ["13"], today, today + timedelta(days=3), "地震")
    await view_person(db, audit, facility_actor(OTHER), patient, RecordKind.MEDICATION)


@pytest.mark.parametrize("live", [_accesses], indirect=True)
def test_d_patient_menu_consents_update_withdraw_and_access_log(
    page: Page, live: Live, tmp_path: Path
) -> None:
    with live.central.client(live.world.keys[CLINIC]) as client:
        assert client.post("/api/v1/reinquiries", json=NUMBERS).status_code == 200
    page.goto("/patient/")
    page.get_by_label("暗証番号（数字4桁）").fill(PIN)
    page.get_by_label("マイナンバーカード（card.json）").set_input_files(str(live.world.card))
    page.get_by_role("button", name="サインイン").click()
    expect(page.locator("#patient-name")).to_have_text("山田　太郎 様")
    page.locator("#menu-consents").click()
    grants = page.locator("#grants > li")
    expect(grants).to_have_count(2)
    pharmacy, clinic = grants.nth(0), grants.nth(1)
    expect(pharmacy.locator("h2")).to_have_text("みどり薬局")
    expect(pharmacy.locator(".granted-items")).to_have_text("診療情報および薬剤情報、限度額情報")
    expect(clinic.locator(".state")).to_contain_text("有効 訪問診療等（居宅同意取得型）")
    expect(clinic.locator(".granted-items")).to_have_text("なし")
    shot(page, tmp_path, "d1-consents")
    clinic.locator("summary").click()
    clinic.get_by_label("診療情報および薬剤情報").check()
    clinic.get_by_role("button", name="この内容で変更する").click()
    expect(page.locator("#updated")).to_contain_text("同意の内容を変更しました")
    expect(page.locator("#grants > li[data-state=live]")).to_have_count(2)
    expect(page.locator("#grants > li[data-state=withdrawn]")).to_have_count(1)
    page.get_by_role("link", name="すべての同意を取消す").first.click()
    expect(page.locator("#to-withdraw li")).to_have_count(2)
    page.locator("#withdraw-confirm").click()
    expect(page.locator("#withdrawn")).to_contain_text("2件の同意を取り消しました")
    expect(page.locator("#grants > li[data-state=live]")).to_have_count(0)

    page.get_by_role("link", name="アクセス履歴").first.click()
    patient = database(live.central.database_url, lambda db: qualification_of(db, HOLDER))
    logged = database(live.central.database_url, lambda db: accesses(db, patient))
    rows = page.locator("#access-log tbody tr")
    expect(rows).to_have_count(len(logged))
    shown = [(row.get_attribute("data-action"), row.get_attribute("data-outcome")) for row in rows.all()]
    assert shown == [(entry.action, entry.outcome) for entry in logged]
    assert sorted(shown, key=str) == sorted([
        ("card.link", "linked"),
        ("consent.grant", "given"), ("card.confirm", "validity:1"),  # the clinic's home visit
        ("consent.grant", "given"), ("card.confirm", "validity:1"),  # the pharmacy's house call
        ("clinical.view", "shown"), ("clinical.view", "override:disaster"),
        ("confirm.reinquiry", "validity:1"),
        ("consent.update", "updated"), ("consent.withdraw", "withdrawn:2"),
    ], key=str)  # fmt: skip
    override = page.locator("#access-log tr.override")
    expect(override).to_have_count(1)
    expect(override).to_contain_text("⚠ 災害時の閲覧（同意なし）")
    expect(override).to_contain_text("ほか診療所")
    expect(page.locator("#access-log tr[data-action='clinical.view'][data-outcome=shown]")).to_contain_text(
        "みどり薬局"
    )
    shot(page, tmp_path, "d2-access-log", full_page=True)
    page.get_by_role("button", name="サインアウト").click()
    page.goto("/patient/consents")
    expect(page.locator("h1")).to_have_text("患者メニューへのサインイン")
    assert httpx.get(live.central.url + "/consent-web/static/consent.css").status_code == 200
