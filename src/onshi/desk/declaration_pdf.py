"""The 被保険者資格申立書 as a printable A4 PDF, for the patient to check and sign at the desk.

It carries the items of the form attached to 保発0710第1号 (2023-07-10) — the patient's
particulars, the insurance they believe they hold, the copay ratio they declare, and the sentence
they sign — in a boxed layout of the same kind (not a facsimile of the official sheet). The desk also prints
what it will do with the declaration — the copay it charges and why, and that blank numbers are
billed as 「不詳」 (請求事務連絡 2023-07-19) — so the patient sees it before signing.

Japanese text is set in IPAexGothic, taken from the `japanize-matplotlib` distribution's data
files. The file is located without importing that package (which would import matplotlib).
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Literal

from fpdf import FPDF
from fpdf.enums import Align, MethodReturnValue, WrapMode, XPos, YPos
from fpdf.fonts import TTFFont

from onshi.domain.codes import Sex
from onshi.domain.dates import age_on, format_wareki
from onshi.domain.fallback import UNKNOWN_MARK, Declaration, DeclaredCopay, InsuranceKind
from onshi.domain.names import OLD_TO_NEW

FONT_PACKAGE = "japanize_matplotlib"
FONT_FILE = Path("fonts") / "ipaexg.ttf"
FONT_FAMILY = "IPAexGothic"

PAGE_WIDTH_MM = 210.0
PAGE_HEIGHT_MM = 297.0
MARGIN_MM = 15.0
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * MARGIN_MM
LABEL_WIDTH_MM = 36.0
VALUE_WIDTH_MM = CONTENT_WIDTH_MM - LABEL_WIDTH_MM
ROW_HEIGHT_MM = 7.5
LABEL_FILL = (232, 232, 232)
BLACK = (0, 0, 0)
NOTE_GREY = (90, 90, 90)
WARNING_RED = (170, 0, 0)
# Long values shrink down to MIN_FONT_PT, wrapping, rather than run over the next cell: at 5pt
# a 200-character address still fits a standard row in three lines.
MIN_FONT_PT = 5.0
LABEL_PT = 9.5
PT_TO_MM = 25.4 / 72
LINE_SPACING = 1.2
CELL_PADDING_MM = 1.0  # vertical room left in a cell around its lines
CELL_INSET_MM = 2.0  # space between a cell's frame and its text

CHECKED = "■"
UNCHECKED = "□"
# 〓 (geta) is the customary stand-in for a character a printer cannot draw; the stored name is
# untouched (names are lossless end to end), only this print-out shows the substitute.
MISSING_GLYPH = "〓"
_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")

STATEMENT = "上記のとおり申し立てます。"


class FontMissing(RuntimeError):
    """The Japanese font the PDF needs is not installed."""


@cache
def font_path() -> Path:
    """ipaexg.ttf inside the installed `japanize-matplotlib`, found without importing it."""
    spec = importlib.util.find_spec(FONT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    for location in locations:
        candidate = Path(location) / FONT_FILE
        if candidate.is_file():
            return candidate
    raise FontMissing(
        f"IPAexGothic ({FONT_FILE}) was not found in the {FONT_PACKAGE!r} package; "
        "install the project's dependencies (pip install japanize-matplotlib) to print declarations"
    )


def _line_height(size_pt: float) -> float:
    return size_pt * PT_TO_MM * LINE_SPACING


@dataclass(frozen=True, slots=True)
class _Layout:
    size: float  # pt
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * _line_height(self.size)


@dataclass(frozen=True, slots=True)
class _Form:
    """One A4 page being drawn, with the few primitives the form is built from."""

    pdf: FPDF
    glyphs: frozenset[int]

    def printable(self, text: str) -> str:
        """`text` with what the font cannot draw replaced: variation selectors dropped (the base
        character is the same character), old forms by their common form, anything else by 〓."""
        out = []
        for char in _VARIATION_SELECTORS.sub("", text):
            if ord(char) in self.glyphs or char in "\n":
                out.append(char)
            elif (common := OLD_TO_NEW.get(char)) is not None and ord(common) in self.glyphs:
                out.append(common)
            else:
                out.append(MISSING_GLYPH)
        return "".join(out)

    def font(self, size: float) -> None:
        self.pdf.set_font(FONT_FAMILY, size=size)

    def text_at(
        self,
        x: float,
        y: float,
        width: float,
        height: float,
        text: str,
        *,
        border: Literal[0, 1] | str = 0,
        fill: bool = False,
        align: Align = Align.L,
    ) -> None:
        printed = self.printable(text)
        size = original = self.pdf.font_size_pt
        while size > MIN_FONT_PT and self.pdf.get_string_width(printed) > width - 2 * self.pdf.c_margin:
            size -= 0.5
            self.pdf.set_font_size(size)
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, height, printed, border=border, fill=fill, align=align)
        self.pdf.set_font_size(original)

    def section(self, title: str) -> None:
        self.pdf.ln(2)
        self.font(11)
        self.pdf.set_x(MARGIN_MM)
        self.pdf.cell(
            CONTENT_WIDTH_MM, 7, self.printable(f"【{title}】"), new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def layout(self, text: str, width: float, height: float, size: float) -> _Layout:
        """`text` in a cell: the largest size from `size` down to MIN_FONT_PT at which it fits the
        height, wrapped by character (Japanese has no spaces to break at)."""
        printed = self.printable(text)
        while True:
            self.pdf.set_font_size(size)
            lines = self.pdf.multi_cell(
                width,
                _line_height(size),
                printed,
                dry_run=True,
                output=MethodReturnValue.LINES,
                wrapmode=WrapMode.CHAR,
            )
            assert isinstance(lines, list)  # output=LINES returns the wrapped lines
            layout = _Layout(size, tuple(lines) or ("",))
            if layout.height + CELL_PADDING_MM <= height or size <= MIN_FONT_PT:
                return layout
            size -= 0.5

    def box(
        self, x: float, y: float, width: float, height: float, layout: _Layout, *, fill: bool, align: Align
    ) -> None:
        """A framed cell with its lines centred vertically."""
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, height, "", border=1, fill=fill)
        self.pdf.set_font_size(layout.size)
        line_height = _line_height(layout.size)
        top = y + (height - layout.height) / 2
        for index, line in enumerate(layout.lines):
            self.pdf.set_xy(x, top + index * line_height)
            self.pdf.cell(width, line_height, line, align=align)

    def row(
        self, pairs: list[tuple[str, float, str, float]], *, height: float = ROW_HEIGHT_MM, size: float = 11
    ) -> None:
        """(label, label width, value, value width) pairs side by side: grey labels, boxed values.
        A value too long for the cell shrinks, wraps, and at the smallest size makes the row taller."""
        labels = [self.layout(label, label_width, height, LABEL_PT) for label, label_width, _, _ in pairs]
        values = [self.layout(value, width, height, size) for _, _, value, width in pairs]
        row_height = max([height] + [layout.height + CELL_PADDING_MM for layout in labels + values])
        y = self.pdf.get_y()
        x = MARGIN_MM
        self.pdf.set_fill_color(*LABEL_FILL)
        for (_, label_width, _, width), label, value in zip(pairs, labels, values, strict=True):
            self.box(x, y, label_width, row_height, label, fill=True, align=Align.C)
            self.box(x + label_width, y, width, row_height, value, fill=False, align=Align.L)
            x += label_width + width
        self.pdf.set_xy(MARGIN_MM, y + row_height)

    def field(self, label: str, value: str, *, height: float = ROW_HEIGHT_MM, size: float = 11) -> None:
        """One label and its value across the full width."""
        self.row([(label, LABEL_WIDTH_MM, value, VALUE_WIDTH_MM)], height=height, size=size)

    def paragraph(
        self, text: str, *, size: float = 9.5, colour: tuple[int, int, int] = BLACK, height: float = 5.0
    ) -> None:
        self.font(size)
        self.pdf.set_text_color(*colour)
        self.pdf.set_xy(MARGIN_MM, self.pdf.get_y() + 1)  # clear of the table above
        self.pdf.multi_cell(
            CONTENT_WIDTH_MM,
            height,
            self.printable(text),
            wrapmode=WrapMode.CHAR,
            align=Align.L,
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        self.pdf.set_text_color(*BLACK)


def _checkboxes(options: list[tuple[str, bool]]) -> str:
    return "　".join(f"{CHECKED if chosen else UNCHECKED}{label}" for label, chosen in options)


def _date_ja(value: date) -> str:
    return f"{format_wareki(value)}（{value.year}年{value.month}月{value.day}日）"


def _or_unknown(value: str | None) -> str:
    return value if value else UNKNOWN_MARK


def _new_form() -> _Form:
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_auto_page_break(auto=False)
    pdf.set_margins(MARGIN_MM, MARGIN_MM, MARGIN_MM)
    pdf.add_font(FONT_FAMILY, fname=font_path())
    pdf.add_page()
    pdf.set_line_width(0.3)
    pdf.c_margin = CELL_INSET_MM
    font = pdf.fonts[FONT_FAMILY.lower()]
    glyphs = frozenset(font.cmap) if isinstance(font, TTFFont) else frozenset()
    form = _Form(pdf, glyphs)
    form.font(11)
    return form


def render_declaration(declaration: Declaration, facility_name: str) -> bytes:
    """The declaration as a one-page A4 PDF."""
    form = _new_form()
    form.pdf.set_title("被保険者資格申立書")
    form.pdf.set_creator("onshi")
    _header(form, declaration, facility_name)
    _patient_block(form, declaration)
    _insurance_block(form, declaration)
    _copay_block(form, declaration)
    _signature_block(form)
    _facility_block(form, declaration, facility_name)
    return bytes(form.pdf.output())


def _header(form: _Form, declaration: Declaration, facility_name: str) -> None:
    form.font(20)
    form.text_at(MARGIN_MM, MARGIN_MM, CONTENT_WIDTH_MM, 12, "被保険者資格申立書", align=Align.C)
    form.font(9)
    form.text_at(
        MARGIN_MM,
        MARGIN_MM + 12,
        CONTENT_WIDTH_MM,
        5,
        "（マイナンバーカードによるオンライン資格確認を行うことができない場合）",
        align=Align.C,
    )
    form.font(11)
    date_line = f"記入日　{_date_ja(declaration.declared_on)}"
    form.text_at(MARGIN_MM, MARGIN_MM + 18, CONTENT_WIDTH_MM, 7, date_line, align=Align.R)
    form.text_at(MARGIN_MM, MARGIN_MM + 25, CONTENT_WIDTH_MM, 7, f"{facility_name}　御中")
    form.pdf.set_xy(MARGIN_MM, MARGIN_MM + 33)
    form.paragraph(
        "オンライン資格確認で資格を確認できなかったため、加入している医療保険について、"
        "分かる範囲で以下のとおり申し立てます。",
        size=10,
    )


def _patient_block(form: _Form, declaration: Declaration) -> None:
    form.section("受診者")
    form.field("フリガナ", declaration.name_kana or "", size=10)
    form.field("氏名", declaration.name, height=10, size=15)
    born = declaration.birthdate
    age = age_on(born, declaration.declared_on)
    sex = _checkboxes([("男", declaration.sex is Sex.MALE), ("女", declaration.sex is Sex.FEMALE)])
    form.row(
        [
            ("生年月日", LABEL_WIDTH_MM, f"{_date_ja(born)}　{age}歳", 98.0),
            ("性別", 16.0, sex, VALUE_WIDTH_MM - 114.0),
        ]
    )
    postal = f"〒{declaration.postal_code}　" if declaration.postal_code else "〒　　　　　"
    form.field("住所", f"{postal}{declaration.address or ''}")
    form.field("電話番号", declaration.phone or "")


def _insurance_block(form: _Form, declaration: Declaration) -> None:
    form.section("加入している医療保険")
    kinds = [(kind.label_ja, kind is declaration.insurance_kind) for kind in InsuranceKind]
    y = form.pdf.get_y()
    form.pdf.set_fill_color(*LABEL_FILL)
    form.font(LABEL_PT)
    form.text_at(
        MARGIN_MM, y, LABEL_WIDTH_MM, 2 * ROW_HEIGHT_MM, "保険種別", border=1, fill=True, align=Align.C
    )
    form.font(10.5)
    form.text_at(
        MARGIN_MM + LABEL_WIDTH_MM,
        y,
        VALUE_WIDTH_MM,
        ROW_HEIGHT_MM,
        _checkboxes(kinds[:4]),
        border="LTR",
    )
    form.text_at(
        MARGIN_MM + LABEL_WIDTH_MM,
        y + ROW_HEIGHT_MM,
        VALUE_WIDTH_MM,
        ROW_HEIGHT_MM,
        _checkboxes(kinds[4:]),
        border="LBR",
    )
    form.pdf.set_xy(MARGIN_MM, y + 2 * ROW_HEIGHT_MM)
    form.field("保険者名", declaration.insurer_name or "")
    insurer = str(declaration.insurer_number) if declaration.insurer_number is not None else None
    form.field("保険者番号", _or_unknown(insurer))
    # A card without a symbol (後期高齢者, some 国保) leaves it blank; it is 不詳 only with the number.
    symbol = declaration.card_symbol or ("" if declaration.card_number else UNKNOWN_MARK)
    form.row(
        [
            ("記号", LABEL_WIDTH_MM, symbol, 44.0),
            ("番号", 16.0, _or_unknown(declaration.card_number), 48.0),
            ("枝番", 16.0, declaration.card_branch or "", VALUE_WIDTH_MM - 124.0),
        ]
    )
    form.field("事業所名", declaration.employer or "")
    form.paragraph(
        "※ 保険者番号・記号・番号が分からない場合は空欄のままで構いません。空欄の番号は「不詳」として"
        "診療報酬を請求し、住所・事業所名・連絡先を請求書の摘要欄に記載します"
        "（令和5年7月10日 保発0710第1号、令和5年7月19日 事務連絡）。",
        size=8.5,
        colour=NOTE_GREY,
        height=4.2,
    )


def _copay_block(form: _Form, declaration: Declaration) -> None:
    form.section("一部負担金の割合")
    choices = [(choice.label_ja, choice is declaration.declared_copay) for choice in DeclaredCopay]
    form.field("申し立てる割合", _checkboxes(choices), size=12)
    decision = declaration.copay()
    form.field(
        "適用する割合",
        f"{decision.label_ja}（{'年齢による原則' if decision.is_default else '申立てのとおり'}）",
        size=12,
    )
    form.paragraph(decision.explanation_ja, size=9, height=4.5)
    if decision.warning_ja:
        form.paragraph(f"※ {decision.warning_ja}", size=9, colour=WARNING_RED, height=4.5)


def _signature_block(form: _Form) -> None:
    form.pdf.ln(3)
    form.font(12)
    form.pdf.set_x(MARGIN_MM)
    form.pdf.cell(CONTENT_WIDTH_MM, 8, STATEMENT, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    form.pdf.ln(3)
    y = form.pdf.get_y()
    form.font(10.5)
    form.text_at(MARGIN_MM + 70, y, 30, 9, "申立者署名")
    form.pdf.line(MARGIN_MM + 100, y + 8, MARGIN_MM + CONTENT_WIDTH_MM, y + 8)
    form.font(8.5)
    form.text_at(MARGIN_MM + 70, y + 10, 110, 5, "（代理の方が記入した場合は、署名と受診者との続柄）")
    form.pdf.set_xy(MARGIN_MM, y + 15)


def _facility_block(form: _Form, declaration: Declaration, facility_name: str) -> None:
    form.section("医療機関等記入欄")
    form.field("医療機関等名称", facility_name)
    form.row(
        [
            ("医療機関等コード", LABEL_WIDTH_MM, str(declaration.facility_code), 56.0),
            ("受付者", 16.0, declaration.staff_name, VALUE_WIDTH_MM - 72.0),
        ]
    )
    form.field("確認できない理由", declaration.reason.label_ja)
    claim = declaration.claim_fields()
    form.field(
        "請求先", claim.review_body.label_ja if claim.review_body is not None else "未定（医療機関等で判断）"
    )
    form.paragraph(claim.review_body_note_ja, size=8.5, colour=NOTE_GREY, height=4.2)
