"""The 47 prefectures in JIS X 0401 order (都道府県コード 01–47)."""

from __future__ import annotations

from dataclasses import dataclass

from onshi.domain.errors import InvalidValue, Problem


@dataclass(frozen=True, slots=True)
class Prefecture:
    code: str  # "01".."47"
    name_ja: str
    name_en: str


_TABLE = (
    ("北海道", "Hokkaido"),
    ("青森県", "Aomori"),
    ("岩手県", "Iwate"),
    ("宮城県", "Miyagi"),
    ("秋田県", "Akita"),
    ("山形県", "Yamagata"),
    ("福島県", "Fukushima"),
    ("茨城県", "Ibaraki"),
    ("栃木県", "Tochigi"),
    ("群馬県", "Gunma"),
    ("埼玉県", "Saitama"),
    ("千葉県", "Chiba"),
    ("東京都", "Tokyo"),
    ("神奈川県", "Kanagawa"),
    ("新潟県", "Niigata"),
    ("富山県", "Toyama"),
    ("石川県", "Ishikawa"),
    ("福井県", "Fukui"),
    ("山梨県", "Yamanashi"),
    ("長野県", "Nagano"),
    ("岐阜県", "Gifu"),
    ("静岡県", "Shizuoka"),
    ("愛知県", "Aichi"),
    ("三重県", "Mie"),
    ("滋賀県", "Shiga"),
    ("京都府", "Kyoto"),
    ("大阪府", "Osaka"),
    ("兵庫県", "Hyogo"),
    ("奈良県", "Nara"),
    ("和歌山県", "Wakayama"),
    ("鳥取県", "Tottori"),
    ("島根県", "Shimane"),
    ("岡山県", "Okayama"),
    ("広島県", "Hiroshima"),
    ("山口県", "Yamaguchi"),
    ("徳島県", "Tokushima"),
    ("香川県", "Kagawa"),
    ("愛媛県", "Ehime"),
    ("高知県", "Kochi"),
    ("福岡県", "Fukuoka"),
    ("佐賀県", "Saga"),
    ("長崎県", "Nagasaki"),
    ("熊本県", "Kumamoto"),
    ("大分県", "Oita"),
    ("宮崎県", "Miyazaki"),
    ("鹿児島県", "Kagoshima"),
    ("沖縄県", "Okinawa"),
)

PREFECTURES: tuple[Prefecture, ...] = tuple(
    Prefecture(f"{index:02d}", ja, en) for index, (ja, en) in enumerate(_TABLE, start=1)
)
_BY_CODE = {p.code: p for p in PREFECTURES}


def prefecture(code: str, field: str = "prefecture") -> Prefecture:
    try:
        return _BY_CODE[code]
    except KeyError:
        raise InvalidValue(
            field,
            Problem.UNKNOWN_CODE,
            f"都道府県番号が存在しません: {code!r}",
            f"no prefecture has code {code!r}",
        ) from None
