"""Where the synthetic people live: prefecture populations, municipalities and street names.

Prefecture populations are the 2020 census in thousands. Each prefecture lists a handful of
real municipalities (cities, wards of designated cities, a few towns) with a weight (about
their population in ten thousands) and the first three digits of their post codes. The
municipal 国保 (national health insurance) is run by the city, so wards of a designated city
share one insurer (`insurer` below); the ward appears in the address.
"""

from __future__ import annotations

from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

from onshi.domain.prefectures import PREFECTURES

# 2020 census, thousands, in prefecture-code order 01..47.
PREFECTURE_POPULATION: tuple[int, ...] = (
    5225,
    1238,
    1211,
    2302,
    960,
    1068,
    1833,
    2867,
    1933,
    1939,
    7345,
    6284,
    14048,
    9237,
    2201,
    1035,
    1133,
    767,
    810,
    2048,
    1979,
    3633,
    7542,
    1770,
    1414,
    2578,
    8838,
    5465,
    1324,
    923,
    553,
    671,
    1888,
    2800,
    1342,
    720,
    950,
    1335,
    692,
    5135,
    811,
    1312,
    1738,
    1124,
    1070,
    1588,
    1467,
)

# Per prefecture: "locality[=insurer],post3,weight" tokens.
_MUNICIPALITIES = (
    "札幌市中央区=札幌市,060,25 札幌市北区=札幌市,001,29 札幌市東区=札幌市,065,26 旭川市,070,33 函館市,040,25 "
    "釧路市,085,16 帯広市,080,16 苫小牧市,053,17 虻田郡倶知安町=倶知安町,044,2",
    "青森市,030,27 弘前市,036,17 八戸市,031,22 十和田市,034,6 三戸郡五戸町=五戸町,039,2",
    "盛岡市,020,28 一関市,021,11 奥州市,023,11 花巻市,025,9 北上市,024,9",
    "仙台市青葉区=仙台市,980,31 仙台市泉区=仙台市,981,21 仙台市太白区=仙台市,982,23 石巻市,986,14 "
    "大崎市,989,13 名取市,981,8",
    "秋田市,010,30 横手市,013,9 大仙市,014,8 能代市,016,5",
    "山形市,990,24 鶴岡市,997,12 酒田市,998,10 米沢市,992,8 東置賜郡高畠町=高畠町,992,2",
    "福島市,960,28 郡山市,963,32 いわき市,970,33 会津若松市,965,12 須賀川市,962,7",
    "水戸市,310,27 つくば市,305,24 日立市,317,17 ひたちなか市,312,16 土浦市,300,14 古河市,306,14",
    "宇都宮市,320,52 小山市,323,17 栃木市,328,16 足利市,326,15 那須塩原市,329,12",
    "前橋市,371,33 高崎市,370,37 太田市,373,22 伊勢崎市,372,21 桐生市,376,11",
    "さいたま市浦和区=さいたま市,330,17 さいたま市大宮区=さいたま市,330,12 さいたま市見沼区=さいたま市,337,16 "
    "川口市,332,59 川越市,350,35 所沢市,359,34 越谷市,343,34 草加市,340,25 春日部市,344,23",
    "千葉市中央区=千葉市,260,21 千葉市花見川区=千葉市,262,17 船橋市,273,64 松戸市,270,49 市川市,272,49 "
    "柏市,277,43 市原市,290,27 浦安市,279,17",
    "千代田区,102,7 新宿区,160,35 世田谷区,154,94 練馬区,176,74 大田区,144,74 江戸川区,132,69 足立区,120,69 "
    "杉並区,166,59 板橋区,173,58 品川区,140,42 八王子市,192,58 町田市,194,43 府中市,183,26 調布市,182,24",
    "横浜市中区=横浜市,231,15 横浜市港北区=横浜市,222,36 横浜市青葉区=横浜市,225,31 横浜市戸塚区=横浜市,244,28 "
    "川崎市中原区=川崎市,211,26 川崎市宮前区=川崎市,216,24 相模原市中央区=相模原市,252,27 藤沢市,251,44 "
    "横須賀市,238,39 平塚市,254,26 茅ヶ崎市,253,24",
    "新潟市中央区=新潟市,950,18 新潟市東区=新潟市,950,13 長岡市,940,27 上越市,942,19 新発田市,957,10",
    "富山市,930,41 高岡市,933,17 射水市,934,9 砺波市,939,5",
    "金沢市,920,46 白山市,924,11 小松市,923,11 能美市,923,5",
    "福井市,910,26 坂井市,919,9 越前市,915,8 鯖江市,916,7",
    "甲府市,400,19 甲斐市,400,8 南アルプス市,400,7 富士吉田市,403,5 北杜市,408,5",
    "長野市,380,37 松本市,390,24 上田市,386,15 飯田市,395,10 北安曇郡白馬村=白馬村,399,1",
    "岐阜市,500,40 大垣市,503,16 各務原市,504,14 多治見市,507,11 高山市,506,8",
    "静岡市葵区=静岡市,420,25 静岡市駿河区=静岡市,422,21 浜松市中央区=浜松市,430,58 富士市,416,25 沼津市,410,19",
    "名古屋市中区=名古屋市,460,9 名古屋市千種区=名古屋市,464,17 名古屋市緑区=名古屋市,458,25 "
    "名古屋市中川区=名古屋市,454,22 豊田市,471,42 岡崎市,444,39 一宮市,491,38 豊橋市,440,37 春日井市,486,31",
    "津市,514,27 四日市市,510,31 鈴鹿市,513,20 松阪市,515,16 伊勢市,516,12",
    "大津市,520,34 草津市,525,14 長浜市,526,11 彦根市,522,11 東近江市,527,11",
    "京都市中京区=京都市,604,11 京都市左京区=京都市,606,17 京都市伏見区=京都市,612,28 京都市右京区=京都市,615,20 "
    "宇治市,611,18 亀岡市,621,9",
    "大阪市北区=大阪市,530,14 大阪市中央区=大阪市,540,11 大阪市平野区=大阪市,547,19 大阪市淀川区=大阪市,532,18 "
    "堺市堺区=堺市,590,15 東大阪市,577,49 豊中市,560,40 枚方市,573,40 吹田市,564,38",
    "神戸市中央区=神戸市,650,14 神戸市西区=神戸市,651,24 神戸市東灘区=神戸市,658,21 姫路市,670,53 "
    "西宮市,662,48 尼崎市,660,46 明石市,673,30",
    "奈良市,630,35 橿原市,634,12 生駒市,630,12 大和郡山市,639,8",
    "和歌山市,640,36 田辺市,646,7 橋本市,648,6 紀の川市,649,6",
    "鳥取市,680,19 米子市,683,15 倉吉市,682,5",
    "松江市,690,20 出雲市,693,17 浜田市,697,5",
    "岡山市北区=岡山市,700,30 岡山市中区=岡山市,703,15 倉敷市,710,47 津山市,708,10",
    "広島市中区=広島市,730,14 広島市安佐南区=広島市,731,25 福山市,720,46 呉市,737,21 東広島市,739,19",
    "下関市,750,25 山口市,753,19 宇部市,755,16 周南市,745,14",
    "徳島市,770,25 阿南市,774,7 鳴門市,772,6",
    "高松市,760,42 丸亀市,763,11 三豊市,767,6",
    "松山市,790,51 今治市,794,15 新居浜市,792,12",
    "高知市,780,32 南国市,783,5 四万十市,787,3",
    "福岡市中央区=福岡市,810,20 福岡市博多区=福岡市,812,24 福岡市東区=福岡市,813,32 "
    "北九州市小倉北区=北九州市,802,18 久留米市,830,30 飯塚市,820,13",
    "佐賀市,840,23 唐津市,847,12 鳥栖市,841,7",
    "長崎市,850,41 佐世保市,857,24 諫早市,854,13",
    "熊本市中央区=熊本市,860,19 熊本市東区=熊本市,862,19 八代市,866,12 天草市,863,8",
    "大分市,870,48 別府市,874,11 中津市,871,8",
    "宮崎市,880,40 都城市,885,16 延岡市,882,12",
    "鹿児島市,890,59 霧島市,899,12 鹿屋市,893,10",
    "那覇市,900,32 沖縄市,904,14 うるま市,904,12 浦添市,901,11 宜野湾市,901,10",
)


def words(text: str) -> tuple[str, ...]:
    """Space-separated Japanese words (more readable than a long list literal)."""
    return tuple(text.split())


TOWN_NAMES = words(
    "本町 中央 栄町 緑町 旭町 幸町 錦町 寿町 新町 南町 東町 西町 北町 桜町 松原 若葉 緑が丘 光が丘 日の出町 "
    "末広町 八幡町 大手町 元町 住吉町 昭和町 宮前 柳町 泉町 清水町 富士見町 春日町 港町 駅前 城東 城南 中町 "
    "大町 平和町 青葉町 希望ケ丘 西新町 花園 松が丘 中島 桜木町 上町 下町 弥生町 さくら台"
)
BUILDING_NAMES = words(
    "コーポさくら ハイツみどり メゾンひかり サンライズマンション グランドハイツ エクセル青葉 "
    "パークハウス ロイヤルコート レジデンス中央 第二コーポ ヴィラ東 サニーヒルズ"
)
KANJI_NUMERALS = "〇一二三四五六七八九"


@dataclass(frozen=True, slots=True)
class Municipality:
    prefecture_index: int  # 0..46
    position: int  # index within the prefecture's tuple in MUNICIPALITIES
    locality: str  # as in the address after the prefecture: 札幌市中央区, 虻田郡倶知安町
    insurer: str  # the municipality running 国保: 札幌市, 倶知安町
    post3: str
    weight: int


def _parse() -> tuple[tuple[Municipality, ...], ...]:
    result = []
    for index, line in enumerate(_MUNICIPALITIES):
        municipalities = []
        for position, token in enumerate(line.split()):
            place, post3, weight = token.split(",")
            locality, _, insurer = place.partition("=")
            municipalities.append(
                Municipality(index, position, locality, insurer or locality, post3, int(weight))
            )
        result.append(tuple(municipalities))
    return tuple(result)


MUNICIPALITIES: tuple[tuple[Municipality, ...], ...] = _parse()
assert len(MUNICIPALITIES) == len(PREFECTURES) == len(PREFECTURE_POPULATION)


PLACE_TABLE_BITS = 16


@lru_cache(maxsize=1)
def place_table() -> tuple[Municipality, ...]:
    """2**PLACE_TABLE_BITS municipalities in proportion to population: one draw picks a home."""
    weights = [
        population * m.weight / sum(x.weight for x in ms)
        for population, ms in zip(PREFECTURE_POPULATION, MUNICIPALITIES, strict=True)
        for m in ms
    ]
    flat = [m for ms in MUNICIPALITIES for m in ms]
    cumulative = list(accumulate(weights))
    size = 1 << PLACE_TABLE_BITS
    return tuple(flat[bisect(cumulative, (i + 0.5) / size * cumulative[-1])] for i in range(size))


def short_prefecture(index: int) -> str:
    """東京, 大阪, 北海道: the prefecture without 都/府/県 (as in 全国健康保険協会東京支部)."""
    name = PREFECTURES[index].name_ja
    return name if name == "北海道" else name[:-1]
