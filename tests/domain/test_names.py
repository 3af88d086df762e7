import pytest

from onshi.domain.names import clean_kana, clean_name, name_match_key, names_match

IVS_NABE = "邉\U000e0104"  # 邉 with an ideographic variation selector (a 外字 form)


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("髙橋　一郎", "高橋 一郎"),  # はしごだか vs common form, full- vs half-width space
        ("𠮷田　花子", "吉田花子"),  # つちよし (outside JIS X 0208)
        (f"渡{IVS_NABE}　誠", "渡辺　誠"),  # IVS and old form
        ("山﨑　学", "山崎　学"),  # compatibility ideograph U+FA11
        ("齋藤　隆", "斎藤　隆"),
        ("ｼﾝﾘｮｳ ﾀﾛｳ", "シンリョウ　タロウ"),  # half-width kana
        ("キョウコ", "キヨウコ"),  # small/large kana
        ("きょうこ", "キヨウコ"),  # hiragana
        ("ジョン・スミス", "ジョン スミス"),  # middle dot
    ],
)
def test_same_person(left: str, right: str) -> None:
    assert names_match(left, right)


@pytest.mark.parametrize(
    ("left", "right"),
    [("高橋　一郎", "高橋　二郎"), ("ガクト", "カクト"), ("佐藤", "佐東"), ("ヨシコ", "ヨシユキ")],
)
def test_different_people(left: str, right: str) -> None:
    assert not names_match(left, right)


def test_match_key_is_idempotent() -> None:
    for name in ("髙橋　一郎", f"渡{IVS_NABE}", "ｼﾝﾘｮｳ"):
        key = name_match_key(name)
        assert name_match_key(key) == key


def test_stored_names_keep_every_character() -> None:
    assert clean_name(f"  渡{IVS_NABE}  誠 ") == f"渡{IVS_NABE}\u3000誠"
    assert clean_name("山﨑　学") == "山﨑\u3000学"  # not rewritten to 崎
    assert clean_name("𠮷田 花子") == "𠮷田\u3000花子"


def test_kana_is_stored_full_width_with_one_space() -> None:
    assert clean_kana("ｼﾝﾘｮｳ  ﾀﾛｳ") == "シンリョウ タロウ"
