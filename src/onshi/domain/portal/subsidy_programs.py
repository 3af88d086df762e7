"""The subsidy programs of the seeds, as data: rates, limits, caps, dates and conditions.

This table is the only place where the figures live; `subsidies.load_table` validates it into
frozen dataclasses. It is kept in JSON-compatible values (strings for dates and rates) so that
it could move to a JSON file unchanged; it is a Python literal because the domain reads no files
(tests/domain/test_purity.py). Bump VERSION whenever a figure changes.

A `null` rate or limit means the seeds do not state it (the portal pages they point to were not
captured); the calculator then says so instead of guessing.
"""

from __future__ import annotations

from typing import Final

VERSION: Final = "2025-10-01"

_CLINICS_AND_PHARMACIES = ["medical_clinic", "dental_clinic", "pharmacy"]
_INSURED_FACILITIES = ["hospital", *_CLINICS_AND_PHARMACIES, "large_chain_pharmacy"]
_CARD_USE_WINDOW = {"first_month": "2023-10", "last_month": "2024-03"}

ITEMS: Final[dict[str, dict[str, str]]] = {
    "terminal": {"ja": "資格確認端末", "en": "qualification-confirmation terminal"},
    "card_reader": {"ja": "顔認証付きカードリーダー", "en": "face-recognition card reader"},
    "mobile_device": {"ja": "モバイル端末等", "en": "mobile device"},
    "network": {"ja": "ネットワーク環境（回線の導入・増強・設定作業）", "en": "network line and set-up"},
    "lan_equipment": {"ja": "院内ネットワーク関連機器", "en": "in-house network equipment"},
    "certificate": {"ja": "電子証明書取得費", "en": "electronic certificate"},
    "receipt_computer": {"ja": "レセプトコンピュータの改修", "en": "receipt-computer modification"},
    "other_system": {
        "ja": "電子カルテ等その他の既存システムの改修・パッケージソフト",
        "en": "other existing systems (e-charts etc.) and package software",
    },
    "reception_machine": {"ja": "再来受付機の改修", "en": "return-visit reception machine modification"},
    "installation": {"ja": "工事費", "en": "installation work"},
}

PROGRAMS: Final[list[dict[str, object]]] = [
    {
        "id": "system_introduction",
        "name_ja": "オンライン資格確認の導入補助（医療情報化支援基金）",
        "name_en": "online qualification confirmation: system introduction (ICT fund)",
        "source": "seed 002 リーフレット 「補助金には限度額があります」「補助対象となる範囲」「令和5年3月31日」「令和5年6月30日」; seed 003 補助の対象",
        "items": [
            "terminal",
            "card_reader",
            "network",
            "lan_equipment",
            "certificate",
            "receipt_computer",
            "other_system",
        ],
        "costs_from": None,
        "tiers": [{"classes": _INSURED_FACILITIES, "rate": None, "limit_yen": None}],
        "requirements": [
            {"kind": "completed_by", "date": "2023-03-31"},
            {"kind": "applied_by", "date": "2023-06-30"},
        ],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "補助率と限度額は施設の形態（病院・診療所・大型チェーン薬局・薬局）と加速化プランの該当有無で異なり、資料には記載がありません",
                "en": "rates and limits depend on the facility form and the acceleration plan; the seeds do not state them",
            },
            {
                "ja": "薬剤情報・特定健診情報の閲覧のための改修費用は、資格確認の費用と同時に請求してください",
                "en": "claim the cost of viewing drug and check-up information together with the qualification cost",
            },
        ],
    },
    {
        "id": "visiting_nursing",
        "name_ja": "訪問看護ステーションのオンライン資格確認導入補助（医療情報化支援基金）",
        "name_en": "visiting-nursing stations: online qualification confirmation (ICT fund)",
        "source": "seed 004 訪問看護ステーションに対する財政支援（医療情報化支援基金） 2. 補助内容",
        "items": ["mobile_device", "terminal", "network", "receipt_computer", "other_system"],
        "costs_from": None,
        "tiers": [
            {
                "classes": ["visiting_nursing"],
                "rate": "1/1",
                "limit_yen": 429000,
                "project_cap_yen": 429000,
            }
        ],
        "requirements": [],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "基準とする事業額42.9万円を上限に実費補助。オンライン請求と兼用の機器等も対象",
                "en": "actual cost up to a base project cost of 429,000 yen; equipment shared with online claims counts",
            }
        ],
    },
    {
        "id": "home_visit",
        "name_ja": "居宅同意取得型の導入補助（訪問診療・訪問服薬指導等）",
        "name_en": "home-visit consent type (visits at home)",
        "source": "seed 004 訪問診療等における医療機関・薬局に対する財政支援（社会保障・税番号制度システム整備費等補助金） 2. 補助内容",
        "items": ["mobile_device", "receipt_computer"],
        "costs_from": None,
        "tiers": [
            {
                "classes": ["hospital"],
                "rate": "1/2",
                "limit_yen": 411000,
                "project_cap_yen": 822000,
                "item_caps_yen": {"mobile_device": 41000, "receipt_computer": 781000},
            },
            {
                "classes": ["large_chain_pharmacy"],
                "rate": "1/2",
                "limit_yen": 85000,
                "project_cap_yen": 171000,
                "item_caps_yen": {"mobile_device": 41000, "receipt_computer": 130000},
            },
            {
                "classes": _CLINICS_AND_PHARMACIES,
                "rate": "3/4",
                "limit_yen": 128000,
                "project_cap_yen": 171000,
                "item_caps_yen": {"mobile_device": 41000, "receipt_computer": 130000},
            },
        ],
        "requirements": [],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "訪問診療等とオンライン診療等の両方を実施している場合も、この上限額となります",
                "en": "a facility doing both home visits and online care applies here, with these limits",
            },
            {
                "ja": "訪問診療のみを提供する既存の医療機関等は、システム本体の導入補助（ICT基金）を活用した上で本補助を受けます",
                "en": "home-visit-only facilities first use the system-introduction subsidy (ICT fund)",
            },
        ],
    },
    {
        "id": "online_care",
        "name_ja": "居宅同意取得型の導入補助（オンライン診療・オンライン服薬指導）",
        "name_en": "home-visit consent type (online care)",
        "source": "seed 004 オンライン診療等における医療機関・薬局に対する財政支援 (第168回社会保障審議会医療保険部会 令和5年9月29日 資料1) 2. 補助内容",
        "items": ["receipt_computer"],
        "costs_from": None,
        "tiers": [
            {
                "classes": ["hospital"],
                "rate": "1/2",
                "limit_yen": 390000,
                "project_cap_yen": 781000,
                "item_caps_yen": {"receipt_computer": 781000},
            },
            {
                "classes": ["large_chain_pharmacy"],
                "rate": "1/2",
                "limit_yen": 65000,
                "project_cap_yen": 130000,
                "item_caps_yen": {"receipt_computer": 130000},
            },
            {
                "classes": _CLINICS_AND_PHARMACIES,
                "rate": "3/4",
                "limit_yen": 97000,
                "project_cap_yen": 130000,
                "item_caps_yen": {"receipt_computer": 130000},
            },
        ],
        "requirements": [],
        "exclusive_with": ["home_visit"],
        "notes": [],
    },
    {
        "id": "card_reader_extension",
        "name_ja": "顔認証付きカードリーダー増設の支援",
        "name_en": "additional face-recognition card readers",
        "source": "seed 000 1-4 医療機関等における顔認証付きカードリーダー増設の支援について",
        "items": ["card_reader", "terminal", "installation"],
        "costs_from": "2023-11-11",
        "tiers": [
            {
                "classes": ["hospital"],
                "rate": "1/2",
                "limit_yen": None,
                "limit_per_unit": True,
                "max_units": 3,
            },
            {
                "classes": [*_CLINICS_AND_PHARMACIES, "large_chain_pharmacy"],
                "rate": "1/2",
                "limit_yen": None,
                "limit_per_unit": True,
                "max_units": 1,
            },
        ],
        "requirements": [{"kind": "uses_per_reader", "min": 500, **_CARD_USE_WINDOW}],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "補助の上限額と、病院が2台目・3台目を増設できる条件の表は資料に含まれていません",
                "en": "the limits and the hospital conditions for a 2nd and 3rd reader are missing from the seed",
            },
            {"ja": "今後、内容の一部修正がありえます", "en": "the terms may still change (seed 000)"},
        ],
    },
    {
        "id": "card_integration",
        "name_ja": "マイナンバーカードと診察券・医療費助成の受給者証の一体化の支援",
        "name_en": "card as patient card and public-subsidy recipient certificate",
        "source": "seed 000 1-5 マイナンバーカードと診察券・医療費助成の受給者証の一体化に取り組む保険医療機関・薬局への支援について ※1 ※2 (注)",
        "items": ["reception_machine", "receipt_computer", "other_system"],
        "costs_from": None,
        "tiers": [{"classes": _INSURED_FACILITIES, "rate": None, "limit_yen": None}],
        "requirements": [
            {"kind": "operating"},
            {"kind": "uses_total", "min": 500, **_CARD_USE_WINDOW},
            {
                "kind": "rate_increase",
                "baseline_month": "2023-10",
                "first_month": "2024-01",
                "last_month": None,
                "min_points": "5",
                "inclusive": True,
                "running": True,
            },
        ],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "補助の上限額の表は資料に含まれていません",
                "en": "the table of limits is missing from the seed",
            }
        ],
    },
    {
        "id": "usage_support",
        "name_ja": "マイナ保険証利用促進のための支援金（令和6年1月～5月）",
        "name_en": "card-use promotion support money (Jan–May 2024)",
        "source": "seed 000 1-3 医療機関等におけるマイナ保険証利用促進のための支援について 〇支援の内容〇",
        "items": [],
        "costs_from": None,
        "tiers": [{"classes": _INSURED_FACILITIES, "rate": None, "limit_yen": None}],
        "requirements": [
            {
                "kind": "rate_increase",
                "baseline_month": "2023-10",
                "first_month": "2024-01",
                "last_month": "2024-05",
                "min_points": "0",
                "inclusive": False,
                "running": False,
            }
        ],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "支援額は1月～5月の平均利用率・総利用件数に応じて決まります（表は資料に含まれていません）。申請不要、支払基金が年1回交付",
                "en": "the amount follows the average rate and total uses (table missing); paid by 支払基金 once a year without application",
            }
        ],
    },
    {
        "id": "usage_lump_sum",
        "name_ja": "マイナ保険証利用促進の一時金（令和6年5月～7月 集中取組月間）",
        "name_en": "card-use promotion lump sum (May–Jul 2024)",
        "source": "seed 000 1-3 〇一時金の内容〇",
        "items": [],
        "costs_from": None,
        "tiers": [
            {"classes": ["hospital"], "rate": None, "limit_yen": 200000},
            {
                "classes": [*_CLINICS_AND_PHARMACIES, "large_chain_pharmacy"],
                "rate": None,
                "limit_yen": 100000,
            },
        ],
        "requirements": [
            {
                "kind": "users_increase",
                "baseline_month": "2023-10",
                "first_month": "2024-05",
                "last_month": "2024-07",
            },
            {
                "kind": "declared",
                "key": "poster_and_flyer",
                "ja": "窓口での共通ポスターの掲示と来院患者へのチラシ配布",
                "en": "the common poster shown at reception and flyers handed to patients",
            },
        ],
        "exclusive_with": [],
        "notes": [
            {
                "ja": "利用人数の増加量に応じた定額（最大10万円、病院は20万円）。増加量ごとの金額は資料に含まれていません",
                "en": "a fixed sum by growth in users (at most 100,000 yen, hospitals 200,000); the steps are not in the seed",
            }
        ],
    },
]

TABLE: Final[dict[str, object]] = {"version": VERSION, "items": ITEMS, "programs": PROGRAMS}
