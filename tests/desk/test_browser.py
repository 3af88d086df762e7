"""The desk in a real headless Chromium (Debian's), beside a real terminal and central.

Covers the six conveniences of seed 003 — (a) live notice of a card-reader confirmation,
(b) opening the patient without typing a number, (c) one-click re-confirmation, (d) the
field-by-field comparison, (e) applying corrections with who applied them, (f) the
appointment-list pre-check — and the fallback procedure (申立書, its PDF, later correction).
Browser tests run on SQLite only; tests/desk/test_flow.py runs the same paths on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser import chromium
from tests.conftest import fresh_database_url
from tests.desk.conftest import PASSWORD, STAFF, Stack, drop_face_file, face_document
from tests.factories import KYOKAI_TOKYO

TIMEOUT_MS = 20_000


@pytest.fixture
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    yield from fresh_database_url("sqlite", request, tmp_path)


@pytest.fixture
def browser(stack: Stack) -> Iterator[Browser]:
    """Started after the stack: Playwright's sync API holds an event loop on this thread, and
    the stack's set-up runs its own (asyncio.run)."""
    yield from chromium()


@pytest.fixture
def page(browser: Browser, stack: Stack) -> Iterator[Page]:
    context = browser.new_context(base_url=stack.desk_url, locale="ja-JP")
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    page.goto("/login")
    page.fill("input[name=login]", STAFF)
    page.fill("input[name=password]", PASSWORD)
    page.click("button:has-text('ログイン')")
    expect(page.locator("h1")).to_contain_text("本日の受付")
    yield page
    context.close()


def register(page: Page, name: str = "山田　太朗", **values: str) -> None:
    page.goto("/patients/new")
    fields = {
        "name": name,
        "name_kana": "ヤマダ タロウ",
        "birthdate": "1980-04-01",
        "insurer_number": KYOKAI_TOKYO.digits,
        "symbol": "123",
        "number": "456",
        "branch": "00",
        **values,
    }
    for field, value in fields.items():
        page.fill(f"input[name={field}]", value)
    page.click("button:has-text('登録')")
    expect(page.locator("h1")).to_contain_text("患者番号")


def test_a_card_reader_confirmation_appears_live_and_opens_its_patient(page: Page, stack: Stack) -> None:
    register(page)
    expect(page.locator("#reference")).to_have_text("00000001")  # (b) the 照会番号 is registered
    page.goto("/")
    page.evaluate("window.notReloaded = true")
    drop_face_file(stack.root, face_document(reference="00000001"))
    # (a) the notice and the new row, without a reload
    expect(page.locator("#notice")).to_contain_text("カードリーダーで資格確認がありました")
    expect(page.locator("#arrivals tbody tr").first).to_contain_text("山田　太郎")
    assert page.evaluate("window.notReloaded") is True
    # (b) opened by the 照会番号, straight to the patient, with (d) the differences
    page.locator("#notice a").click()
    expect(page.locator("h1")).to_contain_text("患者番号 00000001")
    expect(page.locator("#differences tr[data-field=name] .confirmed")).to_have_text("山田　太郎")
    expect(page.locator("#differences tr[data-field=name] .registered")).to_have_text("山田　太朗")
    # (e) one step, recorded with who applied it
    page.uncheck("#differences tr[data-field=insurer_name] input")
    page.click("#apply")
    expect(page.locator("#applied")).to_be_visible()
    expect(page.locator("#differences tr[data-field=insurer_name]")).to_be_visible()
    expect(page.locator("#differences tr[data-field=name]")).to_have_count(0)
    expect(page.locator("#history")).to_contain_text(STAFF)
    expect(page.locator("#registered")).to_contain_text("山田　太郎")


def test_without_a_reference_number_staff_choose_from_ranked_candidates_or_register(
    page: Page, stack: Stack
) -> None:
    register(page, name="山田　花子", name_kana="ヤマダ ハナコ", number="999")
    register(page, name="山田　太郎", number="111")
    page.goto("/")
    drop_face_file(stack.root, face_document())
    expect(page.locator("#arrivals tbody tr")).to_have_count(1)
    page.locator("#arrivals tbody tr a").first.click()
    candidates = page.locator("#candidates tbody tr")
    expect(candidates).to_have_count(2)
    expect(candidates.first).to_contain_text("生年月日と氏名カナが一致")
    candidates.first.locator("button").click()
    expect(page.locator("h1")).to_contain_text("山田　太郎")
    # a person nobody registered: offered as a new patient
    page.goto("/")
    drop_face_file(stack.root, face_document(Name="佐藤　一郎", NameKana="ｻﾄｳ ｲﾁﾛｳ", Birthdate="19700101"))
    expect(page.locator("#arrivals tbody tr")).to_have_count(2)
    page.locator("#arrivals tbody tr a").first.click()
    expect(page.locator("text=登録されている患者に該当する人はいません")).to_be_visible()
    page.click("#register")
    expect(page.locator("h1")).to_contain_text("佐藤　一郎")


def test_one_click_reconfirmation_shows_the_result(page: Page) -> None:
    register(page)
    page.click("#reconfirm")  # (c) from the numbers on file
    expect(page.locator("#outcome")).to_contain_text("資格有効")
    expect(page.locator("#differences")).to_be_visible()


def test_appointment_list_precheck_flags_the_invalid(page: Page, tmp_path: Path) -> None:
    register(page)
    csv = tmp_path / "yoyaku.csv"
    csv.write_text(
        "予約日時,患者番号,氏名,生年月日,保険者番号,記号,番号,枝番\n"
        "09:00,00000001,,,,,,\n"
        f"09:30,,喪失　花子,1980-04-01,{KYOKAI_TOKYO.digits},123,457,00\n",
        encoding="utf-8",
    )
    page.goto("/batches")
    page.set_input_files("input[name=appointments_csv]", str(csv))
    page.click("text=一括照会する")
    expect(page.locator("#invalid-count")).to_have_text("1")  # (f) the page updates itself when done
    expect(page.locator("#entries tr.flagged")).to_contain_text("資格(無効)")
    expect(page.locator("#entries tr[data-line='2']")).to_contain_text("資格有効")


def test_an_invalid_result_leads_to_the_declaration_and_its_pdf(page: Page, stack: Stack) -> None:
    register(page, number="457", name="喪失　花子")
    page.click("#reconfirm")
    expect(page.locator("#outcome")).to_contain_text("資格(無効)")
    page.click("#fallback-from-result")
    expect(page.locator("select[name=reason]")).to_have_value("invalid")
    page.fill("input[name=card_number]", "")
    page.fill("input[name=phone]", "03-1234-5678")
    page.check("input[name=declared_copay][value=unknown]")
    page.click("#take-declaration")
    expect(page.locator("#copay")).to_contain_text("３割")  # the age default for わからない
    expect(page.locator("#claim")).to_contain_text("不詳")
    response = page.request.get(page.locator("#pdf").get_attribute("href") or "")
    assert response.ok and response.headers["content-type"] == "application/pdf"
    assert response.body().startswith(b"%PDF")


def test_when_the_terminal_does_not_answer_staff_are_offered_the_fallback_then_told_what_to_correct(
    page: Page, stack: Stack
) -> None:
    register(page)
    expect(page.locator("#reference")).to_have_text("00000001")
    stack.agent.stop()  # the terminal (or central behind it) is down
    page.click("#reconfirm")
    expect(page.locator("#overdue")).to_be_visible()
    page.locator("#overdue a").click()
    expect(page.locator("select[name=reason]")).to_have_value("outage")
    page.fill("input[name=card_number]", "")  # the patient does not know the number
    page.fill("input[name=phone]", "03-1234-5678")
    page.check("input[name=declared_copay][value='2']")
    page.click("#take-declaration")
    expect(page.locator("#copay")).to_contain_text("２割")
    expect(page.locator("#claim")).to_contain_text("不詳")
    # later the card is read: the patient opens by 照会番号 and the desk lists what to correct
    page.goto("/")
    drop_face_file(stack.root, face_document(reference="00000001"))
    page.locator("#notice a").click()
    to_correct = page.locator(".to-correct")
    expect(to_correct).to_contain_text("不詳")
    expect(to_correct).to_contain_text("456")
    page.click("text=訂正済み（解決）にする")
    expect(page.locator(".declaration")).to_have_count(0)
