"""Consent windows: 24 hours at the counter, the home-visit relationship month by month."""

from datetime import date, datetime, timedelta

import pytest

from onshi.domain.consent import ConsentContext, ConsentItem, parse_items
from onshi.domain.consent_grants import ConsentGrant, patient_key, relationship_last_day
from onshi.domain.dates import JST, add_months, month_end
from onshi.domain.errors import InvalidValue

GIVEN = datetime(2026, 1, 15, 10, 30, tzinfo=JST)


def grant(context: ConsentContext, **changes: object) -> ConsentGrant:
    values: dict[str, object] = {
        "id": 1,
        "patient": "P:x",
        "facility_code": "1310000017",
        "context": context,
        "items": frozenset(ConsentItem),
        "given_at": GIVEN,
        "first_visit": GIVEN.date(),
    }
    values.update(changes)
    return ConsentGrant(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "context", [ConsentContext.COUNTER, ConsentContext.ONLINE_CARE, ConsentContext.HOUSE_CALL]
)
def test_per_visit_consent_is_viewable_for_24_hours(context: ConsentContext) -> None:
    consent = grant(context)
    assert consent.in_force_at(GIVEN)
    assert consent.in_force_at(GIVEN + timedelta(hours=23, minutes=59, seconds=59))
    assert not consent.in_force_at(GIVEN + timedelta(hours=24))
    assert not consent.in_force_at(GIVEN - timedelta(seconds=1))


@pytest.mark.parametrize(
    ("first_visit", "last_day"),
    [
        (date(2026, 1, 15), date(2026, 4, 30)),  # 初回から3か月後の末日
        (date(2026, 1, 1), date(2026, 4, 30)),
        (date(2026, 1, 31), date(2026, 4, 30)),
        (date(2025, 11, 30), date(2026, 2, 28)),
        (date(2027, 11, 1), date(2028, 2, 29)),  # leap year
        (date(2026, 10, 20), date(2027, 1, 31)),
    ],
)
def test_home_visit_relationship_without_later_care(first_visit: date, last_day: date) -> None:
    assert relationship_last_day(first_visit, []) == last_day


def test_every_month_of_care_adds_a_month() -> None:
    cared = [date(2026, 2, 3), date(2026, 3, 10), date(2026, 4, 2)]
    assert relationship_last_day(date(2026, 1, 15), cared) == date(2026, 7, 31)


def test_a_month_without_care_ends_the_run_for_good() -> None:
    cared = [date(2026, 2, 3), date(2026, 4, 2), date(2026, 5, 2)]  # no March
    assert relationship_last_day(date(2026, 1, 15), cared) == date(2026, 5, 31)


def test_care_before_the_first_visit_or_in_its_month_adds_nothing() -> None:
    assert relationship_last_day(date(2026, 1, 15), [date(2025, 12, 1), date(2026, 1, 20)]) == date(
        2026, 4, 30
    )


def test_home_visit_window_boundaries() -> None:
    consent = grant(ConsentContext.HOME_VISIT)
    assert consent.in_force_at(datetime(2026, 4, 30, 23, 59, 59, tzinfo=JST))
    assert not consent.in_force_at(datetime(2026, 5, 1, tzinfo=JST))
    assert consent.in_force_at(datetime(2026, 5, 1, tzinfo=JST), [date(2026, 2, 1)])


def test_withdrawn_consent_has_no_window() -> None:
    consent = grant(ConsentContext.HOME_VISIT, withdrawn_at=GIVEN + timedelta(days=2))
    assert consent.in_force_at(GIVEN + timedelta(days=1))
    assert not consent.in_force_at(GIVEN + timedelta(days=2))


def test_month_helpers() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 3, 15), -3) == date(2025, 12, 15)
    assert month_end(date(2024, 2, 10)) == date(2024, 2, 29)


def test_patient_key_prefers_the_individual_key() -> None:
    assert patient_key("06130012", "1", "2", "01", "ABC") == "P:ABC"
    assert patient_key("06130012", "", "2", None, None) == "K:06130012::2:"


def test_parse_items_refuses_unknown_codes() -> None:
    assert parse_items(["surgery", " checkup"]) == {ConsentItem.SURGERY, ConsentItem.CHECKUP}
    with pytest.raises(InvalidValue):
        parse_items(["surgery", "genome"])
