"""A consent as given (同意): who agreed, to which facility, to which items, in which context —
and the window in which the facility may view with it.

Windows (domain.md §5, seed 004):

* counter visit, online care and 往診 — this visit or use; viewing until 24 hours after the
  consent. 往診 gives no continuing relationship: every house call asks again.
* 居宅同意取得型 (home visits) — from the first visit 「初回から3か月後の末日まで」, and after
  that as long as claims (レセプト) show care by the facility in every month. We read that as:
  the relationship lasts until the end of the third month after the last month of an
  unbroken run of months with care that starts at the first visit. The first visit is care
  in its own month; a month without care ends the run for good (a later claim does not
  revive it: the patient consents again with the card). The three months' grace is the same
  one the first visit gets, and it covers the claim lag (care in May is billed in June).

A withdrawn consent (すべての同意を取消す, or the patient's update) has no window at all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from onshi.domain.consent import VIEWING_WINDOW, ConsentContext, ConsentItem
from onshi.domain.dates import JST, add_months, month_end, month_start

HOME_VISIT_GRACE_MONTHS = 3  # 初回から3か月後の末日まで


@dataclass(frozen=True, slots=True)
class ConsentGrant:
    id: int
    patient: str  # patient_key(): never the My Number
    facility_code: str
    context: ConsentContext
    items: frozenset[ConsentItem]
    given_at: datetime
    first_visit: date  # the visit the consent was given at (初回 for home visits)
    withdrawn_at: datetime | None = None

    def is_withdrawn_at(self, at: datetime) -> bool:
        return self.withdrawn_at is not None and self.withdrawn_at <= at

    def viewing_until(self, care_months: Iterable[date] = ()) -> datetime:
        """The first moment the facility may no longer view with this consent."""
        if self.context is ConsentContext.HOME_VISIT:
            last = relationship_last_day(self.first_visit, care_months)
            return datetime.combine(last + timedelta(days=1), time(), JST)
        return self.given_at + VIEWING_WINDOW

    def in_force_at(self, at: datetime, care_months: Iterable[date] = ()) -> bool:
        if self.is_withdrawn_at(at) or at < self.given_at:
            return False
        return at < self.viewing_until(care_months)


def relationship_last_day(first_visit: date, care_months: Iterable[date]) -> date:
    """The last day of a home-visit relationship (居宅同意取得型) begun at `first_visit`, given
    the months (any day in them) in which the facility's claims show care for the patient."""
    months = {month_start(day) for day in care_months}
    last_cared = month_start(first_visit)
    while add_months(last_cared, 1) in months:
        last_cared = add_months(last_cared, 1)
    return month_end(add_months(last_cared, HOME_VISIT_GRACE_MONTHS))


def patient_key(
    insurer_number: str, symbol: str, number: str, branch: str | None, individual: str | None
) -> str:
    """Whose consent and records these are: the insurer's per-human key when it sent one (it
    follows the patient across insurers, as the real system's 個人単位 history does), else the
    card key. Never derived from the My Number."""
    if individual:
        return f"P:{individual}"
    return f"K:{insurer_number}:{symbol}:{number}:{branch or ''}"
