"""The operator's statistics pages and a facility's my page in a real headless Chromium (Debian's),
without JavaScript, against a live central over the statistics world: sign in, the three pages
with their charts loaded as images, a facility looked up, a CSV export downloaded, sign out;
then the facility's own page. Runs on SQLite (test_agreement.py covers both databases)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Response, expect

from tests.browser import chromium
from tests.conftest import fresh_database_url
from tests.stats_web.conftest import LiveStats

TIMEOUT_MS = 30_000


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("sqlite", request, tmp_path)


@pytest.fixture
def browser(live_stats: LiveStats) -> Iterator[Browser]:
    yield from chromium()


def new_page(browser: Browser, live: LiveStats, width: int, charts: list[Response]) -> Page:
    context = browser.new_context(base_url=live.central.url, locale="ja-JP", java_script_enabled=False,
                                  viewport={"width": width, "height": 900}, accept_downloads=True)  # fmt: skip
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.on("response", lambda response: charts.append(response) if ".svg" in response.url else None)
    return page


def loaded_charts(page: Page, charts: list[Response]) -> set[str]:
    page.wait_for_load_state("networkidle")
    for response in charts:
        assert response.status == 200 and response.headers["content-type"] == "image/svg+xml", response.url
    return {response.url.split("?")[0].rsplit("/", 1)[-1] for response in charts}


@pytest.mark.slow
def test_the_operator_pages_and_the_my_page(browser: Browser, live_stats: LiveStats, tmp_path: Path) -> None:
    world, charts = live_stats.world, []
    page = new_page(browser, live_stats, 1280, charts)
    page.goto("/operator/stats/")
    expect(page.locator("h1")).to_have_text("運営者のログイン")
    page.get_by_label("運営者のAPIキー").fill("onshi_ok_wrong")
    page.get_by_role("button", name="ログイン").click()
    expect(page.locator("#error")).to_contain_text("APIキーが正しくない")
    page.get_by_label("運営者のAPIキー").fill(world.operator_key)
    page.get_by_role("button", name="ログイン").click()

    expect(page.locator("h1")).to_have_text("オンライン資格確認の導入状況")
    page.get_by_label("基準日").fill("2024-03-01")
    page.get_by_label("施設類型（都道府県別）").select_option("medical_clinic")
    page.get_by_role("button", name="表示").click()
    expect(page.locator("#by-prefecture caption")).to_contain_text("2024-03-01時点・全施設・医科診療所")
    expect(page.locator("#by-prefecture tbody tr")).to_have_count(48)  # 47 prefectures and 合計
    expect(page.locator("#by-type tr.total th")).to_have_text("合計")
    expect(page.locator("#ranking tbody tr").first.locator("th")).to_have_text("1")
    assert loaded_charts(page, charts) >= {"adoption-prefectures.svg", "adoption-map.svg"}
    page.screenshot(path=str(tmp_path / "adoption.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="都道府県別をCSVでダウンロード").click()
    exported = Path(download.value.path()).read_bytes()
    assert exported.startswith("\ufeff都道府県,機関数".encode()) and "北海道".encode() in exported

    charts.clear()
    page.get_by_role("link", name="利用状況").click()
    expect(page.locator("h1")).to_have_text("オンライン資格確認の利用状況")
    expect(page.locator("#by-month tbody tr")).to_have_count(11)  # ten months and 合計
    assert "usage-trend.svg" in loaded_charts(page, charts)

    charts.clear()
    page.get_by_role("link", name="マイナ保険証利用率").click()
    page.get_by_label("医療機関等コード").fill(world.facility_code)
    page.get_by_role("button", name="表示").click()
    expect(page.locator("#facility caption")).to_contain_text(world.facility_code)
    expect(page.locator("#support [data-program=usage_lump_sum] h3")).to_contain_text("一時金")
    expect(page.locator("#rates tr.total th")).to_have_text("合計")
    assert "facility.svg" in loaded_charts(page, charts)
    page.screenshot(path=str(tmp_path / "utilisation.png"), full_page=True)
    page.get_by_role("button", name="ログアウト").click()
    expect(page.locator("h1")).to_have_text("運営者のログイン")
    page.goto("/operator/stats/usage")
    expect(page.locator("h1")).to_have_text("運営者のログイン")  # the session ended

    charts.clear()
    mine = new_page(browser, live_stats, 390, charts)
    mine.goto("/mypage/")
    mine.get_by_label("医療機関等コード（10桁）").fill(world.facility_code)
    mine.get_by_label("APIキー").fill(world.operator_key)  # an operator key is not the facility's
    mine.get_by_role("button", name="ログイン").click()
    expect(mine.locator("#error")).to_be_visible()
    mine.get_by_label("APIキー").fill(world.facility_key)
    mine.get_by_role("button", name="ログイン").click()
    expect(mine.locator("h1")).to_have_text("マイナ保険証の利用率")
    expect(mine.locator("header")).to_contain_text(world.facility_code)
    expect(mine.locator("#facility tbody tr")).to_have_count(10)
    assert loaded_charts(mine, charts) == {"chart.svg"}
    poster = mine.locator("#support [data-program=usage_lump_sum] li").last
    expect(poster).to_contain_text("未申告")
    mine.get_by_label("窓口での共通ポスターの掲示", exact=False).check()
    mine.get_by_role("button", name="申告内容を保存").click()
    expect(poster).to_contain_text("実施")
    expect(mine.get_by_label("窓口での共通ポスターの掲示", exact=False)).to_be_checked()
    mine.screenshot(path=str(tmp_path / "mypage.png"), full_page=True)
