"""The whole-column parsers give exactly what the cell parsers give, or hand the column back."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from onshi.domain.errors import InvalidValue
from onshi.feeds import _bulk, _cells
from onshi.feeds.insurer_csv import FeedReader
from tests.factories import feed_lines, feed_row

# Characters the rules treat specially: spaces of both widths, line breaks and other controls,
# half-width kana and a combining voiced mark (NFKC), full-width digits, hyphens, a lone surrogate.
_TRICKY = " \u3000\n\t\r\x00\x85\u2028\u00a0\u200bｶﾞ\u3099カ山-－〒０1A9a_.:" + "\ud800"
_cell = st.text(alphabet=st.sampled_from(_TRICKY) | st.characters(codec="utf-8"), max_size=14)
_plain_digits = st.from_regex(r"[0-9]{12}|[0-9]{3}-[0-9]{4}|[0-9A-Z]{1,8}", fullmatch=True)
_column = st.lists(_cell | _plain_digits | st.just(""), min_size=1, max_size=12)


def _cell_by_cell(parse: _cells.CellParser, raw: list[str]) -> list[Any] | None:
    """What the validator's per-cell path gives: the values, or None when a cell is refused."""
    try:
        return [parse(cell) if cell else None for cell in raw]
    except InvalidValue:
        return None


@settings(max_examples=400, deadline=None)
@given(column=_column, long=st.booleans())
def test_every_bulk_parser_agrees_with_its_cell_parser(column: list[str], long: bool) -> None:
    if long:
        column = [*column, "ア" * (_cells.MAX_TEXT_LENGTH + 1)]
    for parse, bulk in _bulk.BULK.items():
        fast = bulk(column)
        if fast is not None:  # taken as is: it must be what the cells parse to, with no refusal
            assert fast == _cell_by_cell(parse, column), (parse.__name__, column)


def test_plain_columns_are_taken_whole() -> None:
    assert _bulk.name(["山田　太郎", "", "鈴木　花子"]) == ["山田　太郎", None, "鈴木　花子"]
    assert _bulk.kana(["ヤマダ タロウ", "スズキ"]) == ["ヤマダ タロウ", "スズキ"]
    assert _bulk.number(["0123", "A-5"]) == ["0123", "A-5"]
    assert _bulk.post_number(["100-0001", ""]) == ["100-0001", None]
    assert _bulk.individual_key(["P-0001:a", ""]) == ["P-0001:a", None]


def test_cells_that_need_their_parser_hand_the_column_back() -> None:
    assert _bulk.name(["山田 太郎"]) is None  # a half-width space becomes U+3000
    assert _bulk.name(["山田\u3000\u3000太郎"]) is None
    assert _bulk.name([" 山田"]) is None
    assert _bulk.kana(["ﾔﾏﾀﾞ"]) is None  # NFKC makes it full-width
    assert _bulk.kana(["ヤマダ  タロウ"]) is None
    assert _bulk.number(["１２３"]) is None
    assert _bulk.post_number(["1000001"]) is None
    assert _bulk.individual_key(["123456789012"]) is None  # may be a My Number: refused per cell
    assert _bulk.name(["a\nb"]) is None  # a line break inside a cell


def test_a_feed_reads_the_same_with_and_without_the_bulk_parsers() -> None:
    rows = [feed_row(insured_identification_number=str(n), name="佐藤　一郎", post_number="100-0001",
                     individual_key=f"K{n}") for n in range(40)]  # fmt: skip
    rows[7]["name"] = "佐藤 一郎"  # needs its cell parser: the column is parsed cell by cell
    rows[9]["name_kana"] = "ｻﾄｳ"
    rows[11]["individual_key"] = "123456789012"  # refused
    lines = feed_lines(rows)
    with_bulk = FeedReader(lines)
    without = FeedReader(lines)
    without._validator._bulk.clear()
    for _ in range(2):  # the second block runs after a column gave up its bulk parser
        fast, slow = with_bulk.next_block(20), without.next_block(20)
        assert fast is not None and slow is not None
        assert (fast.lines, fast.columns) == (slow.lines, slow.columns)
        assert [(r.line, r.reason_en) for r in fast.rejected] == [
            (r.line, r.reason_en) for r in slow.rejected
        ]
