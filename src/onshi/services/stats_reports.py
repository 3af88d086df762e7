"""The statistics the operator publishes, as reports (onshi.services.stats_report): adoption
(with the ranking), usage, the utilisation rate by group, and one facility's months with its
support money. The CLI, the API and the pages call these and nothing else.

Queries name their parameters as the CLI does (`--as-of`, `--month`, `--by` …); a bad value
raises InvalidValue, a month whose roll-up was never built raises NotBuilt — a figure is
never shown as zero because nobody counted it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from onshi.domain.dates import today_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.portal.values import format_month, months_between, parse_month, shift_month
from onshi.domain.prefectures import PREFECTURES, prefecture
from onshi.domain.statistics import adoption as adoption_rules
from onshi.domain.statistics.adoption import TYPES, AdoptionCounts
from onshi.domain.statistics.support import FacilityMonth, Support, evaluate_support
from onshi.domain.statistics.usage import MonthlyUsage
from onshi.domain.statistics.utilisation import UtilisationRate, billing_month_of, combined
from onshi.services.stats_report import TOTAL, Column, Kind, Report, rate_text
from onshi.store import facilities as facility_store
from onshi.store import stats
from onshi.store.database import Database

ADOPTION_GROUPS = ("type", "prefecture")
USAGE_GROUPS = ("type", "prefecture", "month")
UTILISATION_GROUPS = ("type", "prefecture", "facility")


class NotBuilt(ValueError):
    """A month asked for has no roll-up: it must be rebuilt first."""

    def __init__(self, months: Sequence[date]) -> None:
        shown = ", ".join(format_month(m) for m in months)
        self.message_ja = (
            f"{shown} の集計がありません（onshi stats rebuild --month {format_month(months[0])} で作成）"
        )
        super().__init__(
            f"no roll-up for {shown}: run `onshi stats rebuild --month {format_month(months[0])}`"
        )


# --- parameters (shared by the CLI, the API and the pages) -------------------------------------


def parse_choice(text: str, allowed: Sequence[str], field: str = "by") -> str:
    if text not in allowed:
        raise InvalidValue(
            field, Problem.UNKNOWN_CODE, f"{field} は {' / '.join(allowed)} のいずれかです: {text!r}",
            f"{field} is one of {', '.join(allowed)}: {text!r}",
        )  # fmt: skip
    return text


def parse_type(text: str | None) -> FacilityType | None:
    if not text:
        return None
    try:
        return FacilityType(text)
    except ValueError:
        allowed = ", ".join(t.value for t in FacilityType)
        raise InvalidValue(
            "type", Problem.UNKNOWN_CODE, f"施設類型は {allowed} のいずれかです: {text!r}",
            f"type is one of {allowed}: {text!r}",
        ) from None  # fmt: skip


def parse_prefecture(text: str | None) -> str | None:
    if not text:
        return None
    return prefecture(text.zfill(2), "prefecture").code


def parse_flag(text: str | None, field: str = "obligated") -> bool:
    if text in (None, "", "0", "false"):
        return False
    if text in ("1", "true", "on"):
        return True
    raise InvalidValue(field, Problem.BAD_FORMAT, f"{field} は 1 または 0 です", f"{field} is 1 or 0")


def parse_month_text(text: str, field: str = "month") -> date:
    return parse_month(text, field)


# --- adoption -----------------------------------------------------------------------------------


def _adoption_columns(group: Column) -> tuple[Column, ...]:
    return (
        group,
        Column("facilities", "機関数", "facilities"),
        Column("applied", "カードリーダー申込機関数", "card-reader applications"),
        Column("applied_rate", "申込率", "application rate", Kind.RATE),
        Column("connected", "本番接続機関数", "production connections"),
        Column("connected_rate", "接続率", "connection rate", Kind.RATE),
        Column("operating", "運用機関数", "operating"),
        Column("operating_rate", "参加率", "operating rate", Kind.RATE),
    )


def _adoption_row(group: str, counts: AdoptionCounts) -> dict[str, Any]:
    return {
        "group": group,
        "facilities": counts.facilities,
        "applied": counts.applied,
        "applied_rate": rate_text(counts.applied_rate),
        "connected": counts.connected,
        "connected_rate": rate_text(counts.connected_rate),
        "operating": counts.operating,
        "operating_rate": rate_text(counts.operating_rate),
    }


@dataclass(frozen=True, slots=True)
class AdoptionQuery:
    as_of: date
    by: str = "type"
    facility_type: FacilityType | None = None
    obligated: bool = False

    def params(self) -> dict[str, str]:
        return {
            "as_of": self.as_of.isoformat(),
            "by": self.by,
            "type": self.facility_type.value if self.facility_type else "",
            "obligated": "1" if self.obligated else "0",
        }


async def adoption_report(db: Database, query: AdoptionQuery) -> Report:
    async with db.read() as conn:
        counts = await stats.adoption_counts(conn, query.as_of, query.obligated)
    if query.by == "type":
        types = (query.facility_type,) if query.facility_type else TYPES
        groups = {t.value: _sum(c for (_, kind), c in counts.items() if kind == t.value) for t in types}
        group = Column("group", "施設類型", "facility type", Kind.FACILITY_TYPE)
    else:
        wanted = query.facility_type.value if query.facility_type else None
        groups = {
            p.code: _sum(c for (pref, kind), c in counts.items() if pref == p.code and wanted in (None, kind))
            for p in PREFECTURES
        }
        group = Column("group", "都道府県", "prefecture", Kind.PREFECTURE)
    rows = [_adoption_row(key, value) for key, value in groups.items()]
    rows.append(_adoption_row(TOTAL, _sum(groups.values())))
    scope = "義務化対象施設" if query.obligated else "全施設"
    kind = f"・{query.facility_type.label_ja}" if query.facility_type else ""
    title = f"オンライン資格確認の導入状況（{query.as_of.isoformat()}時点・{scope}{kind}）"
    notes = ("割合は機関数に対する割合（小数第2位を四捨五入）。機関数は登録されている施設の数です。",)
    return Report("adoption", title, query.params(), _adoption_columns(group), tuple(rows), notes)


def _sum(items: Iterable[AdoptionCounts]) -> AdoptionCounts:
    return adoption_rules.total(items)


async def ranking_report(db: Database, as_of: date, obligated: bool = False) -> Report:
    """Top and bottom five prefectures per type by the operating rate, and each type's total
    (seed 004 「都道府県別の運用開始状況（施設類型別）」)."""
    async with db.read() as conn:
        counts = await stats.adoption_counts(conn, as_of, obligated)
    rankings = [
        adoption_rules.ranking(t, {pref: c for (pref, kind), c in counts.items() if kind == t.value})
        for t in TYPES
    ]
    rows = [_ranking_row(place, rankings) for place in range(adoption_rules.RANKING_SIZE * 2)]
    total: dict[str, Any] = {"rank": "合計"}
    for ranking in rankings:
        total |= {
            ranking.facility_type.value: None,
            f"{ranking.facility_type.value}_rate": rate_text(ranking.overall),
        }
    rows.append(total)
    params = {"as_of": as_of.isoformat(), "obligated": "1" if obligated else "0"}
    title = f"都道府県別の運用開始状況（施設類型別・{as_of.isoformat()}時点）"
    notes = ("参加率（運用機関数÷機関数）の高い順。同率は都道府県コード順。順位は施設類型ごと。",)
    return Report("adoption_ranking", title, params, _ranking_columns(), tuple(rows), notes)


def _ranking_columns() -> tuple[Column, ...]:
    columns = [Column("rank", "順位", "rank", Kind.TEXT)]
    for t in TYPES:
        columns.append(Column(t.value, t.label_ja, t.value, Kind.PREFECTURE))
        columns.append(
            Column(f"{t.value}_rate", f"{t.label_ja} 参加率", f"{t.value} operating rate", Kind.RATE)
        )
    return tuple(columns)


def _ranking_row(place: int, rankings: list[adoption_rules.Ranking]) -> dict[str, Any]:
    """The `place`-th line: places 0–4 are the top five, 5–9 the bottom five (best first)."""
    size = adoption_rules.RANKING_SIZE
    row: dict[str, Any] = {}
    for ranking in rankings:
        listed, index = (ranking.top, place) if place < size else (ranking.bottom, place - size)
        ranked = listed[index] if index < len(listed) else None
        row[ranking.facility_type.value] = ranked.prefecture.code if ranked else None
        row[f"{ranking.facility_type.value}_rate"] = rate_text(ranked.rate) if ranked else None
        if ranked:
            row.setdefault("rank", str(ranked.rank))
    return {"rank": row.pop("rank", ""), **row}


# --- usage --------------------------------------------------------------------------------------


USAGE_COLUMNS = (
    Column("confirmations", "資格確認 合計", "confirmations"),
    Column("card", "マイナンバーカード", "by card"),
    Column("card_smartphone", "うちスマホ", "of which smartphone"),
    Column("smartphone_share", "スマホ比率", "smartphone share", Kind.RATE),
    Column("numbers", "保険証等", "by insurance numbers"),
    Column("batch", "一括照会", "batch entries"),
    Column("views_checkup", "特定健診等情報の閲覧", "checkup views"),
    Column("views_medication", "薬剤情報の閲覧", "medication views"),
    Column("views_treatment", "診療情報の閲覧", "treatment views"),
)


def _usage_row(group: str, usage: MonthlyUsage) -> dict[str, Any]:
    return {
        "group": group,
        "confirmations": usage.confirmations,
        "card": usage.card,
        "card_smartphone": usage.card_smartphone,
        "smartphone_share": rate_text(usage.smartphone_share),
        "numbers": usage.numbers,
        "batch": usage.batch,
        "views_checkup": usage.views_checkup,
        "views_medication": usage.views_medication,
        "views_treatment": usage.views_treatment,
    }


@dataclass(frozen=True, slots=True)
class UsageQuery:
    first: date
    last: date
    by: str = "type"

    @property
    def months(self) -> tuple[date, ...]:
        return months_between(self.first, self.last)

    def params(self) -> dict[str, str]:
        return {"from": format_month(self.first), "to": format_month(self.last), "by": self.by}


async def _require_built(db: Database, months: Sequence[date]) -> None:
    async with db.read() as conn:
        built = await stats.built_months(conn)
    missing = [m for m in months if m not in built]
    if missing:
        raise NotBuilt(missing)


async def usage_report(db: Database, query: UsageQuery) -> Report:
    if query.last < query.first:
        raise InvalidValue("to", Problem.INCONSISTENT, "終了月が開始月より前です", "to is before from")
    months = query.months
    await _require_built(db, months)
    async with db.read() as conn:
        sums = await stats.usage_by_group(conn, months, query.by if query.by != "month" else "")
    if query.by == "month":
        group = Column("group", "月", "month", Kind.MONTH)
        groups = {format_month(m): sums.get((m, ""), MonthlyUsage()) for m in months}
    else:
        keys = [t.value for t in TYPES] if query.by == "type" else [p.code for p in PREFECTURES]
        kind = Kind.FACILITY_TYPE if query.by == "type" else Kind.PREFECTURE
        group = Column("group", "施設類型" if query.by == "type" else "都道府県", query.by, kind)
        groups = {key: _usage_total(sums.get((m, key), MonthlyUsage()) for m in months) for key in keys}
    rows = [_usage_row(key, value) for key, value in groups.items()]
    rows.append(_usage_row(TOTAL, _usage_total(groups.values())))
    span = (
        format_month(query.first)
        if query.first == query.last
        else f"{format_month(query.first)}〜{format_month(query.last)}"
    )
    notes = (
        "監査記録から集計（資格確認は結果が出たもの、閲覧は情報を表示したもの）。合計はマイナンバーカードと保険証等の和で、一括照会は含みません。",
        "保険証等には再照会と公費負担者番号・受給者番号による確認を含みます。診療情報には手術情報を含みます。",
    )
    title = f"オンライン資格確認の利用状況（{span}）"
    return Report("usage", title, query.params(), (group, *USAGE_COLUMNS), tuple(rows), notes)


def _usage_total(items: Iterable[MonthlyUsage]) -> MonthlyUsage:
    total = MonthlyUsage()
    for item in items:
        total = total + item
    return total


# --- utilisation --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UtilisationQuery:
    month: date
    by: str = "type"
    facility_type: FacilityType | None = None
    prefecture: str | None = None

    def params(self) -> dict[str, str]:
        return {
            "month": format_month(self.month),
            "by": self.by,
            "type": self.facility_type.value if self.facility_type else "",
            "prefecture": self.prefecture or "",
        }


def _rate_columns() -> tuple[Column, ...]:
    return (
        Column("card_users", "マイナ保険証利用人数（名寄せ後）", "card users (name-matched)"),
        Column("claims", "翌月請求分 外来レセプト枚数", "outpatient claims billed next month"),
        Column("rate", "マイナ保険証利用率", "utilisation rate", Kind.RATE),
    )


async def utilisation_report(db: Database, query: UtilisationQuery) -> Report:
    await _require_built(db, [query.month])
    if query.by == "facility":
        rows, columns = await _rates_by_facility(db, query)
    else:
        rows, columns = await _rates_by_group(db, query)
    billing = billing_month_of(query.month)
    title = f"マイナ保険証利用率（{format_month(query.month)}診療分・{format_month(billing)}請求分）"
    notes = [
        f"利用率 = {format_month(query.month)}のマイナ保険証利用人数（名寄せ後）÷ {format_month(billing)}請求分の外来レセプト枚数。",
        "対象: 被用者保険（自衛官等・日雇特例を除く）、国民健康保険、後期高齢者医療。公費は含みません。",
        "グループの利用率は請求データのある施設だけで計算します。",
    ]
    if rows[-1]["claims"] is None:
        notes.append(
            f"{format_month(billing)}請求分の外来レセプト枚数が読み込まれていません（onshi stats import claims）。"
        )
    return Report("utilisation", title, query.params(), columns, tuple(rows), tuple(notes))


async def _rates_by_group(
    db: Database, query: UtilisationQuery
) -> tuple[list[dict[str, Any]], tuple[Column, ...]]:
    kind = query.facility_type.value if query.facility_type else None
    async with db.read() as conn:
        sums = await stats.group_figures(
            conn, query.month, billing_month_of(query.month), query.by, kind, query.prefecture
        )
    keys = [t.value for t in TYPES] if query.by == "type" else [p.code for p in PREFECTURES]
    group = Column("group", "施設類型" if query.by == "type" else "都道府県", query.by,
                   Kind.FACILITY_TYPE if query.by == "type" else Kind.PREFECTURE)  # fmt: skip
    empty = stats.GroupFigures(0, 0, 0, 0)
    figures = {key: sums.get(key, empty) for key in keys}
    total = stats.GroupFigures(*(sum(getattr(f, name) for f in figures.values())
                                 for name in ("facilities", "with_claims", "card_users", "claims")))  # fmt: skip
    rows = [_group_rate_row(key, query.month, f) for key, f in (*figures.items(), (TOTAL, total))]
    columns = (group, Column("facilities", "施設数", "facilities"),
               Column("with_claims", "請求データのある施設数", "with claims data"), *_rate_columns())  # fmt: skip
    return rows, columns


async def _rates_by_facility(
    db: Database, query: UtilisationQuery
) -> tuple[list[dict[str, Any]], tuple[Column, ...]]:
    kind = query.facility_type.value if query.facility_type else None
    async with db.read() as conn:
        figures = await stats.facility_figures(
            conn, query.month, billing_month_of(query.month), kind, query.prefecture
        )
    rates = [UtilisationRate(query.month, f.card_users, f.claims) for f in figures]
    group = combined(query.month, rates)
    rows = [_facility_rate_row(f, rate) for f, rate in zip(figures, rates, strict=True)]
    with_claims = any(rate.claims is not None for rate in rates)
    rows.append({"group": TOTAL, "facility_type": None, "prefecture": None, "card_users": group.users,
                 "claims": group.claims if with_claims else None, "rate": rate_text(group.rate)})  # fmt: skip
    columns = (
        Column("group", "医療機関等コード", "facility", Kind.FACILITY),
        Column("facility_type", "施設類型", "type", Kind.FACILITY_TYPE),
        Column("prefecture", "都道府県", "prefecture", Kind.PREFECTURE),
        *_rate_columns(),
    )
    return rows, columns


def _facility_rate_row(figures: stats.FacilityFigures, rate: UtilisationRate) -> dict[str, Any]:
    return {
        "group": figures.facility_code,
        "facility_type": figures.facility_type,
        "prefecture": figures.prefecture_code,
        "card_users": rate.users,
        "claims": rate.claims,
        "rate": rate_text(rate.rate),
    }


def _group_rate_row(key: str, month: date, figures: stats.GroupFigures) -> dict[str, Any]:
    rate = UtilisationRate(month, figures.card_users, figures.claims if figures.with_claims else None)
    return {
        "group": key,
        "facilities": figures.facilities,
        "with_claims": figures.with_claims,
        "card_users": figures.card_users,
        "claims": rate.claims,
        "rate": rate_text(rate.rate),
    }


# --- one facility: its months and its support money --------------------------------------------


FACILITY_COLUMNS = (
    Column("month", "診療月", "month", Kind.MONTH),
    Column("card", "マイナ保険証の利用件数", "card uses"),
    Column("card_users", "利用人数（名寄せ後）", "card users"),
    Column("billing_month", "請求月", "billing month", Kind.MONTH),
    Column("claims", "外来レセプト枚数", "outpatient claims"),
    Column("rate", "利用率", "rate", Kind.RATE),
)


async def facility_report(db: Database, code: FacilityCode, as_of: date | None = None) -> Report:
    """A facility's rate for every built month (its "my page"), and its support money."""
    async with db.read() as conn:
        facility = await facility_store.get(conn, code)
        if facility is None:
            raise InvalidValue(
                "facility", Problem.UNKNOWN_CODE, f"医療機関等コード {code} は登録されていません",
                f"facility {code} is not registered",
            )  # fmt: skip
        months = sorted(await stats.built_months(conn))
        declared = await stats.declarations(conn, code.digits)
        usage = await stats.facility_months(conn, code.digits, months)
        claims = await stats.facility_claims(conn, code.digits, [billing_month_of(m) for m in months])
    figures = {}
    rows = []
    for month in months:
        row = usage.get(month)
        rate = UtilisationRate(month, row.card_users if row else 0, claims.get(billing_month_of(month)))
        card = row.usage.card if row else 0
        figures[month] = FacilityMonth(rate, card)
        rows.append({"month": format_month(month), "card": card, "card_users": rate.users,
                     "billing_month": format_month(rate.billing_month), "claims": rate.claims,
                     "rate": rate_text(rate.rate)})  # fmt: skip
    support = evaluate_support(facility.facility_type, figures, as_of or today_jst(), declared)
    params = {"facility": code.digits}
    title = f"{facility.name}（{code.digits}）のマイナ保険証利用率"
    extra = {"facility": {"code": code.digits, "name": facility.name, "type": facility.facility_type.value},
             "support": support_json(support) | {"declarations": sorted(declared)}}  # fmt: skip
    notes = (
        "利用率 = 診療月のマイナ保険証利用人数（名寄せ後）÷ 翌月請求分の外来レセプト枚数（被用者保険・国保・後期高齢者、公費を除く）。",
    )
    return Report("facility_utilisation", title, params, FACILITY_COLUMNS, tuple(rows), notes, extra)


def support_json(support: Support) -> dict[str, Any]:
    def program(evaluation: Any) -> dict[str, Any]:
        return {
            "program": evaluation.program.id,
            "name": evaluation.program.name.ja,
            "eligible": evaluation.eligible,
            "grant_yen": evaluation.grant_yen,
            "checks": [
                {"requirement": c.requirement, "met": c.met, "reason_ja": c.note.ja, "reason_en": c.note.en}
                for c in evaluation.checks
            ],
            "notes": [note.ja for note in evaluation.notes],
        }

    return {
        "usage_support": program(support.support),
        "lump_sum": program(support.lump_sum),
        "average_rate_2024_01_05": rate_text(support.average_rate),
        "card_uses_2024_01_05": support.total_uses,
    }


def default_usage_month(today: date | None = None) -> date:
    """The last complete month."""
    return shift_month(today or today_jst(), -1)


def default_rate_month(today: date | None = None) -> date:
    """The month whose claims were billed last month (the latest rate that can be complete)."""
    return shift_month(today or today_jst(), -2)
