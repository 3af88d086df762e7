"""Prior notifications (経過措置の事前届出) filed in the portal, and who is compliant, exempt or
overdue on a day — the portal's use of `transitional`, which holds the rules.

A facility's obligation day is `facilities.obligated_from` (set at registration from its type,
opening day and paper claims; None: not obligated, i.e. exempt). Its operation start comes from
the onboarding (運用開始日), its notification is the latest it filed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from onshi.domain.dates import format_ja
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.fields import FormInvalid, Reader
from onshi.domain.portal.transitional import (
    Assessment,
    Category,
    Deadline,
    Notification,
    Obligation,
    Situation,
    Status,
    assess,
    category_problems,
    deadline,
    regime_for,
)
from onshi.domain.portal.values import Note

MAX_STAFF = 100
# The facts each category's deadline needs, and their labels (the form shows these).
FACTS: dict[Category, tuple[tuple[str, str], ...]] = {
    Category.SYSTEM_IN_PROGRESS: (
        ("vendor_contract_on", "ベンダーとの契約締結日"),
        ("system_ready_on", "システム整備の完了（予定）日"),
    ),
    Category.NETWORK: (("network_available_on", "光回線が整備された日（未整備なら空欄）"),),
    Category.RENOVATION: (("works_end_on", "改築工事の完了（予定）日"),),
    Category.CLOSURE: (("closure_on", "廃止・休止の予定日"),),
    Category.HOME_VISIT_ONLY: (("resolved_on", "事情が解消した日（未解消なら空欄）"),),
    Category.SPECIAL_DIFFICULTY: (("resolved_on", "事情が解消した日（未解消なら空欄）"),),
    Category.LINE_FAILURE: (("resolved_on", "障害が解消した日（未解消なら空欄）"),),
}
ALL_FACTS = tuple(dict.fromkeys(name for facts in FACTS.values() for name, _ in facts))


class NotNeeded(Exception):
    """A notification this facility does not need (not obligated, or already operating)."""

    def __init__(self, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.message_ja = message_ja
        self.message_en = message_en


def categories_for(facility_type: FacilityType) -> tuple[Category, ...]:
    return regime_for(facility_type, Obligation.ONLINE_QUALIFICATION).categories


def read_notification(
    values: Mapping[str, object],
    facility_type: FacilityType,
    obligated_from: date | None,
    operating_since: date | None,
    today: date,
) -> tuple[Notification, Deadline, tuple[Note, ...]]:
    """The notification filed today, its deadline and any remark (e.g. an individual judgement
    pending). Raises FormInvalid, or NotNeeded when the facility needs none."""
    _needed(obligated_from, operating_since, today)
    regime = regime_for(facility_type, Obligation.ONLINE_QUALIFICATION)
    form = Reader(values)
    category = form.choice("category", Category, "経過措置の区分")
    if category is not None and category not in regime.categories:
        form.refuse(
            "category",
            Problem.INCONSISTENT,
            f"「{category.label_ja}」はこの施設の区分にありません",
            "not a category of this facility",
        )
    days = {name: form.day(name, label) for name, label in _facts_of(category)}
    staff = _staff(form) if category is Category.SPECIAL_DIFFICULTY and regime.staff_age_rule else ()
    form.done()
    assert category is not None
    notification = _notification(category, today, days, staff, approved=False)
    try:
        limit = deadline(regime, notification)
    except InvalidValue as error:
        raise FormInvalid([error]) from None
    problems = category_problems(regime, notification)
    if category is Category.SYSTEM_IN_PROGRESS and problems:
        raise FormInvalid(
            [InvalidValue("vendor_contract_on", Problem.INCONSISTENT, problems[0].ja, problems[0].en)]
        )
    return notification, limit, problems


def _needed(obligated_from: date | None, operating_since: date | None, today: date) -> None:
    if obligated_from is None:
        raise NotNeeded(
            "義務化の対象外（紙レセプト請求等）のため、事前届出は不要です",
            "not obligated (paper claims): no notification is needed",
        )
    if operating_since is not None and operating_since <= today:
        raise NotNeeded(
            f"{format_ja(operating_since)}に運用開始済みのため、事前届出は不要です",
            "already operating: no notification is needed",
        )


def _facts_of(category: Category | None) -> tuple[tuple[str, str], ...]:
    return FACTS.get(category, ()) if category is not None else ()


def _staff(form: Reader) -> tuple[date, ...]:
    """常勤職員の生年月日 (one per line): the age rule of category (5) for visiting nursing."""
    lines = [
        line.strip() for line in form.raw("staff_birthdates").replace(",", "\n").splitlines() if line.strip()
    ]
    if len(lines) > MAX_STAFF:
        form.refuse("staff_birthdates", Problem.TOO_LONG, f"{MAX_STAFF}人までです", f"at most {MAX_STAFF}")
        return ()
    days = []
    for index, line in enumerate(lines, start=1):
        sub = Reader({"day": line})
        day = sub.day("day", f"{index}人目の生年月日")
        if day is None:
            form.refuse(
                "staff_birthdates",
                Problem.BAD_FORMAT,
                f"{index}行目の生年月日が読めません: {line[:20]!r}",
                f"line {index} is not a date",
            )
        else:
            days.append(day)
    return tuple(days)


def facts_of(notification: Notification) -> dict[str, object]:
    """What is stored beside the category and filing day (JSON-ready)."""
    stored: dict[str, object] = {
        name: value.isoformat() for name in ALL_FACTS if (value := getattr(notification, name)) is not None
    }
    if notification.staff_birthdates:
        stored["staff_birthdates"] = [d.isoformat() for d in notification.staff_birthdates]
    return stored


def notification_from(
    category: str, filed_on: date, facts: Mapping[str, object], approved: bool
) -> Notification:
    """Back from storage."""
    days = {name: date.fromisoformat(str(facts[name])) for name in ALL_FACTS if facts.get(name)}
    listed = facts.get("staff_birthdates")
    staff = tuple(date.fromisoformat(str(d)) for d in listed) if isinstance(listed, list) else ()
    return _notification(Category(category), filed_on, days, staff, approved)


def _notification(
    category: Category,
    filed_on: date,
    days: Mapping[str, date | None],
    staff: tuple[date, ...],
    approved: bool,
) -> Notification:
    return Notification(
        category,
        filed_on,
        vendor_contract_on=days.get("vendor_contract_on"),
        system_ready_on=days.get("system_ready_on"),
        network_available_on=days.get("network_available_on"),
        works_end_on=days.get("works_end_on"),
        closure_on=days.get("closure_on"),
        resolved_on=days.get("resolved_on"),
        staff_birthdates=staff,
        individually_approved=approved,
    )


# --- the operator's view -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FacilityFacts:
    code: str
    name: str
    facility_type: FacilityType
    prefecture_code: str
    obligated_from: date | None
    operating_since: date | None
    notification: Notification | None


@dataclass(frozen=True, slots=True)
class Verdict:
    facts: FacilityFacts
    status: Status
    deadline: Deadline | None
    days_left: int | None
    reasons: tuple[Note, ...]


EXEMPT_NOTE = Note("義務化の対象外（紙レセプト請求等）", "not obligated (e.g. paper claims)")


def judge(facts: FacilityFacts, as_of: date) -> Verdict:
    if facts.obligated_from is None:
        since = facts.operating_since
        if since is not None and since <= as_of:  # operating anyway: say so, as assess() does
            note = Note(
                f"{format_ja(since)}に運用開始済み（義務化の対象外）", f"operating since {since.isoformat()}"
            )
            return Verdict(facts, Status.COMPLIANT, None, None, (note,))
        return Verdict(facts, Status.EXEMPT, None, None, (EXEMPT_NOTE,))
    situation = Situation(
        facts.facility_type,
        operating_since=facts.operating_since,
        notification=facts.notification,
        obligation_date=facts.obligated_from,
    )
    found: Assessment = assess(situation, as_of)
    return Verdict(facts, found.status, found.deadline, found.days_left, found.reasons)


def counts(verdicts: Iterable[Verdict]) -> dict[Status, int]:
    counted = Counter(verdict.status for verdict in verdicts)
    return {status: counted.get(status, 0) for status in Status}
