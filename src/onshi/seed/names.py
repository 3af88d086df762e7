"""Japanese personal names for the synthetic population: kanji with katakana readings.

Surnames carry a rough frequency weight (tens of thousands of bearers). Given names are
grouped by birth cohort, because names in Japan changed a lot between generations. A few
surname variants use characters that real systems mangle (外字): 髙, 﨑, 𠮷 (U+20BB7),
邊/邉, 齋/齊 and ideographic variation sequences (IVS, base character + U+E0100…). Those
names are emitted exactly as written here; nothing in the generator normalises them.
"""

from __future__ import annotations

import unicodedata

# "kanji:kana:weight" separated by spaces.
_SURNAMES = (
    "佐藤:サトウ:187 鈴木:スズキ:179 高橋:タカハシ:141 田中:タナカ:133 伊藤:イトウ:107 渡辺:ワタナベ:104 "
    "山本:ヤマモト:101 中村:ナカムラ:104 小林:コバヤシ:102 加藤:カトウ:89 吉田:ヨシダ:83 山田:ヤマダ:81 "
    "佐々木:ササキ:67 山口:ヤマグチ:63 松本:マツモト:61 井上:イノウエ:60 木村:キムラ:57 林:ハヤシ:54 "
    "斎藤:サイトウ:54 清水:シミズ:53 山崎:ヤマザキ:48 森:モリ:47 池田:イケダ:44 橋本:ハシモト:44 阿部:アベ:45 "
    "石川:イシカワ:43 山下:ヤマシタ:42 中島:ナカジマ:41 石井:イシイ:40 小川:オガワ:40 前田:マエダ:39 "
    "岡田:オカダ:39 長谷川:ハセガワ:38 藤田:フジタ:38 後藤:ゴトウ:38 近藤:コンドウ:37 村上:ムラカミ:36 "
    "遠藤:エンドウ:34 青木:アオキ:34 坂本:サカモト:33 斉藤:サイトウ:33 福田:フクダ:33 太田:オオタ:32 "
    "西村:ニシムラ:32 藤井:フジイ:31 金子:カネコ:31 岡本:オカモト:31 藤原:フジワラ:31 中野:ナカノ:30 "
    "三浦:ミウラ:30 原田:ハラダ:30 中川:ナカガワ:29 松田:マツダ:29 竹内:タケウチ:29 小野:オノ:29 "
    "田村:タムラ:28 中山:ナカヤマ:28 和田:ワダ:28 石田:イシダ:27 森田:モリタ:27 上田:ウエダ:27 原:ハラ:26 "
    "内田:ウチダ:26 柴田:シバタ:26 酒井:サカイ:26 宮崎:ミヤザキ:25 横山:ヨコヤマ:25 高木:タカギ:25 "
    "安藤:アンドウ:24 宮本:ミヤモト:24 大野:オオノ:24 小島:コジマ:24 谷口:タニグチ:23 今井:イマイ:23 "
    "工藤:クドウ:23 高田:タカダ:23 増田:マスダ:22 丸山:マルヤマ:22 杉山:スギヤマ:22 村田:ムラタ:22 "
    "大塚:オオツカ:22 新井:アライ:21 小山:コヤマ:21 平野:ヒラノ:21 藤本:フジモト:21 河野:コウノ:21 "
    "上野:ウエノ:20 野口:ノグチ:20 武田:タケダ:20 松井:マツイ:20 千葉:チバ:20 岩崎:イワサキ:20 "
    "菅原:スガワラ:20 木下:キノシタ:20 久保:クボ:19 佐野:サノ:19 野村:ノムラ:19 松尾:マツオ:19 "
    "市川:イチカワ:19 菊地:キクチ:19 杉本:スギモト:18 古川:フルカワ:18 大西:オオニシ:18 島田:シマダ:18 "
    "水野:ミズノ:18 桜井:サクライ:18 高野:タカノ:18 渡部:ワタナベ:18 吉川:ヨシカワ:18 山内:ヤマウチ:18 "
    "西田:ニシダ:18 飯田:イイダ:17 菊池:キクチ:17 西川:ニシカワ:17 小松:コマツ:17 北村:キタムラ:17 "
    "安田:ヤスダ:17 五十嵐:イガラシ:17 川口:カワグチ:17 平田:ヒラタ:17 関:セキ:17 中田:ナカタ:17 "
    "久保田:クボタ:16 服部:ハットリ:16 東:アズマ:16 岩田:イワタ:16 土屋:ツチヤ:16 川崎:カワサキ:16 "
    "福島:フクシマ:16 本田:ホンダ:16 辻:ツジ:15 樋口:ヒグチ:15 秋山:アキヤマ:15 田口:タグチ:15 "
    "永井:ナガイ:15 山中:ヤマナカ:15 中西:ナカニシ:15 吉村:ヨシムラ:15 川上:カワカミ:15 石原:イシハラ:15 "
    "大橋:オオハシ:15 松岡:マツオカ:15 馬場:ババ:15 浅野:アサノ:15 荒木:アラキ:15 田辺:タナベ:12 "
    "葛西:カサイ:6 比嘉:ヒガ:6 金城:キンジョウ:5 大城:オオシロ:5 澤田:サワダ:8 濱田:ハマダ:6"
)

# Variant spellings (外字 and IVS) of some surnames; the reading stays the same.
_IVS = [chr(0xE0100 + n) for n in range(9)]
SURNAME_VARIANTS: dict[str, tuple[str, ...]] = {
    "高橋": ("髙橋",),
    "高田": ("髙田",),
    "高木": ("髙木",),
    "高野": ("髙野",),
    "山崎": ("山﨑",),
    "宮崎": ("宮﨑",),
    "岩崎": ("岩﨑",),
    "川崎": ("川﨑",),
    "吉田": ("\U00020bb7田",),
    "吉川": ("\U00020bb7川",),
    "吉村": ("\U00020bb7村",),
    "渡辺": ("渡邊", "渡邉", *(f"渡邉{selector}" for selector in _IVS[:6])),
    "田辺": ("田邊", "田邉", f"田邉{_IVS[1]}", f"田邉{_IVS[3]}"),
    "斎藤": ("齋藤", "齊藤"),
    "斉藤": ("齊藤",),
    "辻": (f"辻{_IVS[0]}", f"辻{_IVS[1]}"),
    "葛西": (f"葛{_IVS[0]}西", f"葛{_IVS[1]}西"),
}

# Given names by cohort (birth year upper bound), "kanji:kana" pairs.
_MALE = (
    (
        1945,
        "清:キヨシ 茂:シゲル 勇:イサム 博:ヒロシ 実:ミノル 進:ススム 正:タダシ 三郎:サブロウ 武:タケシ "
        "昭:アキラ 勝:マサル 一郎:イチロウ 正雄:マサオ 義雄:ヨシオ 幸雄:ユキオ 敏夫:トシオ 久雄:ヒサオ",
    ),
    (
        1970,
        "誠:マコト 修:オサム 隆:タカシ 浩:ヒロシ 明:アキラ 豊:ユタカ 稔:ミノル 和夫:カズオ 健一:ケンイチ "
        "哲也:テツヤ 博之:ヒロユキ 秀樹:ヒデキ 直樹:ナオキ 聡:サトシ 剛:ツヨシ 正人:マサト 浩二:コウジ 健二:ケンジ",
    ),
    (
        1995,
        "大輔:ダイスケ 拓也:タクヤ 健太:ケンタ 翔太:ショウタ 達也:タツヤ 和也:カズヤ 直樹:ナオキ "
        "隆之:タカユキ 大樹:ダイキ 亮:リョウ 雄太:ユウタ 翔:ショウ 拓海:タクミ 一輝:カズキ 誠:マコト 健:ケン",
    ),
    (
        9999,
        "蓮:レン 陽翔:ハルト 湊:ミナト 悠真:ユウマ 大翔:ヒロト 樹:イツキ 蒼:アオイ 律:リツ 悠人:ユウト "
        "颯太:ソウタ 陸:リク 奏太:カナタ 朝陽:アサヒ 碧:アオイ 大和:ヤマト 蒼空:ソラ 湊斗:ミナト 颯:ハヤテ",
    ),
)
_FEMALE = (
    (
        1945,
        "和子:カズコ 幸子:サチコ 節子:セツコ 久子:ヒサコ 弘子:ヒロコ 文子:フミコ 美代子:ミヨコ 正子:マサコ "
        "静子:シズコ 照子:テルコ 千代子:チヨコ キヨ:キヨ ハル:ハル 敏子:トシコ 艶子:ツヤコ",
    ),
    (
        1970,
        "恵子:ケイコ 洋子:ヨウコ 京子:キョウコ 順子:ジュンコ 由美子:ユミコ 裕子:ユウコ 明美:アケミ "
        "真由美:マユミ 久美子:クミコ 智子:トモコ 直美:ナオミ 美香:ミカ 陽子:ヨウコ 悦子:エツコ 純子:ジュンコ",
    ),
    (
        1995,
        "愛:アイ 彩:アヤ 麻衣:マイ 美穂:ミホ 沙織:サオリ 恵:メグミ 舞:マイ 優子:ユウコ 美咲:ミサキ "
        "千尋:チヒロ 香織:カオリ 由佳:ユカ 明日香:アスカ 彩香:アヤカ 真由:マユ 奈々:ナナ",
    ),
    (
        9999,
        "陽葵:ヒマリ 凛:リン 結菜:ユイナ 芽依:メイ 紬:ツムギ 葵:アオイ 咲良:サクラ 結衣:ユイ 莉子:リコ "
        "美桜:ミオ 澪:ミオ 杏:アン 陽菜:ヒナ 心春:コハル 結愛:ユア 花:ハナ",
    ),
)

# Foreign residents: (name, kana, name_of_other, name_of_other_kana, sex). Names in Latin
# letters are written full-width with a full-width space between every part, as insurers do.
FOREIGN_NAMES: tuple[tuple[str, str, str, str, str], ...] = (
    ("ＮＧＵＹＥＮ　ＶＡＮ　ＮＡＭ", "グエン ヴァン ナム", "", "", "1"),
    ("ＮＧＵＹＥＮ　ＴＨＩ　ＬＡＮ", "グエン ティ ラン", "", "", "2"),
    ("ＴＲＡＮ　ＶＡＮ　ＨＵＮＧ", "チャン ヴァン フン", "", "", "1"),
    ("ＳＡＮＴＯＳ　ＭＡＲＩＡ", "サントス マリア", "", "", "2"),
    ("ＳＩＬＶＡ　ＪＯＳＥ", "シルバ ジョゼ", "", "", "1"),
    ("ＲＥＹＥＳ　ＡＮＮＡ", "レイエス アンナ", "", "", "2"),
    ("ＧＵＲＵＮＧ　ＢＩＳＨＡＬ", "グルン ビシャル", "", "", "1"),
    ("ＳＭＩＴＨ　ＪＯＨＮ", "スミス ジョン", "", "", "1"),
    ("王　偉", "ワン ウェイ", "", "", "1"),
    ("李　娜", "リ ナ", "", "", "2"),
    ("張　敏", "チョウ ミン", "", "", "2"),
    ("陳　静", "チン ジン", "", "", "2"),
    ("金　成浩", "キム ソンホ", "金田　成浩", "カネダ シゲヒロ", "1"),
    ("朴　美英", "パク ミヨン", "新井　美英", "アライ ミエ", "2"),
)


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    return tuple((kanji, kana) for kanji, kana in (item.split(":") for item in text.split()))


SURNAMES: tuple[tuple[str, str], ...] = tuple(
    (kanji, kana) for kanji, kana, _ in (item.split(":") for item in _SURNAMES.split())
)
SURNAME_WEIGHTS: tuple[int, ...] = tuple(int(item.split(":")[2]) for item in _SURNAMES.split())
MALE_GIVEN: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = tuple((y, _pairs(t)) for y, t in _MALE)
FEMALE_GIVEN: tuple[tuple[int, tuple[tuple[str, str], ...]], ...] = tuple((y, _pairs(t)) for y, t in _FEMALE)


def given_names(female: bool, birth_year: int) -> tuple[tuple[str, str], ...]:
    """The given names common for people born in `birth_year`."""
    for last_year, names in FEMALE_GIVEN if female else MALE_GIVEN:
        if birth_year <= last_year:
            return names
    raise AssertionError("the last cohort is open-ended")


def _half_width_table() -> dict[int, str]:
    """Full-width katakana → half-width katakana (voiced marks as separate ﾞ/ﾟ)."""
    base: dict[str, str] = {}
    for code in range(0xFF61, 0xFFA0):
        char = chr(code)
        folded = unicodedata.normalize("NFKC", char)
        if len(folded) == 1:
            base.setdefault(folded, char)
    table: dict[int, str] = {}
    for code in range(0x30A1, 0x30FD):
        char = chr(code)
        if char in base:
            table[code] = base[char]
            continue
        decomposed = unicodedata.normalize("NFD", char)
        if len(decomposed) == 2 and decomposed[0] in base and decomposed[1] in "\u3099\u309a":
            table[code] = base[decomposed[0]] + ("ﾞ" if decomposed[1] == "\u3099" else "ﾟ")
    return table


_HALF_WIDTH = _half_width_table()


class _HalfWidthCache(dict[str, str]):
    def __missing__(self, text: str) -> str:
        value = self[text] = text.translate(_HALF_WIDTH)
        return value


# Kana name → its half-width spelling, memoised (names repeat a lot).
HALF_WIDTH_NAMES = _HalfWidthCache()


def to_half_width_kana(text: str) -> str:
    """Katakana written in half-width forms (ｻﾄｳ ﾀﾛｳ), as many receipt computers send them."""
    return text.translate(_HALF_WIDTH)
