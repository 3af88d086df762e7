"""The obligation to confirm (and, for visiting nursing, to claim) online, and its transitional
measures (義務化・経過措置).

Sources (`/work/shared/seeds/`):

- 004 「訪問看護事業者のオンライン資格確認の義務化の経過措置」 and 「訪問看護レセプトのオンライン請求の
  義務化の経過措置」: the categories and deadlines below, the prior notification to 支払基金
  (※1 経過措置の対象事業者は、支払基金に原則オンラインで事前届出を行う) and the staff-age example of
  category (5) (all full-time staff 65 or older on 平成30年3月31日; ※2 71 or older on 令和6年3月31日).
  The obligation applies 「令和6年秋（保険証廃止時期）」; seed 001 dates the end of new insurance cards
  令和6年12月2日, which is taken as the day (override it with `Situation.obligation_date`).
- 004 「(参考) 保険医療機関・薬局における電子レセプト請求・オンライン資格確認の経過措置」: the categories for
  hospitals, clinics and pharmacies, obliged from 令和5年4月1日 (注3), with vendor contracts due by
  令和5年2月 and 「訪問診療のみを提供する保険医療機関」 as an extra category. That table names no
  deadlines; the visiting-nursing deadlines have the same shape (domain.md §7) and are applied.
- 004 「オンライン請求の推進に伴う所要の見直し」: facilities still allowed paper claims (紙レセプト) are
  outside the obligation; from 令和6年4月 only those that notified again count as such.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from enum import StrEnum

from onshi.domain.dates import add_months, age_on, format_ja, month_end
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.values import Note, shift_month

# "遅くとも義務化の6か月後の月末まで": counted with the obligation's month as the first, so an
# obligation from 2023-04-01 ends with 2023-09-30 and one from 2024-12-02 with 2025-05-31.
LATEST_MONTHS = 6
# "義務化の2か月前の月末までにベンダーと契約締結" (令和5年2月 for an obligation from 令和5年4月).
CONTRACT_MONTHS_BEFORE = 2
# "光回線ネットワーク環境が整備されてから6ヶ月後まで".
NETWORK_GRACE_MONTHS = 6
STAFF_AGE_DAY = date(2018, 3, 31)  # 平成30年3月31日
STAFF_MIN_AGE = 65
PAPER_REFILING_FROM = date(2024, 4, 1)  # 令和6年4月以降は改めての届出


class Obligation(StrEnum):
    ONLINE_QUALIFICATION = "online_qualification"  # オンライン資格確認
    ONLINE_CLAIMS = "online_claims"  # オンライン請求

    @property
    def label_ja(self) -> str:
        return "オンライン資格確認" if self is Obligation.ONLINE_QUALIFICATION else "オンライン請求"


class Category(StrEnum):
    """やむを得ない事情: the category a prior notification (事前届出) chooses."""

    LINE_FAILURE = "line_failure"  # 電気通信回線設備の障害 (online claims only)
    SYSTEM_IN_PROGRESS = "system_in_progress"  # システム整備中
    NETWORK = "network"  # ネットワーク環境事情 (no fibre line yet)
    HOME_VISIT_ONLY = "home_visit_only"  # 訪問診療のみを提供する保険医療機関
    RENOVATION = "renovation"  # 改築工事中・臨時施設
    CLOSURE = "closure"  # 廃止・休止に関する計画
    SPECIAL_DIFFICULTY = "special_difficulty"  # その他特に困難な事情

    @property
    def label_ja(self) -> str:
        return _CATEGORY_LABELS[self]


_CATEGORY_LABELS = {
    Category.LINE_FAILURE: "電気通信回線設備の障害",
    Category.SYSTEM_IN_PROGRESS: "システム整備中",
    Category.NETWORK: "ネットワーク環境事情",
    Category.HOME_VISIT_ONLY: "訪問診療のみを提供",
    Category.RENOVATION: "改築工事中・臨時施設",
    Category.CLOSURE: "廃止・休止の計画",
    Category.SPECIAL_DIFFICULTY: "その他特に困難な事情",
}


@dataclass(frozen=True, slots=True)
class Regime:
    """One obligation for some facility types: its date and the categories it allows."""

    obligation: Obligation
    facility_types: frozenset[FacilityType]
    obligation_date: date
    categories: tuple[Category, ...]
    paper_claims_exempt: bool  # 紙レセプト請求が認められている施設は義務化の例外
    staff_age_rule: bool  # category (5) may rest on the staff-age example
    source: str


_MEDICAL = frozenset({FacilityType.HOSPITAL, FacilityType.MEDICAL_CLINIC, FacilityType.DENTAL_CLINIC})
_COMMON = (
    Category.SYSTEM_IN_PROGRESS,
    Category.NETWORK,
    Category.RENOVATION,
    Category.CLOSURE,
    Category.SPECIAL_DIFFICULTY,
)
_MEDICAL_SOURCE = (
    "seed 004 (参考) 保険医療機関・薬局における電子レセプト請求・オンライン資格確認の経過措置; 注3"
)
_NURSING_SOURCE = "seed 004 訪問看護事業者のオンライン資格確認の義務化の経過措置"

REGIMES: tuple[Regime, ...] = (
    Regime(
        Obligation.ONLINE_QUALIFICATION,
        _MEDICAL,
        date(2023, 4, 1),
        (*_COMMON[:2], Category.HOME_VISIT_ONLY, *_COMMON[2:]),
        paper_claims_exempt=True,
        staff_age_rule=False,
        source=_MEDICAL_SOURCE,
    ),
    Regime(
        Obligation.ONLINE_QUALIFICATION,
        frozenset({FacilityType.PHARMACY}),
        date(2023, 4, 1),
        _COMMON,
        paper_claims_exempt=True,
        staff_age_rule=False,
        source=_MEDICAL_SOURCE,
    ),
    Regime(
        Obligation.ONLINE_QUALIFICATION,
        frozenset({FacilityType.VISITING_NURSING}),
        date(2024, 12, 2),
        _COMMON,
        paper_claims_exempt=False,
        staff_age_rule=True,
        source=_NURSING_SOURCE,
    ),
    Regime(
        Obligation.ONLINE_CLAIMS,
        frozenset({FacilityType.VISITING_NURSING}),
        date(2024, 12, 2),
        (Category.LINE_FAILURE, *_COMMON),
        paper_claims_exempt=False,
        staff_age_rule=True,
        source="seed 004 訪問看護レセプトのオンライン請求の義務化の経過措置",
    ),
)


# (obligation, facility type) → its regime; the first in REGIMES wins, as a scan would find it.
_REGIME_OF = {
    (regime.obligation, kind): regime for regime in reversed(REGIMES) for kind in regime.facility_types
}


def regime_for(facility_type: FacilityType, obligation: Obligation) -> Regime:
    regime = _REGIME_OF.get((obligation, facility_type))
    if regime is not None:
        return regime
    raise InvalidValue(
        "obligation",
        Problem.INCONSISTENT,
        f"{facility_type.label_ja}の{obligation.label_ja}の義務化は資料にありません",
        f"the seeds define no {obligation.value} obligation for a {facility_type.value}",
    )


def latest_end(regime: Regime) -> date:
    """遅くとも義務化の6か月後の月末."""
    return month_end(shift_month(regime.obligation_date, LATEST_MONTHS - 1))


def contract_cutoff(regime: Regime) -> date:
    """義務化の2か月前の月末: the last day a vendor contract counts for システム整備中."""
    return month_end(shift_month(regime.obligation_date, -CONTRACT_MONTHS_BEFORE))


def legal_age(birthdate: date, on: date) -> int:
    """Age under the Age Calculation Act: a year is completed at the end of the day before the
    birthday, so someone born on 1 April 1953 was already 65 on 31 March 2018."""
    return age_on(birthdate, on + timedelta(days=1))


def staff_age_rule_met(birthdates: tuple[date, ...]) -> bool:
    """常勤の看護職員その他の従業者の年齢が、平成30年3月31日において、いずれも65歳以上."""
    return bool(birthdates) and all(legal_age(b, STAFF_AGE_DAY) >= STAFF_MIN_AGE for b in birthdates)


@dataclass(frozen=True, slots=True)
class Notification:
    """A prior notification (事前届出) and the facts its category's deadline depends on."""

    category: Category
    filed_on: date
    vendor_contract_on: date | None = None  # システム整備中
    system_ready_on: date | None = None  # システム整備中: when the system is (or will be) ready
    network_available_on: date | None = None  # ネットワーク環境事情: when fibre became available
    works_end_on: date | None = None  # 改築工事: when the works end
    closure_on: date | None = None  # 廃止・休止: the planned day
    resolved_on: date | None = None  # 障害・訪問診療のみ・特に困難な事情: when it was resolved
    staff_birthdates: tuple[date, ...] = ()  # 特に困難な事情: every full-time staff member
    individually_approved: bool = False  # 特に困難な事情: accepted as like (1)–(4) (個別判断)


@dataclass(frozen=True, slots=True)
class Deadline:
    category: Category
    until: date | None  # the last day the measure covers; None: open until the event happens
    latest: date | None  # the rule's outer limit, when it has one
    rule: Note


def deadline(regime: Regime, notification: Notification) -> Deadline:
    """The end of the transitional measure the notification's category gives."""
    if notification.category not in regime.categories:
        raise InvalidValue(
            "category",
            Problem.INCONSISTENT,
            f"「{notification.category.label_ja}」はこの義務化の経過措置にありません",
            f"{notification.category.value} is not a transitional category of this obligation",
        )
    return _RULES[notification.category](regime, notification)


def _until_resolved(regime: Regime, n: Notification) -> Deadline:
    return Deadline(
        n.category,
        n.resolved_on,
        None,
        Note("事情が解消されるまで", "until the circumstance is resolved"),
    )


def _system(regime: Regime, n: Notification) -> Deadline:
    _require(n.vendor_contract_on, "vendor_contract_on", "ベンダーとの契約締結日")
    latest = latest_end(regime)
    until = min(n.system_ready_on, latest) if n.system_ready_on else latest
    return Deadline(
        n.category,
        until,
        latest,
        Note(
            f"システム整備が完了する日まで（遅くとも{format_ja(latest)}まで）",
            f"until the system is ready, at the latest {latest.isoformat()}",
        ),
    )


def _network(regime: Regime, n: Notification) -> Deadline:
    available = n.network_available_on
    until = add_months(available, NETWORK_GRACE_MONTHS) if available else None
    return Deadline(
        n.category,
        until,
        None,
        Note(
            "光回線ネットワーク環境が整備されてから6か月後まで",
            "until 6 months after a fibre network becomes available",
        ),
    )


def _renovation(regime: Regime, n: Notification) -> Deadline:
    return Deadline(n.category, n.works_end_on, None, Note("改築工事が完了するまで", "until the works end"))


def _closure(regime: Regime, n: Notification) -> Deadline:
    closure = _require(n.closure_on, "closure_on", "廃止・休止の予定日")
    latest = latest_end(regime)
    return Deadline(
        n.category,
        min(closure, latest),
        latest,
        Note(
            f"廃止・休止まで（遅くとも{format_ja(latest)}まで）",
            f"until the closure, at the latest {latest.isoformat()}",
        ),
    )


_RULES: dict[Category, Callable[[Regime, Notification], Deadline]] = {
    Category.LINE_FAILURE: _until_resolved,
    Category.SYSTEM_IN_PROGRESS: _system,
    Category.NETWORK: _network,
    Category.HOME_VISIT_ONLY: _until_resolved,
    Category.RENOVATION: _renovation,
    Category.CLOSURE: _closure,
    Category.SPECIAL_DIFFICULTY: _until_resolved,
}


def _require(value: date | None, field: str, label_ja: str) -> date:
    if value is None:
        raise InvalidValue(field, Problem.REQUIRED, f"{label_ja}を入力してください", f"{field} is required")
    return value


def category_problems(regime: Regime, n: Notification) -> tuple[Note, ...]:
    """Why the notification's category does not apply to this facility (empty: it applies)."""
    if n.category is Category.SYSTEM_IN_PROGRESS:
        return _contract_problems(regime, n)
    if n.category is Category.SPECIAL_DIFFICULTY:
        return _difficulty_problems(regime, n)
    return ()


def _contract_problems(regime: Regime, n: Notification) -> tuple[Note, ...]:
    cutoff = contract_cutoff(regime)
    if n.vendor_contract_on is not None and n.vendor_contract_on > cutoff:
        return (
            Note(
                f"ベンダーとの契約が{format_ja(cutoff)}より後のため「システム整備中」の対象外です",
                f"the vendor contract is after {cutoff.isoformat()}: system_in_progress does not apply",
            ),
        )
    return ()


def _difficulty_problems(regime: Regime, n: Notification) -> tuple[Note, ...]:
    if n.individually_approved:
        return ()
    if regime.staff_age_rule and staff_age_rule_met(n.staff_birthdates):
        return ()
    if regime.staff_age_rule and n.staff_birthdates:
        return (
            Note(
                "平成30年3月31日に65歳未満の常勤職員がいるため年齢の要件を満たさず、個別判断も受けていません",
                "a full-time staff member was under 65 on 2018-03-31 and no individual approval is recorded",
            ),
        )
    return (
        Note(
            "その他特に困難な事情は(1)～(4)と同視できるかの個別判断が必要です（未承認）",
            "special difficulty needs an individual judgement that it is like (1)–(4) (not approved)",
        ),
    )


class Status(StrEnum):
    NOT_YET_DUE = "not_yet_due"  # 義務化前
    COMPLIANT = "compliant"  # 運用開始済み
    EXEMPT = "exempt"  # 紙レセプト請求のため義務化の対象外
    TRANSITIONAL = "transitional"  # 経過措置期間中
    OVERDUE = "overdue"  # 義務違反（未導入で経過措置なし、または期限切れ）

    @property
    def label_ja(self) -> str:
        return _STATUS_LABELS[self]


_STATUS_LABELS = {
    Status.NOT_YET_DUE: "義務化前",
    Status.COMPLIANT: "導入済み",
    Status.EXEMPT: "義務化対象外（紙レセプト）",
    Status.TRANSITIONAL: "経過措置期間中",
    Status.OVERDUE: "期限超過・未対応",
}


@dataclass(frozen=True, slots=True)
class Situation:
    facility_type: FacilityType
    obligation: Obligation = Obligation.ONLINE_QUALIFICATION
    operating_since: date | None = None  # 運用開始日
    paper_claims: bool = False  # 紙レセプトでの請求が認められている
    paper_claims_refiled: bool = False  # 令和6年4月以降も続ける旨を改めて届け出た
    notification: Notification | None = None
    obligation_date: date | None = None  # overrides the regime's date (the seed gives a season)


@dataclass(frozen=True, slots=True)
class Assessment:
    status: Status
    regime: Regime
    as_of: date
    deadline: Deadline | None
    days_left: int | None  # days of the measure left after as_of, when its end is known
    reasons: tuple[Note, ...]


def assess(situation: Situation, as_of: date) -> Assessment:
    """Where the facility stands on `as_of`: compliant, exempt, transitional or overdue."""
    regime = _regime_on(situation.facility_type, situation.obligation, situation.obligation_date)
    limit = deadline(regime, situation.notification) if situation.notification else None
    status, reasons = _status(regime, situation, limit, as_of)
    left = None
    if status is Status.TRANSITIONAL and limit is not None and limit.until is not None:
        left = (limit.until - as_of).days
    return Assessment(status, regime, as_of, limit, left, reasons)


@functools.lru_cache(maxsize=4096)
def _regime_on(facility_type: FacilityType, obligation: Obligation, obligation_date: date | None) -> Regime:
    """The regime with this facility's own obligation date, when it has one (cached: the
    operator's compliance list assesses every registered facility, a few dates among them)."""
    regime = regime_for(facility_type, obligation)
    if obligation_date is None or obligation_date == regime.obligation_date:
        return regime
    return replace(regime, obligation_date=obligation_date)


_Verdict = tuple[Status, tuple[Note, ...]]


def _status(regime: Regime, situation: Situation, limit: Deadline | None, as_of: date) -> _Verdict:
    if situation.operating_since is not None and situation.operating_since <= as_of:
        since = situation.operating_since
        return Status.COMPLIANT, (
            Note(f"{format_ja(since)}に運用開始済み", f"operating since {since.isoformat()}"),
        )
    exempt, notes = _paper_claims(regime, situation, as_of)
    if exempt:
        return Status.EXEMPT, notes
    if as_of < regime.obligation_date:
        return Status.NOT_YET_DUE, (*notes, _obligation_note(regime))
    if situation.notification is None or limit is None:
        return Status.OVERDUE, (
            *notes,
            Note(
                "未導入で、経過措置の事前届出もありません", "not operating and no transitional notification"
            ),
        )
    status, more = _notified_status(regime, situation.notification, limit, as_of)
    return status, notes + more


def _notified_status(regime: Regime, n: Notification, limit: Deadline, as_of: date) -> _Verdict:
    problems = category_problems(regime, n)
    if n.filed_on > as_of:
        problems += (
            Note(
                f"事前届出は{format_ja(n.filed_on)}でまだ提出されていません",
                f"the notification is only filed on {n.filed_on.isoformat()}",
            ),
        )
    if problems:
        return Status.OVERDUE, problems
    notes: tuple[Note, ...] = ()
    if n.filed_on > regime.obligation_date:
        notes = (
            Note(
                "届出が義務化日より後です（事前届出が原則）",
                "filed after the obligation date (it should be filed beforehand)",
            ),
        )
    if limit.until is None or as_of <= limit.until:
        return Status.TRANSITIONAL, (*notes, _until_note(limit))
    return Status.OVERDUE, (
        *notes,
        Note(
            f"経過措置の期限（{format_ja(limit.until)}）を過ぎています",
            f"the transitional measure ended on {limit.until.isoformat()}",
        ),
    )


def _paper_claims(regime: Regime, situation: Situation, as_of: date) -> tuple[bool, tuple[Note, ...]]:
    if not situation.paper_claims:
        return False, ()
    if not regime.paper_claims_exempt:
        return False, (
            Note(
                "訪問看護では紙レセプト請求は義務化の例外になりません",
                "paper claims do not exempt a visiting-nursing station",
            ),
        )
    if as_of >= PAPER_REFILING_FROM and not situation.paper_claims_refiled:
        return False, (
            Note(
                "令和6年4月以降は紙レセプト請求を続ける旨の再届出が必要ですが、届出がありません",
                "from 2024-04 paper claims exempt only after a new notification, which is missing",
            ),
        )
    return True, (Note("紙レセプトでの請求が認められているため対象外", "paper claims are permitted"),)


def _obligation_note(regime: Regime) -> Note:
    day = regime.obligation_date
    return Note(f"義務化は{format_ja(day)}から", f"the obligation starts on {day.isoformat()}")


def _until_note(limit: Deadline) -> Note:
    if limit.until is None:
        return Note(
            f"経過措置中: {limit.rule.ja}（終了日未定）", f"transitional: {limit.rule.en} (no end date yet)"
        )
    return Note(
        f"経過措置中: {format_ja(limit.until)}まで",
        f"transitional until {limit.until.isoformat()}",
    )
