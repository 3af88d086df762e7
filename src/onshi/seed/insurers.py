"""A plausible set of Japanese insurers and the card numbers they hand out.

The registry does not depend on the population seed: the same insurer number always has
the same name, so populations generated with different seeds can be loaded side by side.

* 協会けんぽ (法別01): one branch per prefecture (全国健康保険協会東京支部);
* 健康保険組合 (06): a few hundred company and trade unions, concentrated in Tokyo/Osaka/Aichi;
* 共済組合 (31 national, 32 local government, 33 police, 34 schools);
* 船員保険 (02) and 自衛官等 (07);
* 市町村国保 (6 digits): one per municipality in `places`; 国保組合 (6 digits, 3xx);
* 後期高齢者医療広域連合 (39): one per prefecture.

`card_numbers` turns an insurer's n-th issued card into 記号 and 番号; distinct n always give
distinct (記号, 番号), so individual-level keys never collide.
"""

from __future__ import annotations

import random
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache

from onshi.domain.insurer import InsurerKind, InsurerNumber
from onshi.domain.prefectures import PREFECTURES
from onshi.seed.places import MUNICIPALITIES, PREFECTURE_POPULATION, short_prefecture, words

_REGISTRY_SEED = 20261101
_KUMIAI_COUNT = 360

_STEMS = words(
    "日本 東洋 大和 昭和 共栄 三光 富士 北斗 明治 太平洋 中央 東邦 第一 新日本 旭 光和 協和 平和 大同 東亜 "
    "日之出 山陽 北陸 中部 関西 九州 東北 常盤 朝日 八洲 瑞穂 青葉 若松 千代田 菱和 住吉 丸和 南海 信越 湘南"
)
_INDUSTRIES = words(
    "電機 精機 化学 製薬 自動車 自動車部品 鉄鋼 商事 物産 運輸 倉庫 建設 工業 製作所 食品 製菓 印刷 紙業 繊維 "
    "百貨店 銀行 証券 生命保険 損害保険 通信 電力 ガス 鉄道 航空 情報システム ソフトウェア 不動産 出版 放送 "
    "化成 硝子 電子 重工業 造船 機械"
)
_TRADE_UNIONS = words(
    "情報サービス産業 電設工業 管工事業 自動車販売 印刷工業 薬業 食品工業 機械金属 卸商業 貨物運送"
)
_MINISTRIES = words(
    "文部科学省 厚生労働省 国土交通省 財務省 法務省 農林水産省 防衛省 裁判所 外務省 経済産業省 総務省 "
    "衆議院 参議院 会計検査院 刑務 日本郵政"
)


@dataclass(frozen=True, slots=True)
class SeedInsurer:
    index: int  # position in Registry.insurers (per-run counters are kept by index)
    number: str  # 6 or 8 digits with a valid check digit
    name: str
    kind: InsurerKind
    prefecture_index: int
    group_size: int  # cards per 記号 (employer, office or district)
    style: int  # how this insurer writes 記号
    stem: str  # kanji used in 記号 (国保 city, 国保組合 trade)
    scramble: int
    late: bool  # 後期高齢者医療: one card per person, no 記号 or 枝番
    employee: bool  # 被用者保険: 本人 has 枝番 00
    family: bool  # cards say 本人/家族 (被用者保険 and 国保組合)


@dataclass(frozen=True, slots=True)
class Choice:
    """Insurers with cumulative weights, for weighted picks by bisection."""

    items: tuple[SeedInsurer, ...]
    cumulative: tuple[float, ...]

    def pick(self, rng: random.Random) -> SeedInsurer:
        return self.items[bisect(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass(frozen=True, slots=True)
class Registry:
    insurers: tuple[SeedInsurer, ...]
    kyokai: tuple[SeedInsurer, ...]  # by prefecture index
    kouki: tuple[SeedInsurer, ...]  # by prefecture index
    kokuho: tuple[tuple[SeedInsurer, ...], ...]  # aligned with places.MUNICIPALITIES
    kumiai_local: tuple[Choice, ...]  # by prefecture index
    kumiai_national: Choice
    kyosai_local: tuple[Choice, ...]
    kyosai_national: Choice
    kokuho_kumiai: tuple[Choice, ...]
    senin: SeedInsurer
    jieikan: Choice


def _choice(pairs: list[tuple[SeedInsurer, float]]) -> Choice:
    cumulative: list[float] = []
    total = 0.0
    for _, weight in pairs:
        total += weight
        cumulative.append(total)
    return Choice(tuple(insurer for insurer, _ in pairs), tuple(cumulative))


class _Builder:
    def __init__(self) -> None:
        self.rng = random.Random(_REGISTRY_SEED)
        self.insurers: list[SeedInsurer] = []

    def add(
        self, body: str, name: str, pref: int, group_size: int, style: int = 0, stem: str = ""
    ) -> SeedInsurer:
        number = InsurerNumber.build(body)
        kind = number.kind
        insurer = SeedInsurer(
            len(self.insurers),
            number.digits,
            name,
            kind,
            pref,
            group_size,
            style,
            stem,
            self.rng.randrange(10_000_000),
            kind is InsurerKind.KOUKI_KOUREI,
            kind.is_employee_insurance,
            kind.is_employee_insurance or kind is InsurerKind.KOKUHO_KUMIAI,
        )
        self.insurers.append(insurer)
        return insurer


def _kumiai(builder: _Builder) -> tuple[tuple[Choice, ...], Choice]:
    rng = builder.rng
    boost = {12: 6.0, 26: 2.5, 22: 2.0, 13: 1.2}  # Tokyo, Osaka, Aichi, Kanagawa host many unions
    weights = [population * boost.get(index, 0.5) for index, population in enumerate(PREFECTURE_POPULATION)]
    counts = [max(1, round(_KUMIAI_COUNT * w / sum(weights))) for w in weights]
    names = [f"{stem}{industry}" for stem in _STEMS for industry in _INDUSTRIES]
    rng.shuffle(names)
    local: list[Choice] = []
    everyone: list[tuple[SeedInsurer, float]] = []
    for pref, count in enumerate(counts):
        code = PREFECTURES[pref].code
        pairs = []
        for order, serial in enumerate(sorted(rng.sample(range(1, 1000), count))):
            if order < 2 and count > 8:
                name = f"{PREFECTURES[pref].name_ja}{_TRADE_UNIONS[(pref + order) % len(_TRADE_UNIONS)]}"
            else:
                name = names.pop()
            insurer = builder.add(
                f"06{code}{serial:03d}",
                f"{name}健康保険組合",
                pref,
                rng.randrange(150, 3000),
                rng.randrange(10) // 7,
            )
            weight = 1.0 / (rng.randrange(1, 60) ** 0.9)
            pairs.append((insurer, weight))
        everyone.extend(pairs)
        local.append(_choice(pairs))
    return tuple(local), _choice(everyone)


def _kyosai(builder: _Builder) -> tuple[tuple[Choice, ...], Choice]:
    national = [
        (
            builder.add(f"3113{n + 1:03d}", f"{ministry}共済組合", 12, 400),
            3.0 if ministry == "日本郵政" else 1.0,
        )
        for n, ministry in enumerate(_MINISTRIES)
    ]
    national.append((builder.add("3413500", "日本私立学校振興・共済事業団", 12, 600), 4.0))
    local = []
    for pref, prefecture in enumerate(PREFECTURES):
        code, short = prefecture.code, short_prefecture(pref)
        pairs = [
            (builder.add(f"32{code}001", f"地方職員共済組合{short}支部", pref, 300), 3.0),
            (builder.add(f"32{code}002", f"{prefecture.name_ja}市町村職員共済組合", pref, 300), 4.0),
            (
                builder.add(
                    f"33{code}001", f"警察共済組合{'警視庁' if code == '13' else short}支部", pref, 300
                ),
                1.5,
            ),
            (builder.add(f"34{code}001", f"公立学校共済組合{short}支部", pref, 300), 5.0),
        ]
        if code == "13":
            pairs.append((builder.add("3213003", "東京都職員共済組合", pref, 300), 4.0))
            pairs.append((builder.add("3213004", "特別区職員共済組合", pref, 300), 3.0))
        local.append(_choice(pairs))
    return tuple(local), _choice(national)


def _kokuho_kumiai(builder: _Builder) -> tuple[Choice, ...]:
    result = []
    extras = {
        "13": (
            ("東京土建", "建", 30.0),
            ("全国土木建築", "土", 8.0),
            ("文芸美術", "文", 3.0),
            ("東京美容", "美", 3.0),
            ("東京芸能人", "芸", 1.0),
            ("東京食品販売", "食", 2.0),
        ),
        "27": (("大阪文化芸能", "芸", 1.0), ("大阪府整骨師", "整", 1.0)),
    }
    for pref, prefecture in enumerate(PREFECTURES):
        code, name = prefecture.code, prefecture.name_ja
        trades = [("医師", "医", 25.0), ("歯科医師", "歯", 12.0)]
        if PREFECTURE_POPULATION[pref] > 2000:
            trades.append(("薬剤師", "薬", 8.0))
        unions = [(f"{name}{trade}", stem, weight) for trade, stem, weight in trades]
        unions += list(extras.get(code, ((f"{name}建設", "建", 50.0),)))
        pairs = [
            (builder.add(f"{code}3{n + 1:02d}", f"{union}国民健康保険組合", pref, 300, stem=stem), weight)
            for n, (union, stem, weight) in enumerate(unions)
        ]
        result.append(_choice(pairs))
    return tuple(result)


def _kokuho(builder: _Builder) -> tuple[tuple[SeedInsurer, ...], ...]:
    result = []
    for pref, municipalities in enumerate(MUNICIPALITIES):
        code = PREFECTURES[pref].code
        by_name: dict[str, SeedInsurer] = {}
        for municipality in municipalities:
            name = municipality.insurer
            if name not in by_name:
                stem = name[:-1][:2] if len(name) > 2 else name[:1]
                body = f"{code}{101 + 3 * len(by_name):03d}"
                by_name[name] = builder.add(body, name, pref, 2000, builder.rng.randrange(3), stem)
        result.append(tuple(by_name[m.insurer] for m in municipalities))
    return tuple(result)


@lru_cache(maxsize=1)
def registry() -> Registry:
    builder = _Builder()
    kyokai = tuple(
        builder.add(
            f"01{p.code}001", f"全国健康保険協会{short_prefecture(i)}支部", i, builder.rng.randrange(8, 40)
        )
        for i, p in enumerate(PREFECTURES)
    )
    kouki = tuple(
        builder.add(f"39{p.code}001", f"{p.name_ja}後期高齢者医療広域連合", i, 1)
        for i, p in enumerate(PREFECTURES)
    )
    kumiai_local, kumiai_national = _kumiai(builder)
    kyosai_local, kyosai_national = _kyosai(builder)
    kokuho_kumiai = _kokuho_kumiai(builder)
    kokuho = _kokuho(builder)
    senin = builder.add("0213001", "全国健康保険協会船員保険部", 12, 40)
    jieikan = _choice(
        [
            (builder.add(f"0713{n + 1:03d}", name, 12, 500), w)
            for n, (name, w) in enumerate((("陸上自衛隊", 6.0), ("海上自衛隊", 2.0), ("航空自衛隊", 2.0)))
        ]
    )
    return Registry(
        tuple(builder.insurers),
        kyokai,
        kouki,
        kokuho,
        kumiai_local,
        kumiai_national,
        kyosai_local,
        kyosai_national,
        kokuho_kumiai,
        senin,
        jieikan,
    )


def card_numbers(insurer: SeedInsurer, serial: int) -> tuple[str, str]:
    """記号 and 番号 (canonical ASCII/kanji form) of the `serial`-th card the insurer issued."""
    group, position = divmod(serial, insurer.group_size)
    kind = insurer.kind
    if kind is InsurerKind.KOUKI_KOUREI:
        return "", f"{(serial * 7919 + insurer.scramble) % 100_000_000:08d}"
    if kind is InsurerKind.KOKUHO:
        number = f"{(serial * 7 + insurer.scramble) % 10_000_000:07d}"
        symbol = (f"{group % 99 + 1:02d}", insurer.stem, "")[insurer.style]
        return symbol, number
    if kind is InsurerKind.KYOKAI_KENPO:
        return f"{(group * 7919 + insurer.scramble) % 100_000_000:08d}", str(position + 1)
    if kind is InsurerKind.KENPO_KUMIAI:
        if insurer.style:
            return f"{group // 100 + 10}-{group % 100:02d}", str(position + 1)
        return str(group + 1), str(position + 1)
    if kind is InsurerKind.KYOSAI:
        return f"{insurer.scramble % 90 + 10}-{group + 1:03d}", str(position + 1)
    if kind is InsurerKind.KOKUHO_KUMIAI:
        return f"{insurer.stem}{group + 1}", str(position + 1)
    if kind is InsurerKind.JIEIKAN:
        return str(group + 101), f"{position + 1:05d}"
    return str(group + 2001), str(position + 1)  # 船員保険


_FULL_WIDTH = str.maketrans("0123456789-", "０１２３４５６７８９－")
_HYPHEN_VARIANTS = ("－", "ー", "‐", "−")


def as_written(symbol: str, number: str, draw: float) -> tuple[str, str]:
    """記号 and 番号 as a clerk or an insurer's system writes them (`draw` uniform in [0, 1)):
    mostly plain, 5 % in full-width digits, 3 % with a space or another hyphen character. The
    feed loader normalises every form back to the canonical one."""
    if draw < 0.05:
        return symbol.translate(_FULL_WIDTH), number.translate(_FULL_WIDTH)
    if draw < 0.08:
        if "-" in symbol:
            symbol = symbol.replace("-", _HYPHEN_VARIANTS[int(draw * 1000) % len(_HYPHEN_VARIANTS)])
        elif len(symbol) >= 4:
            half = len(symbol) // 2
            symbol = f"{symbol[:half]}{' ' if draw < 0.065 else chr(0x3000)}{symbol[half:]}"
        if len(number) >= 6:
            number = f"{number[:3]} {number[3:]}"
    return symbol, number
