"""The portal in a real headless Chromium (Debian's, JavaScript off), against central over HTTPS:

(a) a new clinic registers, answers the survey, applies for a card reader (returned with a
    reason by the operator, submitted again), for usage and for its certificate, downloads the
    certificate once, proves it with `onshi terminal test` over mutual TLS, enters its operation
    start date and is operating — and its terminal, with that certificate, gets a confirmation
    answered; every milestone is recorded with source "portal";
(b) a pharmacy chain uploads an operation-start CSV with bad rows: each is reported with its
    line and reason, the others are applied.

Browser tests run on SQLite; tests/portal/test_api.py and test_bulk.py run the same paths on both.
"""

from __future__ import annotations

import asyncio
import zipfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from onshi import wire
from onshi.domain.actors import ActorKind
from onshi.domain.dates import today_jst
from onshi.domain.milestones import ORDER
from onshi.store.database import Database
from onshi.store.schema import facility_milestones
from onshi.terminal.agent import TerminalAgent
from onshi.terminal.client import CentralClient, Credentials
from tests.browser import chromium
from tests.central.test_api import request_xml
from tests.cli.conftest import Cli
from tests.conftest import fresh_database_url
from tests.portal.support import CLINIC_FORM, PASSWORD
from tests.portal.test_bulk import CHAIN, chain_with_connected_pharmacies
from tests.terminal.conftest import TlsCentral
from tests.terminal.test_agent import run_until

TIMEOUT_MS = 20_000
CODE = CLINIC_FORM["facility_code"]
OPERATOR = "shiharai"


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("sqlite", request, tmp_path)


def in_thread(work: Callable[[], Any]) -> Any:
    """Run event-loop code beside Playwright's sync API, which holds this thread's loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


@pytest.fixture
def browser() -> Iterator[Browser]:
    yield from chromium()


def new_page(browser: Browser, central: TlsCentral) -> Page:
    context = browser.new_context(
        base_url=central.url,
        locale="ja-JP",
        java_script_enabled=False,
        ignore_https_errors=True,
        accept_downloads=True,
    )
    context.set_default_timeout(TIMEOUT_MS)
    return context.new_page()


def shot(page: Page, tmp_path: Path, name: str) -> None:
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)


def sign_in(page: Page, role: str, login: str, password: str) -> None:
    page.goto("/portal/")
    expect(page.locator("h1")).to_have_text("ログイン")
    page.get_by_label(role).check()
    page.get_by_label("ログインID", exact=False).fill(login)
    page.get_by_label("パスワード", exact=False).fill(password)
    page.get_by_role("button", name="ログイン").click()


def review(operator: Page, kind_label: str, approve: bool, reason: str = "") -> None:
    operator.goto("/portal/operator")
    section = operator.locator("section.application", has_text=kind_label)
    expect(section).to_have_count(1)
    if approve:
        section.get_by_role("button", name="承認する").click()
        expect(operator.locator("#notice")).to_contain_text("承認しました")
    else:
        section.get_by_label("差戻しの理由").fill(reason)
        section.get_by_role("button", name="差し戻す").click()
        expect(operator.locator("#notice")).to_contain_text("差し戻しました")


def expect_stage(clinic: Page, label: str) -> None:
    clinic.goto(f"/portal/facilities/{CODE}")
    expect(clinic.locator("#stage")).to_contain_text(label)


def test_a_new_clinic_goes_from_account_to_operating_and_a_chain_loads_its_start_dates(
    tls_central: TlsCentral, browser: Browser, tmp_path: Path
) -> None:
    central = tls_central
    operator_key = in_thread(lambda: central.key(ActorKind.OPERATOR, OPERATOR))
    credentials = _clinic_walk(central, browser, operator_key, tmp_path)
    _terminal_confirms(central, credentials, tmp_path)
    reached = in_thread(lambda: central.run(_milestones))
    assert sorted(reached) == sorted((m.value, "portal") for m in ORDER)
    _chain_upload(central, browser, tmp_path)


def _clinic_walk(central: TlsCentral, browser: Browser, operator_key: str, tmp_path: Path) -> Credentials:
    clinic, operator = new_page(browser, central), new_page(browser, central)
    # アカウント登録
    clinic.goto("/portal/login")
    clinic.get_by_role("link", name="アカウント登録").click()
    clinic.get_by_label("医療機関等コード（10桁）").fill(CODE)
    clinic.get_by_label("医療機関等の名称").fill(CLINIC_FORM["name"])
    clinic.get_by_label("施設の種類").select_option("medical_clinic")
    clinic.get_by_label("連絡先メールアドレス").fill(CLINIC_FORM["email"])
    clinic.get_by_label("パスワード").fill("short")
    clinic.get_by_role("button", name="登録する").click()
    expect(clinic.locator("#error")).to_be_visible()  # a weak password is refused, the form kept
    expect(clinic.get_by_label("医療機関等コード（10桁）")).to_have_value(CODE)
    clinic.get_by_label("パスワード").fill(PASSWORD)
    clinic.get_by_role("button", name="登録する").click()
    expect(clinic.locator("#notice")).to_contain_text("アカウントを登録しました")
    expect(clinic.locator("#stage")).to_contain_text("アカウント登録済み")
    shot(clinic, tmp_path, "01-registered")
    # 導入意向調査 (before applying for a reader)
    clinic.get_by_role("link", name="導入意向調査への回答").click()
    clinic.get_by_label("ない", exact=True).check()
    clinic.get_by_label("導入後、継続して費用がかかる（増える）ため", exact=True).check()
    clinic.get_by_label("導入に向けた支援があること", exact=True).check()
    clinic.get_by_label("例えば（導入に向けた支援があること）").fill("ベンダ費用の補助")
    clinic.get_by_role("button", name="回答する").click()
    expect(clinic.locator("#notice")).to_contain_text("導入意向調査への回答を受け付けました")
    # 顔認証付きカードリーダー申込: returned with a reason, submitted again
    _apply(
        clinic,
        "顔認証付きカードリーダー申込",
        {"申込台数": "1", "担当者名": "佐藤 花子", "電話番号": "03-1234-5678"},
    )
    sign_in(operator, "運営者（支払基金）", OPERATOR, operator_key)
    review(operator, "顔認証付きカードリーダー申込", approve=False, reason="機種を選んでください")
    expect_stage(clinic, "カードリーダー申込の差戻し")
    expect(clinic.locator("#returned")).to_contain_text("機種を選んでください")
    shot(clinic, tmp_path, "02-returned")
    _apply(clinic, "顔認証付きカードリーダー申込", {"申込台数": "1", "担当者名": "佐藤 花子", "電話番号": "03-1234-5678"},
           model="model_a")  # fmt: skip
    review(operator, "顔認証付きカードリーダー申込", approve=True)
    # 利用申請 and 電子証明書発行申請
    _apply(clinic, "オンライン資格確認利用申請", {
        "開設者・管理者名": "桜井 一郎", "担当者名": "佐藤 花子", "電話番号": "03-1234-5678",
        "メールアドレス": "office@sakura.example", "システムベンダ名": "さくらシステム株式会社",
    })  # fmt: skip
    review(operator, "オンライン資格確認利用申請", approve=True)
    _apply(clinic, "電子証明書発行申請", {"担当者名": "佐藤 花子"})
    review(operator, "電子証明書発行申請", approve=True)
    # the certificate, once
    expect_stage(clinic, "電子証明書の発行準備完了")
    with clinic.expect_download() as download:
        clinic.get_by_role("button", name="電子証明書をダウンロードする").click()
    bundle = tmp_path / "certificate.zip"
    download.value.save_as(bundle)
    with zipfile.ZipFile(bundle) as archive:
        assert sorted(archive.namelist()) == ["README.txt", "ca.crt", "terminal.crt", "terminal.key"]
        archive.extractall(tmp_path / "terminal-credentials")
    expect_stage(clinic, "電子証明書の発行済み")
    expect(clinic.get_by_role("button", name="電子証明書をダウンロードする")).to_have_count(0)
    expect(clinic.locator("#connection-help")).to_contain_text("onshi terminal test")
    shot(clinic, tmp_path, "03-issued")
    # 接続確認: the terminal's command, over mutual TLS with the downloaded certificate
    folder = tmp_path / "terminal-credentials"
    tested = in_thread(lambda: Cli(central.database_url)(
        "terminal", "test", "--central", central.url, "--cert", str(folder / "terminal.crt"),
        "--key", str(folder / "terminal.key"),
    ))  # fmt: skip
    assert "接続確認が完了しました" in tested.stdout
    expect_stage(clinic, "接続確認済み")
    # 運用開始日: a future day is refused, today is accepted
    clinic.get_by_label("運用開始日").fill((today_jst() + timedelta(days=2)).isoformat())
    clinic.get_by_role("button", name="運用開始日を登録する").click()
    expect(clinic.locator("#error")).to_contain_text("未来の日付です")
    clinic.goto(f"/portal/facilities/{CODE}")
    clinic.get_by_label("運用開始日").fill(today_jst().isoformat())
    clinic.get_by_role("button", name="運用開始日を登録する").click()
    expect(clinic.locator("#notice")).to_contain_text("運用開始日を登録しました")
    expect(clinic.locator("#stage")).to_contain_text("運用開始")
    expect(
        clinic.get_by_role("link", name="マイページ（マイナ保険証利用率の推移・支援金の判定）")
    ).to_have_attribute("href", "/mypage/login")
    expect(clinic.locator("#steps li.done")).to_have_count(len(ORDER))
    shot(clinic, tmp_path, "04-operating")
    operator.goto("/portal/operator/survey")
    expect(operator.locator("#reasons tr[data-reason=running_costs] td").nth(1)).to_have_text("1")
    return Credentials(folder / "terminal.crt", folder / "terminal.key", folder / "ca.crt")


def _apply(clinic: Page, title: str, fields: dict[str, str], model: str | None = None) -> None:
    clinic.goto(f"/portal/facilities/{CODE}")
    clinic.locator("#apply").click()
    expect(clinic.locator("h1")).to_have_text(title)
    for label, value in fields.items():
        clinic.get_by_label(label, exact=True).fill(value)
    if model:
        clinic.get_by_label("機種").select_option(model)
    clinic.get_by_role("button", name="提出する").click()
    expect(clinic.locator("#notice")).to_contain_text("申請を提出しました")


def _terminal_confirms(central: TlsCentral, credentials: Credentials, tmp_path: Path) -> None:
    """The terminal agent with the downloaded certificate: a request file in, its result out."""
    root = tmp_path / "terminal"
    (root / "req").mkdir(parents=True)
    name = "OQSsiquc01req_portal001.xml"
    (root / "req" / name).write_bytes(request_xml(CODE, "456", "portal-1"))
    result = root / "res" / wire.result_filename(name)

    async def main() -> None:
        client = CentralClient(central.url, credentials)
        try:
            await run_until(TerminalAgent(root, CODE, client), result.exists)
        finally:
            await client.close()

    in_thread(lambda: asyncio.run(main()))
    document = wire.parse(result.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True).document
    assert document["MessageHeader"]["MedicalInstitutionCode"] == CODE
    assert document["MessageBody"]["QualificationValidity"] == "1"


async def _milestones(db: Database) -> list[tuple[str, str]]:
    m = facility_milestones.c
    async with db.read() as conn:
        rows = await conn.execute(select(m.milestone, m.source).where(m.facility_code == CODE))
        return [(row.milestone, row.source) for row in rows]


def _chain_upload(central: TlsCentral, browser: Browser, tmp_path: Path) -> None:
    async def setup(db: Database) -> dict[str, str]:
        return await chain_with_connected_pharmacies(db, central.settings.facility_ca_dir)

    codes = in_thread(lambda: central.run(setup))
    today = today_jst().isoformat()
    csv = tmp_path / "運用開始日.csv"
    csv.write_text(
        "医療機関等コード,運用開始日\n"
        f"{codes['connected_1']},{today}\n"  # line 2: applied
        f"{codes['connected_2']},{(today_jst() + timedelta(days=3)).isoformat()}\n"  # 3: future
        f"{codes['registered']},{today}\n"  # 4: not connected yet
        f"{CODE},{today}\n"  # 5: not the chain's pharmacy
        "13412345,2024-04-01\n"  # 6: not a facility code
        f"{codes['connected_3']},2024-02-30\n"  # 7: no such day
        f"{codes['connected_2']},{today}\n",  # 8: applied
        encoding="utf-8",
    )
    chain = new_page(browser, central)
    sign_in(chain, "法人", CHAIN, PASSWORD)
    expect(chain.locator("h1")).to_contain_text("の医療機関等")
    chain.get_by_label("CSVファイル（運用開始日の一括登録）").set_input_files(str(csv))
    chain.locator("#bulk-operation_start").get_by_role("button", name="アップロードして反映する").click()
    expect(chain.locator("h1")).to_contain_text("一括申請の結果")
    expect(chain.locator("#rows-loaded")).to_have_text("2")
    expect(chain.locator("#rows-rejected")).to_have_text("5")
    lines = chain.locator("#rejected tbody tr")
    expect(lines).to_have_count(5)
    reasons = {int(row.get_attribute("data-line") or 0): row.inner_text() for row in lines.all()}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert "未来の日付" in reasons[3] and "運用開始日の登録はできません" in reasons[4]
    assert "この法人の医療機関等ではありません" in reasons[5]
    assert "10桁" in reasons[6] and "operation_start_date" in reasons[7]
    shot(chain, tmp_path, "05-bulk-report")
    chain.goto("/portal/corporation?stage=operating")
    expect(chain.locator("#facilities tbody tr")).to_have_count(2)
