"""Prior notifications as the portal reads them, and the operator's compliant / exempt / overdue
verdicts (the rules themselves are table-tested in test_transitional.py, from seed 004)."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.facility import FacilityType
from onshi.domain.portal.compliance import (
    FacilityFacts,
    NotNeeded,
    counts,
    facts_of,
    judge,
    notification_from,
    read_notification,
)
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.registration import obligated_from
from onshi.domain.portal.transitional import Category, Status

OBLIGED = date(2023, 4, 1)
NURSING = date(2024, 12, 2)


def clinic(**changes: object) -> FacilityFacts:
    values: dict[str, object] = {
        "code": "1310000017", "name": "テスト診療所", "facility_type": FacilityType.MEDICAL_CLINIC,
        "prefecture_code": "13", "obligated_from": OBLIGED, "operating_since": None, "notification": None,
    }  # fmt: skip
    values.update(changes)
    return FacilityFacts(**values)  # type: ignore[arg-type]


def test_obligation_day_from_type_opening_and_paper_claims() -> None:
    assert obligated_from(FacilityType.MEDICAL_CLINIC, None, False) == OBLIGED
    assert obligated_from(FacilityType.PHARMACY, date(2024, 6, 1), False) == date(2024, 6, 1)  # opened later
    assert obligated_from(FacilityType.HOSPITAL, date(2020, 1, 1), False) == OBLIGED
    assert obligated_from(FacilityType.DENTAL_CLINIC, None, True) is None  # 紙レセプト: exempt
    assert obligated_from(FacilityType.VISITING_NURSING, None, False) == NURSING


def test_network_notification_deadline_and_verdicts() -> None:
    notification, limit, remarks = read_notification(
        {"category": "network", "network_available_on": "2023-05-15"}, FacilityType.MEDICAL_CLINIC, OBLIGED, None,
        date(2023, 3, 20),
    )  # fmt: skip
    assert notification.category is Category.NETWORK and notification.filed_on == date(2023, 3, 20)
    assert limit.until == date(2023, 11, 15) and remarks == ()  # 6か月後まで
    stored = notification_from("network", notification.filed_on, facts_of(notification), approved=False)
    assert stored == notification
    facts = clinic(notification=stored)
    assert judge(facts, date(2023, 11, 15)).status is Status.TRANSITIONAL
    assert judge(facts, date(2023, 11, 16)).status is Status.OVERDUE
    assert (
        judge(clinic(operating_since=date(2023, 10, 1), notification=stored), date(2023, 11, 16)).status
        is Status.COMPLIANT
    )


def test_without_notification_overdue_without_obligation_exempt() -> None:
    assert judge(clinic(), date(2023, 4, 1)).status is Status.OVERDUE
    assert judge(clinic(), date(2023, 3, 31)).status is Status.NOT_YET_DUE
    assert judge(clinic(obligated_from=None), date(2023, 4, 1)).status is Status.EXEMPT
    verdicts = [judge(clinic(), date(2023, 4, 1)), judge(clinic(obligated_from=None), date(2023, 4, 1))]
    assert counts(verdicts)[Status.OVERDUE] == 1 and counts(verdicts)[Status.EXEMPT] == 1


def test_a_late_vendor_contract_is_refused_at_filing() -> None:
    values = {
        "category": "system_in_progress",
        "vendor_contract_on": "2023-03-10",
        "system_ready_on": "2023-06-30",
    }
    with pytest.raises(FormInvalid) as invalid:
        read_notification(values, FacilityType.PHARMACY, OBLIGED, None, date(2023, 3, 20))
    assert "vendor_contract_on" in invalid.value.by_field()  # after 令和5年2月末
    ok = {**values, "vendor_contract_on": "2023-02-28"}
    _, limit, _ = read_notification(ok, FacilityType.PHARMACY, OBLIGED, None, date(2023, 3, 20))
    assert limit.until == date(2023, 6, 30) and limit.latest == date(2023, 9, 30)


def test_special_difficulty_waits_for_the_age_rule_or_a_judgement() -> None:
    staff = {"category": "special_difficulty", "staff_birthdates": "1950-01-01\n1953-04-01"}
    notification, _, remarks = read_notification(
        staff, FacilityType.VISITING_NURSING, NURSING, None, date(2024, 11, 1)
    )
    assert notification.staff_birthdates == (date(1950, 1, 1), date(1953, 4, 1)) and remarks == ()
    young = {**staff, "staff_birthdates": "1950-01-01\n1960-01-01"}
    notification, _, remarks = read_notification(
        young, FacilityType.VISITING_NURSING, NURSING, None, date(2024, 11, 1)
    )
    assert remarks  # pending the operator's individual judgement
    facts = clinic(
        facility_type=FacilityType.VISITING_NURSING, obligated_from=NURSING, notification=notification
    )
    assert judge(facts, date(2025, 1, 1)).status is Status.OVERDUE
    approved = notification_from(
        "special_difficulty", notification.filed_on, facts_of(notification), approved=True
    )
    assert judge(clinic(facility_type=FacilityType.VISITING_NURSING, obligated_from=NURSING, notification=approved),
                 date(2025, 1, 1)).status is Status.TRANSITIONAL  # fmt: skip


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"category": "closure"}, "closure_on"),  # 廃止・休止の予定日 required
        ({"category": "home_visit_only"}, "category"),  # not a pharmacy's category
        ({"category": "nonsense"}, "category"),
        ({"category": "network", "network_available_on": "2023-02-30"}, "network_available_on"),
    ],
)
def test_bad_notifications_name_the_field(values: dict[str, object], field: str) -> None:
    with pytest.raises(FormInvalid) as invalid:
        read_notification(values, FacilityType.PHARMACY, OBLIGED, None, date(2023, 3, 20))
    assert field in invalid.value.by_field()


def test_no_notification_is_needed_when_operating_or_exempt() -> None:
    with pytest.raises(NotNeeded):
        read_notification({"category": "network"}, FacilityType.PHARMACY, None, None, date(2023, 3, 20))
    with pytest.raises(NotNeeded):
        read_notification(
            {"category": "network"}, FacilityType.PHARMACY, OBLIGED, date(2023, 1, 1), date(2023, 3, 20)
        )
