"""Subsidies (補助金・支援金): does a facility qualify, and how much is granted.

The grant is 「補助金対象に係る総事業費×補助率」と補助限度額を比較して少ない額 (seed 002): the
eligible cost (cost items the program pays for, incurred from its start day, each within its
事業額上限) × the rate, rounded down to the yen, then at most the limit (per reader when the
limit is per unit). All figures come from the data table (`subsidy_programs`); where the seeds do
not state a rate or a limit the result says so rather than guessing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from onshi.domain.dates import format_ja
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.subsidy_table import (
    AppliedBy,
    CompletedBy,
    Declared,
    MonthlyUses,
    Operating,
    Program,
    RateIncrease,
    Requirement,
    SubsidyClass,
    SubsidyTable,
    Tier,
    UsersIncrease,
    default_table,
    subsidy_class,
)
from onshi.domain.portal.values import Note, Rate, format_month, months_between


@dataclass(frozen=True, slots=True)
class CostLine:
    item: str  # a key of the table's items, e.g. "card_reader"
    yen: int  # 税込の支出額 as receipted
    incurred_on: date | None = None  # needed when the program counts costs from a day


@dataclass(frozen=True, slots=True)
class Applicant:
    """What the facility tells the calculator (all optional but its type)."""

    facility_type: FacilityType
    large_chain: bool = False  # 大型チェーン薬局
    costs: tuple[CostLine, ...] = ()
    units: int = 1  # readers to add (per-unit programs)
    readers: int = 1  # face-recognition readers in use (for uses per reader)
    operating_since: date | None = None  # 運用開始日
    completed_on: date | None = None  # 補助対象事業の完了日
    applied_on: date | None = None  # 申請日 (default: the day of the calculation)
    monthly_uses: Mapping[date, int] = field(default_factory=dict)  # 月間利用件数 by month
    monthly_users: Mapping[date, int] = field(default_factory=dict)  # 利用人数 by month
    utilisation_rates: Mapping[date, Decimal] = field(default_factory=dict)  # 利用率 (%) by month
    declarations: frozenset[str] = frozenset()  # e.g. "poster_and_flyer"
    other_programs: frozenset[str] = frozenset()  # programs the facility also takes part in


@dataclass(frozen=True, slots=True)
class Check:
    requirement: str
    met: bool
    note: Note


@dataclass(frozen=True, slots=True)
class LineResult:
    line: CostLine
    counted: bool
    note: Note | None  # why it does not count


@dataclass(frozen=True, slots=True)
class ItemTotal:
    item: str
    counted_yen: int
    cap_yen: int | None  # 事業額上限 for the item
    eligible_yen: int


@dataclass(frozen=True, slots=True)
class Calculation:
    submitted_yen: int  # every cost line
    counted_yen: int  # the lines the program pays for
    items: tuple[ItemTotal, ...]
    project_cap_yen: int | None
    eligible_cost_yen: int  # after the item caps and the project cap
    rate: Rate | None
    cost_times_rate_yen: int | None  # floor(eligible cost × rate)
    limit_yen: int | None  # 補助限度額 (× units when per unit)
    grant_yen: int | None  # min(cost × rate, limit); None when the rate is not known
    limited_by: str  # "limit", "cost", "no_known_limit" or "unknown_rate"


@dataclass(frozen=True, slots=True)
class Evaluation:
    program: Program
    subsidy_class: SubsidyClass
    as_of: date
    eligible: bool
    checks: tuple[Check, ...]
    lines: tuple[LineResult, ...]
    calculation: Calculation | None  # None when the program has no tier for the class
    grant_yen: int | None  # 0 when not eligible; None when the seeds lack the figures
    notes: tuple[Note, ...]


def evaluate(
    program_id: str, applicant: Applicant, as_of: date, table: SubsidyTable | None = None
) -> Evaluation:
    """Eligibility (every check with its reason) and the grant, as of the given day."""
    table = table or default_table()
    program = table.program(program_id)
    _validate(applicant, program, table)
    klass = subsidy_class(applicant.facility_type, applicant.large_chain)
    tier = program.tier_for(klass)
    checks = (
        _class_check(klass, tier),
        *(_check(requirement, applicant, as_of) for requirement in program.requirements),
        *_exclusivity(program, applicant, table),
        *_units_check(tier, applicant),
    )
    lines = tuple(_line(program, line, table) for line in applicant.costs)
    calculation = _calculate(program, tier, lines, applicant.units) if tier else None
    eligible = all(check.met for check in checks)
    grant = None if calculation is None else calculation.grant_yen
    return Evaluation(
        program,
        klass,
        as_of,
        eligible,
        checks,
        lines,
        calculation,
        (grant if eligible else 0),
        program.notes + _figure_notes(calculation),
    )


# --- input checks (bad input is an error, not a failed condition) --------------------------------


def _validate(applicant: Applicant, program: Program, table: SubsidyTable) -> None:
    for line in applicant.costs:
        table.check_item(line.item)
        if line.yen < 0:
            raise _invalid("cost", "費用は0円以上です", "a cost is 0 yen or more")
        if program.costs_from and line.incurred_on is None and line.item in program.items:
            raise InvalidValue(
                "cost",
                Problem.REQUIRED,
                f"この補助は{format_ja(program.costs_from)}以降の費用が対象のため、費用の発生日が必要です（{line.item}）",
                f"this program counts costs from {program.costs_from.isoformat()}: give each cost's date ({line.item})",
            )
    for other in applicant.other_programs:
        table.program(other)
    unknown = applicant.declarations - _declaration_keys(table)
    if unknown:
        raise InvalidValue(
            "declare",
            Problem.UNKNOWN_CODE,
            f"申告事項 {', '.join(sorted(unknown))} はありません（{', '.join(sorted(_declaration_keys(table)))}）",
            f"unknown declaration {', '.join(sorted(unknown))} (known: {', '.join(sorted(_declaration_keys(table)))})",
        )
    if applicant.units < 1 or applicant.readers < 1:
        raise _invalid("units", "台数は1以上です", "numbers of readers are 1 or more")
    if any(n < 0 for n in (*applicant.monthly_uses.values(), *applicant.monthly_users.values())):
        raise _invalid("uses", "件数・人数は0以上です", "counts are 0 or more")
    if any(not Decimal(0) <= r <= Decimal(100) for r in applicant.utilisation_rates.values()):
        raise _invalid("rate", "利用率は0～100%です", "a utilisation rate is 0–100 %")


def _declaration_keys(table: SubsidyTable) -> frozenset[str]:
    return frozenset(
        r.key for program in table.programs for r in program.requirements if isinstance(r, Declared)
    )


def _invalid(field_name: str, ja: str, en: str) -> InvalidValue:
    return InvalidValue(field_name, Problem.BAD_FORMAT, ja, en)


# --- checks --------------------------------------------------------------------------------------


def _class_check(klass: SubsidyClass, tier: Tier | None) -> Check:
    if tier is None:
        return Check(
            "facility_class",
            False,
            Note(f"{klass.label_ja}はこの補助の対象外です", f"a {klass.value} is not covered"),
        )
    return Check("facility_class", True, Note(f"{klass.label_ja}は対象です", f"a {klass.value} is covered"))


def _check(requirement: Requirement, applicant: Applicant, as_of: date) -> Check:
    match requirement:
        case Operating():
            return _operating(applicant, as_of)
        case CompletedBy():
            return _completed_by(requirement, applicant)
        case AppliedBy():
            return _applied_by(requirement, applicant, as_of)
        case MonthlyUses():
            return _monthly_uses(requirement, applicant)
        case RateIncrease():
            return _rate_increase(requirement, applicant)
        case UsersIncrease():
            return _users_increase(requirement, applicant)
        case Declared():
            return _declared(requirement, applicant)


def _operating(applicant: Applicant, as_of: date) -> Check:
    since = applicant.operating_since
    if since is not None and since <= (applicant.applied_on or as_of):
        return Check("operating", True, Note(f"{format_ja(since)}に運用開始", f"operating since {since}"))
    return Check(
        "operating",
        False,
        Note("オンライン資格確認の運用開始が必要です", "online qualification confirmation must be operating"),
    )


def _completed_by(requirement: CompletedBy, applicant: Applicant) -> Check:
    done, limit = applicant.completed_on, requirement.day
    if done is None:
        return Check(
            "completed_by",
            False,
            Note(
                f"事業の完了日が不明です（期限 {format_ja(limit)}）",
                f"completion date not given (due {limit})",
            ),
        )
    return Check(
        "completed_by",
        done <= limit,
        Note(f"事業完了 {format_ja(done)}（期限 {format_ja(limit)}）", f"completed {done} (due {limit})"),
    )


def _applied_by(requirement: AppliedBy, applicant: Applicant, as_of: date) -> Check:
    applied, limit = applicant.applied_on or as_of, requirement.day
    return Check(
        "applied_by",
        applied <= limit,
        Note(f"申請日 {format_ja(applied)}（期限 {format_ja(limit)}）", f"applied {applied} (due {limit})"),
    )


def _monthly_uses(requirement: MonthlyUses, applicant: Applicant) -> Check:
    window = months_between(requirement.first_month, requirement.last_month)
    readers = applicant.readers if requirement.per_reader else 1
    needed = requirement.minimum * readers  # ≥ minimum per reader, without dividing
    best = max(window, key=lambda month: applicant.monthly_uses.get(month, 0))
    uses = applicant.monthly_uses.get(best, 0)
    span = f"{format_month(window[0])}～{format_month(window[-1])}"
    per = f"カードリーダー1台当たり（{readers}台）" if requirement.per_reader else "合計"
    per_en = f"per reader ({readers} readers)" if requirement.per_reader else "in total"
    return Check(
        "uses_per_reader" if requirement.per_reader else "uses_total",
        uses >= needed,
        Note(
            f"{span}のいずれかの月の利用件数が{per}{requirement.minimum}件以上: 最多 {format_month(best)} {uses}件（必要 {needed}件）",
            f"{requirement.minimum}+ card uses {per_en} in a month of {span}: best {format_month(best)} {uses} (needs {needed})",
        ),
    )


def _rate_increase(requirement: RateIncrease, applicant: Applicant) -> Check:
    rates = applicant.utilisation_rates
    baseline = rates.get(requirement.baseline_month)
    months = _contiguous(rates, requirement.first_month, requirement.last_month)
    if baseline is None or not months:
        missing = format_month(requirement.baseline_month if baseline is None else requirement.first_month)
        return Check(
            "rate_increase",
            False,
            Note(f"{missing}の利用率がありません", f"the utilisation rate of {missing} is missing"),
        )
    averages = [_mean([rates[m] for m in months[: k + 1]]) for k in range(len(months))]
    last = len(months) - 1
    if requirement.running:  # met as soon as the average so far rises enough (seed 000 1-5 (注))
        rises = (k for k, avg in enumerate(averages) if _rises(requirement, avg - baseline))
        last = next(rises, last)
    met = _rises(requirement, averages[last] - baseline)
    return Check("rate_increase", met, _rate_note(requirement, baseline, averages[last], months[last]))


def _rises(requirement: RateIncrease, rise: Decimal) -> bool:
    return rise >= requirement.min_points if requirement.inclusive else rise > requirement.min_points


def _rate_note(requirement: RateIncrease, baseline: Decimal, average: Decimal, month: date) -> Note:
    op_ja, op_en = ("以上", "≥") if requirement.inclusive else ("超", ">")
    first, base = format_month(requirement.first_month), format_month(requirement.baseline_month)
    cents = Decimal("0.01")
    avg, rise = average.quantize(cents), (average - baseline).quantize(cents)
    return Note(
        f"{first}～{format_month(month)}の平均利用率 {avg}%、{base}の{baseline}%から{rise:+}ポイント（必要 {requirement.min_points}ポイント{op_ja}）",
        f"average rate {first}..{format_month(month)} {avg}% vs {base} {baseline}%: {rise:+} points (needs {op_en} {requirement.min_points})",
    )


def _contiguous(rates: Mapping[date, Decimal], first: date, last: date | None) -> list[date]:
    """The months from `first` for which a rate is given, up to the first gap or `last`."""
    months: list[date] = []
    for month in months_between(first, last or max(rates, default=first)):
        if month not in rates:
            break
        months.append(month)
    return months


def _mean(values: list[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _users_increase(requirement: UsersIncrease, applicant: Applicant) -> Check:
    users = applicant.monthly_users
    baseline = users.get(requirement.baseline_month)
    base = format_month(requirement.baseline_month)
    if baseline is None:
        return Check(
            "users_increase",
            False,
            Note(f"{base}の利用人数がありません", f"the number of card users in {base} is missing"),
        )
    window = months_between(requirement.first_month, requirement.last_month)
    best = max(window, key=lambda month: users.get(month, -1))
    count = users.get(best, 0)
    return Check(
        "users_increase",
        count > baseline,
        Note(
            f"{format_month(window[0])}～{format_month(window[-1])}の最多 {format_month(best)} {count}人（{base} {baseline}人）",
            f"best month {format_month(best)} {count} users vs {base} {baseline}",
        ),
    )


def _declared(requirement: Declared, applicant: Applicant) -> Check:
    done = requirement.key in applicant.declarations
    return Check(
        requirement.key,
        done,
        Note(
            f"{requirement.label.ja}: {'実施' if done else '未申告'}",
            f"{requirement.label.en}: {'declared' if done else 'not declared'}",
        ),
    )


def _exclusivity(program: Program, applicant: Applicant, table: SubsidyTable) -> tuple[Check, ...]:
    checks = []
    for other_id in program.exclusive_with:
        other = table.program(other_id).name
        both = other_id in applicant.other_programs
        checks.append(
            Check(
                f"not_with_{other_id}",
                not both,
                Note(
                    f"「{other.ja}」も実施する場合はそちらで申請します"
                    if both
                    else f"「{other.ja}」は実施していない",
                    f"doing {other_id} as well: apply under it" if both else f"not doing {other_id}",
                ),
            )
        )
    return tuple(checks)


def _units_check(tier: Tier | None, applicant: Applicant) -> tuple[Check, ...]:
    if tier is None or tier.max_units is None:
        return ()
    return (
        Check(
            "units",
            applicant.units <= tier.max_units,
            Note(
                f"増設台数 {applicant.units}台（上限 {tier.max_units}台）",
                f"{applicant.units} readers (at most {tier.max_units})",
            ),
        ),
    )


# --- the grant -----------------------------------------------------------------------------------


def _line(program: Program, line: CostLine, table: SubsidyTable) -> LineResult:
    label = table.item_label(line.item)
    if line.item not in program.items:
        return LineResult(
            line, False, Note(f"{label.ja}はこの補助の対象外", f"{label.en} is not covered by this program")
        )
    start = program.costs_from
    if start and line.incurred_on and line.incurred_on < start:
        return LineResult(
            line,
            False,
            Note(f"{format_ja(start)}より前の費用は対象外", f"costs before {start.isoformat()} do not count"),
        )
    return LineResult(line, True, None)


def _calculate(program: Program, tier: Tier, lines: tuple[LineResult, ...], units: int) -> Calculation:
    counted = [r.line for r in lines if r.counted]
    items = tuple(_item_total(item, counted, tier) for item in program.items)
    capped = sum(total.eligible_yen for total in items)
    eligible = min(capped, tier.project_cap_yen) if tier.project_cap_yen else capped
    limit = (
        tier.limit_yen * min(units, tier.max_units or 1)
        if tier.limit_yen and tier.limit_per_unit
        else tier.limit_yen
    )
    times_rate = tier.rate.of_yen(eligible) if tier.rate else None
    grant, limited_by = _apply_limit(times_rate, limit)
    return Calculation(
        submitted_yen=sum(r.line.yen for r in lines),
        counted_yen=sum(line.yen for line in counted),
        items=items,
        project_cap_yen=tier.project_cap_yen,
        eligible_cost_yen=eligible,
        rate=tier.rate,
        cost_times_rate_yen=times_rate,
        limit_yen=limit,
        grant_yen=grant,
        limited_by=limited_by,
    )


def _item_total(item: str, counted: list[CostLine], tier: Tier) -> ItemTotal:
    total = sum(line.yen for line in counted if line.item == item)
    cap = tier.cap_for(item)
    return ItemTotal(item, total, cap, min(total, cap) if cap is not None else total)


def _apply_limit(times_rate: int | None, limit: int | None) -> tuple[int | None, str]:
    if times_rate is None:
        return None, "unknown_rate"
    if limit is None:
        return times_rate, "no_known_limit"
    return (limit, "limit") if times_rate > limit else (times_rate, "cost")


def _figure_notes(calculation: Calculation | None) -> tuple[Note, ...]:
    if calculation is None:
        return ()
    if calculation.limited_by == "unknown_rate":
        return (
            Note(
                "補助率が資料にないため交付額は計算できません",
                "the seeds do not state the rate: the grant cannot be computed",
            ),
        )
    if calculation.limited_by == "no_known_limit":
        return (
            Note(
                "補助限度額が資料にないため、限度額を適用していません（実際の交付額はこれ以下）",
                "the seeds do not state the limit: none applied (the real grant may be lower)",
            ),
        )
    return ()
