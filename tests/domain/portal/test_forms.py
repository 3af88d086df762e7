"""The portal's forms: registration, applications, the add-on calculator's inputs, free text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.addon_form import read_visits
from onshi.domain.portal.addons import Period, estimate
from onshi.domain.portal.applications import read_details
from onshi.domain.portal.fields import FormInvalid, Reader
from onshi.domain.portal.onboarding import Application
from onshi.domain.portal.registration import check_login, check_password, read_registration

TODAY = date(2024, 5, 10)
REGISTRATION = {"facility_code": "１３１１２３４５６７", "name": "さくら内科", "facility_type": "medical_clinic",
                "email": "office@sakura.example"}  # fmt: skip


def test_registration_reads_and_derives_the_obligation_day() -> None:
    registration = read_registration(REGISTRATION)
    assert registration.code.digits == "1311234567" and registration.obligated_from == date(2023, 4, 1)
    later = read_registration({**REGISTRATION, "opened_on": "令和6年7月1日"})
    assert later.obligated_from == date(2024, 7, 1)
    assert read_registration({**REGISTRATION, "paper_claims": "1"}).obligated_from is None


@pytest.mark.parametrize(
    ("changes", "fields"),
    [
        ({"facility_code": "131123456"}, {"facility_code"}),
        ({"facility_type": "pharmacy"}, {"facility_type"}),  # 点数表番号 1 is not a pharmacy
        (
            {"facility_code": "1361234567", "facility_type": "visiting_nursing", "paper_claims": "1"},
            {"paper_claims"},
        ),
        ({"name": "", "email": "no-at-sign"}, {"name", "email"}),
        ({"name": "個人番号 123456789012 の件"}, {"name"}),  # a 12-digit number is refused everywhere
    ],
)
def test_registration_refusals(changes: dict[str, str], fields: set[str]) -> None:
    with pytest.raises(FormInvalid) as invalid:
        read_registration({**REGISTRATION, **changes})
    assert set(invalid.value.by_field()) == fields


def test_passwords_and_logins() -> None:
    check_password("kakunin-2024")
    for weak in ("short1", "onlyletterslong", "1234567890123"):
        with pytest.raises(InvalidValue):
            check_password(weak)
    assert check_login("Sakura-Group") == "sakura-group"
    for bad in ("ab", "1234567", "さくら", "a" * 33):
        with pytest.raises(InvalidValue):
            check_login(bad)


def test_application_details() -> None:
    reader = read_details(Application.CARD_READER, {"readers": "3", "contact_name": "佐藤", "phone": "03-1234-5678"},
                          FacilityType.MEDICAL_CLINIC, TODAY)  # fmt: skip
    assert reader == {"readers": 3, "model": "any", "contact_name": "佐藤", "phone": "03-1234-5678"}
    with pytest.raises(FormInvalid) as invalid:  # a clinic asks for at most 5 readers, a hospital 50
        read_details(Application.CARD_READER, {"readers": "6", "model": "x", "contact_name": "佐藤", "phone": "1"},
                     FacilityType.MEDICAL_CLINIC, TODAY)  # fmt: skip
    assert set(invalid.value.by_field()) == {"readers", "model", "phone"}
    usage = {"representative": "桜井", "contact_name": "佐藤", "phone": "0312345678", "email": "a@b.jp", "vendor": "V",
             "online_claims": True, "planned_start": "2024-09"}  # fmt: skip
    assert read_details(Application.USAGE, usage, FacilityType.HOSPITAL, TODAY)["planned_start"] == "2024-09"
    with pytest.raises(FormInvalid) as invalid:
        read_details(Application.USAGE, {**usage, "planned_start": "2024-04"}, FacilityType.HOSPITAL, TODAY)
    assert set(invalid.value.by_field()) == {"planned_start"}  # the past


def test_the_add_on_form_reproduces_the_seed_model_cases() -> None:
    clinic, day = read_visits({"facility_type": "medical_clinic", "per": "day", "first_visits": "3", "revisits": "20",
                               "days_per_month": "20", "card_rate": "42.4%", "online_claims": "1", "operating": "1",
                               "as_of": "2022-06-01"})  # fmt: skip
    result = estimate(clinic, day)
    assert (result.with_card.points, result.with_card.yen_per_month, result.with_card.yen_per_year) == (
        43,
        8600,
        103200,
    )
    assert result.insurance_card_only.yen_per_year == 21600
    pharmacy, day = read_visits({"facility_type": "pharmacy", "per": "month", "patients": "795", "card_rate": "42.4",
                                 "online_claims": "on", "operating": "on", "as_of": "2022-06-01"})  # fmt: skip
    assert pharmacy.per is Period.MONTH and pharmacy.card_rate_percent == Decimal("42.4")
    result = estimate(pharmacy, day)
    assert (result.with_card.points, result.with_card.yen_per_month, result.with_card.yen_per_year) == (
        1011,
        10110,
        121320,
    )
    assert result.insurance_card_only.yen_per_year == 31800
    with pytest.raises(FormInvalid) as invalid:
        read_visits(
            {"facility_type": "clinic", "card_rate": "142", "days_per_month": "40", "first_visits": "x"}
        )
    assert set(invalid.value.by_field()) == {"facility_type", "card_rate", "days_per_month", "first_visits"}


def test_the_reader_bounds_what_it_reads() -> None:
    form = Reader({"n": "9" * 5000, "t": "a\x00b", "long": "x" * 101, "many": ["a", "b"], "flag": False})
    assert form.integer("n", "数", 0, 10) is None  # no 5000-digit int is ever built
    assert form.text("t", "文字") == "ab"  # control characters dropped
    assert form.text("long", "長い") == "" and form.values_of("many") == ["a", "b"] and not form.flag("flag")
    assert [e.problem for e in form.errors] == [Problem.BAD_FORMAT, Problem.TOO_LONG]
