"""Personal names: stored losslessly, compared through one documented normalisation.

Names are full Unicode end to end — including characters outside JIS X 0208 (𠮷), CJK
compatibility ideographs (﨑) and ideographic variation sequences (IVS, 邉󠄄) — and are
never replaced by ● or ?. They are stored exactly as received.

Two names are "the same" when their match keys are equal. `name_match_key` does, in order:

1. remove variation selectors (IVS U+E0100–E01EF, SVS U+FE00–FE0F): the base character counts;
2. NFKC: full-width/half-width forms fold (ｼﾝﾘｮｳ → シンリョウ), compatibility ideographs
   become their unified form (U+FA10 塚 → 塚);
3. old and variant character forms become the common new form (髙 → 高, 﨑 → 崎, 邊 → 辺,
   澤 → 沢, 𠮷 → 吉; table `OLD_TO_NEW` below);
4. hiragana become katakana, and small kana become large (ッ → ツ, ョ → ヨ, ぁ → ア);
5. every space (half- and full-width) and middle dot (・) is removed.

The same key is used for names in kanji and for names in kana; callers compare kanji
with kanji and kana with kana.
"""

from __future__ import annotations

import re
import unicodedata

_VARIATION_SELECTORS = re.compile("[\ufe00-\ufe0f\U000e0100-\U000e01ef]")
_SEPARATORS = re.compile(r"[\s・･\u30fb]+")

# Pairs "old/variant → new" as they occur in Japanese names (旧字体・異体字 → 新字体).
_OLD_NEW_PAIRS = (
    "髙高 﨑崎 嵜崎 碕崎 邊辺 邉辺 澤沢 濱浜 濵浜 齋斎 齊斉 廣広 國国 櫻桜 實実 藏蔵 龍竜 眞真 惠恵 榮栄 "
    "瀨瀬 德徳 冨富 嶋島 嶌島 𠮷吉 淵渕 渊渕 槇槙 檜桧 學学 增増 會会 關関 縣県 黑黒 條条 戶戸 彌弥 萬万 與与 "
    "壽寿 豐豊 驛駅 圓円 薗園 舘館 凜凛 峯峰 兒児 來来 傳伝 佛仏 瀧滝 靜静 淸清 鐵鉄 總総 邨村 峽峡 寬寛 濟済 "
    "讀読 聰聡 晉晋 獨独 乘乗 亞亜 惡悪 壹壱 衞衛 鷗鴎 應応 假仮 價価 畫画 恆恒 舊旧 據拠 擧挙 曉暁 勳勲 徑径 "
    "莖茎 螢蛍 輕軽 劍剣 檢検 顯顕 黃黄 雜雑 參参 絲糸 收収 從従 澁渋 獸獣 肅粛 處処 緖緒 敍叙 將将 燒焼 稱称 "
    "證証 淨浄 孃嬢 讓譲 釀醸 觸触 寢寝 愼慎 盡尽 粹粋 醉酔 穗穂 隨随 髓髄 樞枢 數数 聲声 竊窃 攝摂 專専 淺浅 "
    "戰戦 錢銭 潛潜 纖繊 禪禅 雙双 壯壮 爭争 莊荘 搜捜 插挿 巢巣 裝装 騷騒 臟臓 卽即 屬属 續続 墮堕 體体 對対 "
    "帶帯 滯滞 臺台 擇択 擔担 膽胆 團団 彈弾 斷断 癡痴 遲遅 晝昼 蟲虫 鑄鋳 廳庁 聽聴 敕勅 鎭鎮 遞逓 轉転 點点 "
    "黨党 盜盗 燈灯 當当 鬭闘 屆届 繩縄 貳弐 惱悩 腦脳 霸覇 廢廃 拜拝 賣売 麥麦 發発 髮髪 拔抜 蠻蛮 祕秘 甁瓶 "
    "拂払 倂併 竝並 變変 辨弁 瓣弁 辯弁 舖舗 寶宝 萠萌 襃褒 沒没 飜翻 每毎 滿満 默黙 譯訳 藥薬 豫予 餘余 搖揺 "
    "樣様 謠謡 賴頼 亂乱 覽覧 兩両 獵猟 綠緑 壘塁 淚涙 勵励 禮礼 隸隷 靈霊 齡齢 戀恋 爐炉 勞労 樓楼 錄録 灣湾 "
    "栁柳 桒桑 𡈽土 嶽岳 籠篭 濤涛 鄕郷 蘆芦 芦芦 莵菟 穰穣 曾曽 鎌鎌 兎兔"
)
OLD_TO_NEW: dict[str, str] = {pair[0]: pair[1] for pair in _OLD_NEW_PAIRS.split() if pair[0] != pair[1]}
_OLD_TO_NEW_TABLE = str.maketrans(OLD_TO_NEW)

_SMALL_KANA = str.maketrans(
    "ァィゥェォッャュョヮヵヶぁぃぅぇぉっゃゅょゎゕゖ",
    "アイウエオツヤユヨワカケアイウエオツヤユヨワカケ",
)
_HIRAGANA_START, _HIRAGANA_END = 0x3041, 0x3096
_KATAKANA_OFFSET = 0x60


def _hiragana_to_katakana(text: str) -> str:
    return "".join(
        chr(ord(char) + _KATAKANA_OFFSET) if _HIRAGANA_START <= ord(char) <= _HIRAGANA_END else char
        for char in text
    )


def name_match_key(name: str) -> str:
    """The normalised form under which two names (or two kana names) are compared."""
    text = _VARIATION_SELECTORS.sub("", name)
    text = unicodedata.normalize("NFKC", text)
    text = text.translate(_OLD_TO_NEW_TABLE)
    text = _hiragana_to_katakana(text).translate(_SMALL_KANA)
    return _SEPARATORS.sub("", text)


def names_match(left: str, right: str) -> bool:
    return name_match_key(left) == name_match_key(right)


_NAME_SPACES = re.compile(r"[ \u3000]+")
_KANA_SPACES = re.compile(r"\s+")


def clean_name(name: str) -> str:
    """A name as stored: untouched characters, surrounding spaces trimmed, inner runs of spaces
    collapsed to one full-width space (the card-surface convention between family and given name)."""
    return _NAME_SPACES.sub("\u3000", name.strip(" \u3000"))


def clean_kana(name: str) -> str:
    """A kana name as stored: NFKC (half-width kana become full-width), one half-width space between parts."""
    return _KANA_SPACES.sub(" ", unicodedata.normalize("NFKC", name).strip())
