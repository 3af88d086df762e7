"""The printed 被保険者資格申立書: an A4 page with the declaration on it, every glyph drawn."""

from __future__ import annotations

import logging
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import pypdfium2 as pdfium
import pytest
from PIL import Image

from onshi.desk import declaration_pdf
from onshi.desk.declaration_pdf import FontMissing, font_path, render_declaration
from onshi.domain.codes import Sex
from onshi.domain.facility import FacilityCode
from onshi.domain.fallback import (
    MAX_NAME_LENGTH,
    MAX_TEXT_LENGTH,
    Declaration,
    DeclaredCopay,
    FallbackReason,
    InsuranceKind,
)
from onshi.domain.insurer import InsurerNumber

FACILITY = "オンシ内科クリニック"
A4_POINTS = (595.28, 841.89)
DPI = 100


def declaration(**changes: Any) -> Declaration:
    values: dict[str, Any] = {
        "facility_code": FacilityCode.parse("1311234567"),
        "declared_on": date(2025, 6, 2),
        "reason": FallbackReason.NO_RECORD,
        "name": "山田　太郎",
        "name_kana": "ヤマダ タロウ",
        "birthdate": date(1952, 8, 20),
        "sex": Sex.MALE,
        "postal_code": "160-0023",
        "address": "東京都新宿区西新宿二丁目8番1号",
        "phone": "090-1234-5678",
        "insurance_kind": InsuranceKind.UNKNOWN,
        "insurer_name": None,
        "insurer_number": None,
        "card_symbol": None,
        "card_number": None,
        "card_branch": None,
        "employer": "株式会社オンシ",
        "declared_copay": DeclaredCopay.UNKNOWN,
        "staff_name": "受付 花子",
    }
    values.update(changes)
    return Declaration(**values)


@contextmanager
def first_page(data: bytes) -> Iterator[pdfium.PdfPage]:
    document = pdfium.PdfDocument(data)
    try:
        assert len(document) == 1
        page = document[0]
        try:
            yield page
        finally:
            page.close()
    finally:
        document.close()


def page_text(data: bytes) -> str:
    with first_page(data) as page:
        text_page = page.get_textpage()
        try:
            return str(text_page.get_text_range())
        finally:
            text_page.close()


def page_image(data: bytes) -> Image.Image:
    with first_page(data) as page:
        bitmap = page.render(scale=DPI / 72)
        try:
            return bitmap.to_pil().convert("L")
        finally:
            bitmap.close()


@pytest.fixture(scope="module")
def unknown_pdf() -> bytes:
    return render_declaration(declaration(), FACILITY)


def test_page_is_a4(unknown_pdf: bytes) -> None:
    with first_page(unknown_pdf) as page:
        width, height = page.get_size()
    assert width == pytest.approx(A4_POINTS[0], abs=0.5)
    assert height == pytest.approx(A4_POINTS[1], abs=0.5)
    image = page_image(unknown_pdf)
    expected = (210 / 25.4 * DPI, 297 / 25.4 * DPI)  # mm at DPI; pdfium rounds up a partial pixel
    assert image.width == pytest.approx(expected[0], abs=1)
    assert image.height == pytest.approx(expected[1], abs=1)


def test_page_is_not_blank(unknown_pdf: bytes) -> None:
    image = page_image(unknown_pdf)
    histogram = image.histogram()
    dark = sum(histogram[:128])
    share = dark / (image.width * image.height)
    assert 0.01 < share < 0.4, share


BOTTOM_MARGIN_MM = 10


@pytest.mark.parametrize(
    "changes",
    [
        {},  # わからない everywhere: the longest explanations
        {"declared_copay": DeclaredCopay.TEN, "birthdate": date(1985, 3, 3)},  # with a warning
        {
            "address": "北海道" + "札幌市中央区北一条西二丁目一番地" * 4,
            "employer": "株式会社" + "オンシ" * 30,
        },
        {  # every free-text field at its longest
            "address": "東" * MAX_TEXT_LENGTH,
            "employer": "株" * MAX_TEXT_LENGTH,
            "insurer_name": "保" * MAX_TEXT_LENGTH,
            "name": "氏" * MAX_NAME_LENGTH,
            "name_kana": "シ" * MAX_NAME_LENGTH,
            "staff_name": "受" * MAX_NAME_LENGTH,
        },
    ],
)
def test_everything_fits_on_the_page(changes: dict[str, Any]) -> None:
    image = page_image(render_declaration(declaration(**changes), FACILITY * 3))
    margin = round(BOTTOM_MARGIN_MM / 25.4 * DPI)
    bottom = image.crop((0, image.height - margin, image.width, image.height))
    right = image.crop((image.width - margin, 0, image.width, image.height))
    assert sum(bottom.histogram()[:200]) == 0
    assert sum(right.histogram()[:200]) == 0


def test_page_carries_the_declaration(unknown_pdf: bytes) -> None:
    text = page_text(unknown_pdf)
    for expected in (
        "被保険者資格申立書",
        "記入日",
        "山田　太郎",
        "ヤマダ タロウ",
        "昭和27年8月20日（1952年8月20日）",
        "■男",
        "〒160-0023",
        "090-1234-5678",
        "■わからない",
        "株式会社オンシ",
        FACILITY,
        "1311234567",
        "受付 花子",
        "資格情報なし",
        "上記のとおり申し立てます。",
        "申立者署名",
    ):
        assert expected in text, expected


def test_blank_numbers_are_shown_as_fushou(unknown_pdf: bytes) -> None:
    text = page_text(unknown_pdf)
    assert "保険者番号 不詳" in text
    assert "番号 不詳" in text
    assert "「不詳」として" in text


def test_unknown_copay_shows_the_applied_default_and_why(unknown_pdf: bytes) -> None:
    text = page_text(unknown_pdf)
    assert "□３割　□２割　□１割　■わからない" in text
    assert "２割（年齢による原則）" in text  # 72 on the date of care
    assert "70歳から74歳は2割" in text


def test_declared_numbers_and_copay() -> None:
    data = render_declaration(
        declaration(
            insurance_kind=InsuranceKind.KYOKAI_KENPO,
            insurer_name="全国健康保険協会東京支部",
            insurer_number=InsurerNumber.build("0113001"),
            card_symbol="12",
            card_number="345",
            card_branch="00",
            declared_copay=DeclaredCopay.THIRTY,
            birthdate=date(1980, 7, 7),
            sex=Sex.FEMALE,
        ),
        FACILITY,
    )
    text = page_text(data)
    assert "■協会けんぽ" in text
    assert "01130012" in text
    assert "不詳 " not in text.replace("「不詳」", "")
    assert "■３割　□２割　□１割　□わからない" in text
    assert "３割（申立てのとおり）" in text
    assert "■女" in text
    assert "支払基金" in text


def test_every_glyph_is_in_the_font(caplog: pytest.LogCaptureFixture) -> None:
    # Characters the font lacks (𠮷) or cannot combine (IVS) are substituted, never dropped silently.
    with caplog.at_level(logging.WARNING, logger="fpdf"):
        data = render_declaration(
            declaration(name="𠮷田　邉󠄄子", address="東京都千代田区一番町１－２"), FACILITY
        )
    assert not [record for record in caplog.records if "missing" in record.getMessage()]
    text = page_text(data)
    assert "吉田　邉子" in text


def test_font_is_found_without_importing_matplotlib() -> None:
    code = (
        "import sys; from onshi.desk.declaration_pdf import font_path; path = font_path(); "
        "assert path.name == 'ipaexg.ttf' and path.is_file(); "
        "assert 'japanize_matplotlib' not in sys.modules and 'matplotlib' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_missing_font_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(declaration_pdf.importlib.util, "find_spec", lambda name: None)
    font_path.cache_clear()
    try:
        with pytest.raises(FontMissing, match="japanize-matplotlib"):
            render_declaration(declaration(), FACILITY)
    finally:
        monkeypatch.undo()
        font_path.cache_clear()
    assert font_path().is_file()
