"""`onshi calc …`: the portal's calculators — fee add-on, subsidies, transitional measures.

No database: every figure comes from the domain (`onshi.domain.portal`) and its data table.
`--json` prints every intermediate figure (Decimals as strings, dates as ISO); without it a
Rich table. Bad input ends with a message in Japanese and English and exit code 2.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

import typer
from rich.table import Table

from onshi.cli._common import console, fail
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal import addons, subsidies, transitional
from onshi.domain.portal.documents import evaluation_document, plain
from onshi.domain.portal.subsidy_table import default_table
from onshi.domain.portal.values import Note, parse_month

T = TypeVar("T")

app = typer.Typer(
    help="ポータルの計算機 (portal calculators): 加算 fee add-on, 補助金 subsidies, 経過措置 transitional measures.",
    no_args_is_help=True,
)

_FACILITY_HELP = "施設の種類 facility type"
_AS_OF_HELP = "基準日 as-of date (YYYY-MM-DD or 和暦; default: today in JST)"
_JSON_HELP = "JSON で全ての途中計算を出力 (print every intermediate figure as JSON)"


# --- shared plumbing -------------------------------------------------------------------------------


def _domain(call: Callable[[], T]) -> T:
    """Run a domain call; a rejected value ends the command with exit code 2, never a traceback."""
    try:
        return call()
    except InvalidValue as error:
        fail(f"{error.field}: {error.message_ja} ({error.message_en})", 2)
        raise AssertionError from error  # unreachable: fail raises


def _bad(field: str, ja: str, en: str) -> InvalidValue:
    return InvalidValue(field, Problem.BAD_FORMAT, ja, en)


def _day(text: str | None, field: str) -> date | None:
    return None if text is None else parse_flexible_date(text, field)


def _as_of(text: str | None) -> date:
    return _day(text, "as_of") or today_jst()


def _decimal(text: str, field: str) -> Decimal:
    try:
        value = Decimal(text.strip().rstrip("%"))
    except InvalidOperation:
        raise _bad(field, f"数値ではありません: {text!r}", f"not a number: {text!r}") from None
    if not value.is_finite():
        raise _bad(field, f"数値ではありません: {text!r}", f"not a number: {text!r}")
    return value


def _pairs(values: list[str], field: str) -> list[tuple[str, str]]:
    """KEY=VALUE options, e.g. --uses 2023-10=1200."""
    pairs = []
    for value in values:
        key, sep, rest = value.partition("=")
        if not sep or not key.strip() or not rest.strip():
            raise _bad(field, f"KEY=VALUE の形で指定します: {value!r}", f"expected KEY=VALUE: {value!r}")
        pairs.append((key.strip(), rest.strip()))
    return pairs


def _whole(text: str, field: str) -> int:
    cleaned = text.replace(",", "").replace("_", "")
    if not cleaned.isascii() or not cleaned.isdigit():
        raise _bad(field, f"0以上の整数ではありません: {text!r}", f"not a whole number ≥ 0: {text!r}")
    return int(cleaned)


def _print_json(document: object) -> None:
    sys.stdout.write(json.dumps(plain(document), ensure_ascii=False, indent=2) + "\n")


def _yen(value: int | None) -> str:
    return "—" if value is None else f"{value:,}円"


def _table(*headers: str, show_header: bool = True) -> Table:
    """A table whose cells fold long Japanese text instead of cutting it off."""
    table = Table(show_header=show_header)
    for header in headers:
        table.add_column(header, overflow="fold")
    return table


def _notes(notes: tuple[Note, ...]) -> None:
    for note in notes:
        console.print(f"※ {note.ja} / {note.en}", highlight=False)


# --- onshi calc addon ------------------------------------------------------------------------------


@app.command("addon")
def addon_command(
    facility_type: FacilityType = typer.Option(..., "--facility-type", help=_FACILITY_HELP),
    per: addons.Period = typer.Option(..., "--per", help="患者数の単位 counts per day or per month"),
    first_visits: int = typer.Option(
        0, "--first-visits", help="加算対象の初診患者数 first visits (hospital, clinic)"
    ),
    revisits: int = typer.Option(
        0, "--revisits", help="加算対象の再診患者数（月初回）revisits, month's first"
    ),
    patients: int = typer.Option(
        0, "--patients", help="加算対象の調剤患者数（月初回）pharmacy patients, month's first"
    ),
    days_per_month: int | None = typer.Option(
        None, "--days-per-month", help="月の診療日数 days per month (with --per day)"
    ),
    card_rate: str = typer.Option(
        "0", "--card-rate", help="マイナンバーカード保持率 (%) card holding rate, e.g. 42.4"
    ),
    online_claims: bool = typer.Option(
        True, "--online-claims/--no-online-claims", help="レセプトオンライン請求 online claims"
    ),
    operating: bool = typer.Option(
        True, "--operating/--not-operating", help="オンライン資格確認の運用開始済み operating"
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """電子的保健医療情報活用加算 (2022) の試算: the fee add-on per period, month and year.

    Example (the seed's clinic): --facility-type medical_clinic --per day --first-visits 3
    --revisits 20 --days-per-month 20 --card-rate 42.4 --as-of 2022-06-01
    """
    day = _domain(lambda: _as_of(as_of))
    visits = _domain(
        lambda: addons.Visits(
            facility_type,
            per,
            first_visits,
            revisits,
            patients,
            days_per_month,
            _decimal(card_rate, "card_rate"),
            online_claims,
            operating,
        )
    )
    result = _domain(lambda: addons.estimate(visits, day))
    if as_json:
        _print_json(result)
        return
    _render_addon(result)


_SCENARIOS = (
    ("with_card", "カード利用・情報取得 with card"),
    ("insurance_card_only", "全員が健康保険証 insurance cards only"),
    ("combined", "組み合わせ combined"),
)


def _render_addon(result: addons.AddonEstimate) -> None:
    daily = result.visits.per is addons.Period.DAY
    console.print(f"{result.rules.name.ja}（{result.as_of.isoformat()}）", highlight=False)
    per_period = ("点/日", "円/日") if daily else ("点/月",)
    table = _table("シナリオ scenario", "計算 terms", *per_period, "円/月", "円/年")
    for key, label in _SCENARIOS:
        figures: addons.Figures = getattr(result, key)
        terms = " + ".join(_term_text(t) for t in figures.terms) or "—"
        amounts = (f"{figures.points:,}", f"{figures.yen:,}") if daily else (f"{figures.points:,}",)
        table.add_row(
            label,
            f"{terms} = {figures.exact_points.normalize():f}",
            *amounts,
            f"{figures.yen_per_month:,}",
            f"{figures.yen_per_year:,}",
        )
    console.print(table)
    _notes(result.notes)


def _term_text(term: addons.Term) -> str:
    share = "" if term.share == 1 else f"×{(term.share * 100).normalize():f}%"
    every = "" if term.every_months == 1 else f"÷{term.every_months}"
    return f"{term.points}点×{term.patients}{share}{every}"


# --- onshi calc programs / subsidy -------------------------------------------------------------------


@app.command("programs")
def programs_command(as_json: bool = typer.Option(False, "--json", help=_JSON_HELP)) -> None:
    """補助金の一覧 (the subsidy programs, their rates, limits and sources)."""
    table = default_table()
    if as_json:
        _print_json(table)
        return
    console.print(f"補助金データ表 version {table.version}", highlight=False)
    grid = _table("program", "名称 name", "区分・補助率・限度額 class, rate, limit", "出典 source")
    grid.columns[0].no_wrap = True  # ids stay whole, to be copied into `onshi calc subsidy`
    for program in table.programs:
        tiers = "\n".join(
            f"{'/'.join(sorted(c.value for c in t.classes))}: {t.rate or '?'}, {_yen(t.limit_yen)}"
            + (" /台" if t.limit_per_unit else "")
            for t in program.tiers
        )
        grid.add_row(program.id, f"{program.name.ja}\n{program.name.en}", tiers, program.source)
    console.print(grid)


@app.command("subsidy")
def subsidy_command(
    program: str = typer.Argument(..., help="補助金 program id (see `onshi calc programs`)"),
    facility_type: FacilityType = typer.Option(..., "--facility-type", help=_FACILITY_HELP),
    large_chain: bool = typer.Option(False, "--large-chain", help="大型チェーン薬局 large chain pharmacy"),
    cost: list[str] = typer.Option(
        [], "--cost", help="費用 ITEM=YEN[@YYYY-MM-DD], repeatable, e.g. card_reader=120000@2023-12-01"
    ),
    units: int = typer.Option(1, "--units", help="増設台数 readers to add"),
    readers: int = typer.Option(1, "--readers", help="設置済みカードリーダー台数 readers in use"),
    operating_since: str | None = typer.Option(None, "--operating-since", help="運用開始日 operating since"),
    completed_on: str | None = typer.Option(None, "--completed-on", help="事業完了日 project completed on"),
    applied_on: str | None = typer.Option(None, "--applied-on", help="申請日 applied on (default: as-of)"),
    uses: list[str] = typer.Option([], "--uses", help="月間利用件数 card uses YYYY-MM=N, repeatable"),
    users: list[str] = typer.Option([], "--users", help="月間利用人数 card users YYYY-MM=N, repeatable"),
    rate: list[str] = typer.Option([], "--rate", help="マイナ保険証利用率 (%) YYYY-MM=PCT, repeatable"),
    declare: list[str] = typer.Option([], "--declare", help="実施事項 declared, e.g. poster_and_flyer"),
    also: list[str] = typer.Option([], "--also", help="併せて実施する補助 other program, e.g. home_visit"),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """補助金の対象判定と交付額: eligibility with reasons, and min(eligible cost × rate, limit)."""
    day = _domain(lambda: _as_of(as_of))
    applicant = _domain(
        lambda: subsidies.Applicant(
            facility_type=facility_type,
            large_chain=large_chain,
            costs=tuple(_cost_line(text) for text in cost),
            units=units,
            readers=readers,
            operating_since=_day(operating_since, "operating_since"),
            completed_on=_day(completed_on, "completed_on"),
            applied_on=_day(applied_on, "applied_on"),
            monthly_uses={parse_month(k, "uses"): _whole(v, "uses") for k, v in _pairs(uses, "uses")},
            monthly_users={parse_month(k, "users"): _whole(v, "users") for k, v in _pairs(users, "users")},
            utilisation_rates={parse_month(k, "rate"): _decimal(v, "rate") for k, v in _pairs(rate, "rate")},
            declarations=frozenset(declare),
            other_programs=frozenset(also),
        )
    )
    result = _domain(lambda: subsidies.evaluate(program, applicant, day))
    if as_json:
        _print_json(evaluation_document(result, default_table().version))
        return
    _render_subsidy(result)


def _cost_line(text: str) -> subsidies.CostLine:
    [(item, rest)] = _pairs([text], "cost")
    amount, _, when = rest.partition("@")
    return subsidies.CostLine(item, _whole(amount, "cost"), _day(when, "cost") if when else None)


def _render_subsidy(result: subsidies.Evaluation) -> None:
    verdict = "[green]対象 eligible[/]" if result.eligible else "[red]対象外 not eligible[/]"
    console.print(
        f"{result.program.name.ja}（{result.subsidy_class.label_ja}, {result.as_of.isoformat()}）: {verdict}",
        highlight=False,
    )
    checks = _table("条件 condition", "判定 met", "理由 reason")
    for check in result.checks:
        checks.add_row(check.requirement, "✓" if check.met else "✗", f"{check.note.ja}\n{check.note.en}")
    console.print(checks)
    if result.calculation is not None:
        console.print(_calculation_table(result.calculation, result.lines))
    grant = _yen(result.grant_yen) if result.grant_yen is not None else "計算できません (not computable)"
    console.print(f"交付額 grant: [bold]{grant}[/]", highlight=False)
    _notes(result.notes)


def _calculation_table(calc: subsidies.Calculation, lines: tuple[subsidies.LineResult, ...]) -> Table:
    table = _table("計算 step", "金額 amount")
    for line in lines:
        mark = "" if line.counted else f" ✗ {line.note.ja if line.note else ''}"
        when = f" ({line.line.incurred_on.isoformat()})" if line.line.incurred_on else ""
        table.add_row(f"費用 {line.line.item}{when}{mark}", _yen(line.line.yen))
    for item in calc.items:
        cap = f"（上限 {_yen(item.cap_yen)}）" if item.cap_yen is not None else ""
        table.add_row(f"対象経費 {item.item}{cap}", _yen(item.eligible_yen))
    if calc.project_cap_yen is not None:
        table.add_row("事業額上限 project cap", _yen(calc.project_cap_yen))
    table.add_row("補助対象経費 eligible cost", _yen(calc.eligible_cost_yen))
    table.add_row("補助率 rate", str(calc.rate) if calc.rate else "不明 unknown")
    table.add_row("対象経費×補助率 cost × rate", _yen(calc.cost_times_rate_yen))
    table.add_row("補助限度額 limit", _yen(calc.limit_yen) if calc.limit_yen else "不明 unknown")
    return table


# --- onshi calc transitional ----------------------------------------------------------------------


@app.command("transitional")
def transitional_command(
    facility_type: FacilityType = typer.Option(..., "--facility-type", help=_FACILITY_HELP),
    obligation: transitional.Obligation = typer.Option(
        transitional.Obligation.ONLINE_QUALIFICATION, "--obligation", help="義務 obligation"
    ),
    operating_since: str | None = typer.Option(None, "--operating-since", help="運用開始日 operating since"),
    paper_claims: bool = typer.Option(
        False, "--paper-claims", help="紙レセプト請求が認められている paper claims allowed"
    ),
    paper_claims_refiled: bool = typer.Option(
        False, "--paper-claims-refiled", help="令和6年4月以降の再届出済み re-notified for 2024-04"
    ),
    obligation_date: str | None = typer.Option(
        None, "--obligation-date", help="義務化日を上書き override the obligation date"
    ),
    category: transitional.Category | None = typer.Option(
        None, "--category", help="事前届出の区分 notified category"
    ),
    filed_on: str | None = typer.Option(None, "--filed-on", help="事前届出日 notification filed on"),
    vendor_contract_on: str | None = typer.Option(
        None, "--vendor-contract-on", help="ベンダー契約日 vendor contract (system_in_progress)"
    ),
    system_ready_on: str | None = typer.Option(
        None, "--system-ready-on", help="システム整備完了日 system ready (system_in_progress)"
    ),
    network_available_on: str | None = typer.Option(
        None, "--network-available-on", help="光回線整備日 fibre available (network)"
    ),
    works_end_on: str | None = typer.Option(
        None, "--works-end-on", help="改築工事完了日 works end (renovation)"
    ),
    closure_on: str | None = typer.Option(None, "--closure-on", help="廃止・休止予定日 closure (closure)"),
    resolved_on: str | None = typer.Option(None, "--resolved-on", help="事情の解消日 resolved on"),
    staff_birthdate: list[str] = typer.Option(
        [], "--staff-birthdate", help="常勤職員の生年月日 full-time staff birth date, repeatable"
    ),
    individually_approved: bool = typer.Option(
        False, "--individually-approved", help="個別判断で認められた approved individually"
    ),
    as_of: str | None = typer.Option(None, "--as-of", help=_AS_OF_HELP),
    as_json: bool = typer.Option(False, "--json", help=_JSON_HELP),
) -> None:
    """義務化・経過措置: the deadline of a prior notification and the status on the as-of date."""
    if category is None and filed_on is not None:
        fail("--filed-on には --category が必要です (--filed-on needs --category)", 2)
    notification = None
    if category is not None:
        if filed_on is None:
            fail("--category には --filed-on（事前届出日）が必要です (--category needs --filed-on)", 2)
        notification = _domain(
            lambda: transitional.Notification(
                category,
                _day(filed_on, "filed_on") or date.min,
                _day(vendor_contract_on, "vendor_contract_on"),
                _day(system_ready_on, "system_ready_on"),
                _day(network_available_on, "network_available_on"),
                _day(works_end_on, "works_end_on"),
                _day(closure_on, "closure_on"),
                _day(resolved_on, "resolved_on"),
                tuple(parse_flexible_date(b, "staff_birthdate") for b in staff_birthdate),
                individually_approved,
            )
        )
    situation = _domain(
        lambda: transitional.Situation(
            facility_type,
            obligation,
            _day(operating_since, "operating_since"),
            paper_claims,
            paper_claims_refiled,
            notification,
            _day(obligation_date, "obligation_date"),
        )
    )
    day = _domain(lambda: _as_of(as_of))
    result = _domain(lambda: transitional.assess(situation, day))
    if as_json:
        _print_json(_assessment_document(result, situation))
        return
    _render_transitional(result)


def _assessment_document(
    result: transitional.Assessment, situation: transitional.Situation
) -> dict[str, object]:
    regime = result.regime
    return {
        "status": result.status,
        "as_of": result.as_of,
        "obligation": regime.obligation,
        "obligation_date": regime.obligation_date,
        "latest_end": transitional.latest_end(regime),
        "vendor_contract_cutoff": transitional.contract_cutoff(regime),
        "categories": regime.categories,
        "source": regime.source,
        "deadline": result.deadline,
        "days_left": result.days_left,
        "reasons": result.reasons,
        "input": situation,
    }


_STATUS_COLOURS = {
    transitional.Status.COMPLIANT: "green",
    transitional.Status.EXEMPT: "green",
    transitional.Status.NOT_YET_DUE: "cyan",
    transitional.Status.TRANSITIONAL: "yellow",
    transitional.Status.OVERDUE: "red",
}


def _render_transitional(result: transitional.Assessment) -> None:
    status, regime = result.status, result.regime
    colour = _STATUS_COLOURS[status]
    console.print(
        f"{regime.obligation.label_ja}（{result.as_of.isoformat()}）: [bold {colour}]{status.label_ja} {status.value}[/]",
        highlight=False,
    )
    table = _table("項目 item", "値 value", show_header=False)
    table.add_row("義務化日 obligation date", regime.obligation_date.isoformat())
    table.add_row("遅くとも latest end (6th month)", transitional.latest_end(regime).isoformat())
    table.add_row("契約期限 vendor contract by", transitional.contract_cutoff(regime).isoformat())
    if result.deadline is not None:
        until = result.deadline.until.isoformat() if result.deadline.until else "未定 open"
        table.add_row(
            "区分 category", f"{result.deadline.category.label_ja} {result.deadline.category.value}"
        )
        table.add_row("期限の規則 rule", f"{result.deadline.rule.ja}\n{result.deadline.rule.en}")
        table.add_row("経過措置の期限 until", until)
    if result.days_left is not None:
        table.add_row("残り日数 days left", str(result.days_left))
    table.add_row("出典 source", regime.source)
    console.print(table)
    _notes(result.reasons)
