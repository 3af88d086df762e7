from __future__ import annotations

import pytest

from onshi.domain.addresses import address_match_key, addresses_match, kanji_number


@pytest.mark.parametrize(
    ("text", "value"), [("八", 8), ("十", 10), ("二十三", 23), ("百五", 105), ("二〇", 20)]
)
def test_kanji_numbers(text: str, value: int) -> None:
    assert kanji_number(text) == value


def test_block_numbers_fold_but_place_names_keep_their_numerals() -> None:
    assert address_match_key("東京都三鷹市下連雀三丁目十番地") == "東京都三鷹市下連雀3-10"
    assert addresses_match("東京都八王子市元本郷町三丁目24番1号", "東京都八王子市元本郷町3-24-1")


def test_different_blocks_differ() -> None:
    assert not addresses_match("西新宿2-8-1", "西新宿2-8-11")
