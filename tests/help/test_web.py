"""The help page and its JSON on a real central, and the page in Debian's Chromium."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import chromium


@pytest.fixture(scope="module")
def client(help_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=help_url, timeout=30) as client:
        yield client


def test_the_page_without_a_question_lists_every_entry_by_category(client: httpx.Client) -> None:
    response = client.get("/help")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    page = response.text
    assert '<html lang="ja">' in page
    assert '<label for="q">質問またはエラーコード</label>' in page
    assert page.count("<details") >= 40
    assert "訪問診療・訪問看護" in page and "経過措置" in page


def test_a_question_shows_the_best_answers_with_links_and_sources(client: httpx.Client) -> None:
    page = client.get("/help", params={"q": "資格情報なしと表示された"}).text
    first = page.index('id="faq-')
    assert page[first:].startswith('id="faq-counter-no-data"')
    assert "被保険者資格申立書" in page and "受付 /fallback/new" in page and "出典" in page
    assert "<details" not in page  # answers, not the whole list


def test_a_code_is_explained_first(client: httpx.Client) -> None:
    page = client.get("/help", params={"q": "ONSE9501 と出た"}).text
    assert page.index('id="code-ONSE9501"') < page.index('id="faq-')
    assert "次にすること" in page


def test_english_on_request(client: httpx.Client) -> None:
    page = client.get("/help", params={"q": "PIN locked", "lang": "en"}).text
    assert '<html lang="en">' in page
    assert 'id="faq-card-pin-locked"' in page
    assert "Best answers" in page
    assert 'href="/help?q=PIN+locked&amp;lang=ja"' in page  # the toggle keeps the question


def test_the_question_is_escaped(client: httpx.Client) -> None:
    page = client.get("/help", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


def test_the_json_api(client: httpx.Client) -> None:
    body = client.get("/api/v1/help", params={"q": "ONSP3001 カードの証明書", "top": 2}).json()
    assert body["codes"][0]["code"] == "ONSP3001"
    assert body["codes"][0]["http_status"] == 403
    assert len(body["results"]) == 2
    first = body["results"][0]
    assert first["id"] == "card-certificate-expired"
    assert first["links"] and first["source"]
    english = client.get("/api/v1/help", params={"q": "patient forgot the card", "lang": "en"}).json()
    assert english["lang"] == "en"
    assert english["results"][0]["id"] == "card-forgotten"
    assert english["results"][0]["question"] == "The patient forgot their My Number Card."
    assert client.get("/api/v1/help").status_code == 422
    assert client.get("/api/v1/help", params={"q": "x" * 501}).status_code == 422


# ---------------------------------------------------------------- Chromium


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from chromium()


def _page(browser: Browser, help_url: str, javascript: bool = True) -> Page:
    context = browser.new_context(base_url=help_url, locale="ja-JP", java_script_enabled=javascript)
    context.set_default_timeout(20_000)
    return context.new_page()


def test_staff_search_without_javascript_and_by_keyboard(
    browser: Browser, help_url: str, tmp_path: Path
) -> None:
    page = _page(browser, help_url, javascript=False)
    page.goto("/help")
    # Focus order: skip link, language toggle, then the labelled search box and its button.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("本文へ移動")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("English")
    page.keyboard.press("Tab")
    search_box = page.get_by_label("質問またはエラーコード")
    expect(search_box).to_be_focused()
    search_box.fill("暗唱番号をまちがえてロックされた")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text("暗唱番号をまちがえてロックされた")
    first = page.locator("ol.hits > li").first
    expect(first.get_by_role("heading")).to_contain_text("暗証番号")
    expect(first.locator("code", has_text="--method face")).to_be_visible()  # `…` spans as code
    page.screenshot(path=str(tmp_path / "help-ja.png"), full_page=True)

    page.get_by_label("質問またはエラーコード").fill("ONSP3001")
    page.get_by_role("button", name="検索").click()
    expect(page.get_by_role("heading", name="コードの説明")).to_be_visible()
    expect(page.locator("#code-ONSP3001")).to_contain_text("市区町村")

    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_label("Question or error code")).to_have_value("ONSP3001")
    expect(page.get_by_role("heading", name="Codes explained")).to_be_visible()
    page.screenshot(path=str(tmp_path / "help-en.png"), full_page=True)
    page.context.close()
    assert (tmp_path / "help-ja.png").stat().st_size > 10_000
