from datetime import date

import pytest

from onshi.domain.qualification import (
    ElderlyRecipientCertificate,
    elderly_recipient_start,
    is_preschool,
)
from tests.factories import lost, qualification


def test_valid_from_acquisition_until_the_day_before_loss() -> None:
    q = lost(date(2024, 4, 1), qualification_date=date(2010, 4, 1))
    assert not q.is_valid_on(date(2010, 3, 31))
    assert q.is_valid_on(date(2010, 4, 1))
    assert q.is_valid_on(date(2024, 3, 31))
    assert not q.is_valid_on(date(2024, 4, 1))  # 資格喪失年月日 is the first day without coverage


@pytest.mark.parametrize(
    ("birthdate", "start"),
    [
        (date(1955, 4, 1), date(2025, 4, 1)),  # born on the 1st: from the birthday
        (date(1955, 4, 2), date(2025, 5, 1)),  # otherwise the 1st of the next month
        (date(1955, 12, 15), date(2026, 1, 1)),
    ],
)
def test_elderly_recipient_start(birthdate: date, start: date) -> None:
    assert elderly_recipient_start(birthdate) == start


@pytest.mark.parametrize(
    ("birthdate", "last_preschool_day"),
    [(date(2018, 4, 1), date(2024, 3, 31)), (date(2018, 4, 2), date(2025, 3, 31))],
)
def test_preschool(birthdate: date, last_preschool_day: date) -> None:
    assert is_preschool(birthdate, last_preschool_day)
    assert not is_preschool(birthdate, date(last_preschool_day.year, 4, 1))


def test_copay_defaults_by_age() -> None:
    child = qualification(birthdate=date(2022, 6, 1))
    assert child.copay_percent_on(date(2026, 11, 23)) == 20
    adult = qualification(birthdate=date(1980, 4, 1))
    assert adult.copay_percent_on(date(2026, 11, 23)) == 30
    seventy = qualification(birthdate=date(1956, 6, 15))
    assert seventy.copay_percent_on(date(2026, 6, 30)) == 30  # 70th birthday, not yet the next month
    assert seventy.copay_percent_on(date(2026, 7, 1)) == 20
    elderly = qualification(birthdate=date(1940, 1, 1))
    assert elderly.copay_percent_on(date(2026, 11, 23)) == 10


def test_printed_ratio_and_elderly_certificate_win() -> None:
    assert (
        qualification(copay_percent=30, birthdate=date(1940, 1, 1)).copay_percent_on(date(2026, 1, 1)) == 30
    )
    certificate = ElderlyRecipientCertificate(
        valid_from=date(2026, 1, 1), valid_to=date(2027, 7, 31), copay_percent=30
    )
    high_income = qualification(birthdate=date(1955, 1, 1), elderly=certificate)
    assert high_income.copay_percent_on(date(2026, 11, 23)) == 30
