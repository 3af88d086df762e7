"""The synthetic insurers: valid numbers, plausible names, collision-free card numbers."""

from __future__ import annotations

from collections import Counter

from onshi.domain.insurer import InsurerKind, InsurerNumber
from onshi.domain.prefectures import PREFECTURES
from onshi.seed.insurers import card_numbers, registry


def test_every_insurer_number_is_valid_and_of_its_kind() -> None:
    insurers = registry().insurers
    assert len({i.number for i in insurers}) == len(insurers)
    for insurer in insurers:
        number = InsurerNumber.parse(insurer.number)
        assert number.kind is insurer.kind
        assert number.prefecture_code == PREFECTURES[insurer.prefecture_index].code
    kinds = Counter(i.kind for i in insurers)
    assert kinds[InsurerKind.KYOKAI_KENPO] == kinds[InsurerKind.KOUKI_KOUREI] == 47
    assert kinds[InsurerKind.KENPO_KUMIAI] > 300
    assert kinds[InsurerKind.KOKUHO] > 200 and kinds[InsurerKind.KOKUHO_KUMIAI] > 94
    assert (
        kinds[InsurerKind.KYOSAI] > 47 * 4
        and kinds[InsurerKind.JIEIKAN] == 3
        and kinds[InsurerKind.SENIN] == 1
    )


def test_names_read_like_real_insurers() -> None:
    reg = registry()
    assert reg.kyokai[12].name == "全国健康保険協会東京支部"
    assert reg.kyokai[0].name == "全国健康保険協会北海道支部"
    assert reg.kouki[12].name == "東京都後期高齢者医療広域連合"
    assert {i.name for i in reg.kokuho[12]} >= {"新宿区", "世田谷区", "八王子市"}
    assert {i.name for i in reg.kokuho[0]} >= {"札幌市", "旭川市"}
    assert "東京都医師国民健康保険組合" in {i.name for i in reg.insurers}
    for insurer in reg.insurers:
        if insurer.kind is InsurerKind.KENPO_KUMIAI:
            assert insurer.name.endswith("健康保険組合")
        if insurer.kind is InsurerKind.KOKUHO_KUMIAI:
            assert insurer.name.endswith("国民健康保険組合") and insurer.number[2] == "3"
        if insurer.kind is InsurerKind.KYOSAI:
            assert "共済" in insurer.name
    assert registry() is reg  # built once


def test_card_numbers_never_collide_within_an_insurer() -> None:
    for insurer in registry().insurers[::7]:
        cards = [card_numbers(insurer, serial) for serial in range(3000)]
        assert len(set(cards)) == len(cards)
        symbols = {symbol for symbol, _ in cards}
        if insurer.kind is InsurerKind.KOUKI_KOUREI:
            assert symbols == {""} and all(len(number) == 8 for _, number in cards)
        elif insurer.kind is InsurerKind.KYOKAI_KENPO:
            assert all(len(symbol) == 8 and symbol.isdigit() for symbol in symbols)
