"""The utilisation rate: 名寄せ, the claim-month offset and the insurer kinds of seed 000 1-3."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from onshi.domain.insurer import InsurerKind as K
from onshi.domain.statistics.utilisation import (
    CardUse,
    UtilisationRate,
    billing_month_of,
    care_month_of,
    combined,
    counts_toward_rate,
    name_matched_users,
)

OCT, NOV = date(2023, 10, 1), date(2023, 11, 1)
CLINIC, PHARMACY = "1310000017", "1340000015"


def use(patient: str, facility: str = CLINIC, month: date = OCT, kind: K | None = K.KYOKAI_KENPO) -> CardUse:
    return CardUse(facility, month, patient, kind)


def test_a_person_counts_once_per_facility_and_month_however_often_confirmed() -> None:
    uses = [
        use("P:alice"), use("P:alice"), use("P:alice"),  # three visits in October
        use("P:bob"),
        use("P:alice", facility=PHARMACY),  # the same person at another facility: counted there
        use("P:alice", month=NOV),  # and in another month
    ]  # fmt: skip
    assert name_matched_users(uses) == {(CLINIC, OCT): 2, (PHARMACY, OCT): 1, (CLINIC, NOV): 1}


def test_a_job_changer_under_two_card_keys_is_one_person() -> None:
    """Patient keys follow the insurer's individual key: the old and new card keys of one human
    give the same key, so two confirmations under two insurers are one user."""
    uses = [use("P:carol", kind=K.KYOKAI_KENPO), use("P:carol", kind=K.KENPO_KUMIAI), use("K:01130012:1:2:")]
    assert name_matched_users(uses) == {(CLINIC, OCT): 2}


@pytest.mark.parametrize(
    ("kind", "counted"),
    [
        (K.KYOKAI_KENPO, True), (K.SENIN, True), (K.KENPO_KUMIAI, True), (K.KYOSAI, True),
        (K.TOKUREI_TAISHOKU, True), (K.KOKUHO, True), (K.KOKUHO_KUMIAI, True), (K.TAISHOKU, True),
        (K.KOUKI_KOUREI, True),
        (K.JIEIKAN, False), (K.HIYATOI, False), (None, False), ("public_expense", False),
    ],
)  # fmt: skip
def test_the_insurer_kinds_of_the_rate(kind: K | str | None, counted: bool) -> None:
    """被用者保険者（自衛官、日雇、公費除く）、国保保険者、後期高齢者広域連合."""
    assert counts_toward_rate(kind) is counted
    assert name_matched_users([use("P:x", kind=kind if isinstance(kind, K) else None)]) == (
        {(CLINIC, OCT): 1} if counted else {}
    )


def test_october_users_are_divided_by_the_claims_billed_in_november() -> None:
    rate = UtilisationRate(OCT, users=45, claims=300)
    assert rate.billing_month == NOV == billing_month_of(OCT)
    assert care_month_of(NOV) == OCT
    assert billing_month_of(date(2023, 12, 1)) == date(2024, 1, 1)
    assert rate.rate == Decimal("15.00")


def test_no_claims_no_rate() -> None:
    assert UtilisationRate(OCT, 10, None).rate is None  # no claims data for the billing month
    assert UtilisationRate(OCT, 10, 0).rate is None  # none billed
    assert UtilisationRate(OCT, 1, 3).rate == Decimal("33.33")
    with pytest.raises(ValueError, match="negative"):
        UtilisationRate(OCT, -1, 3)


def test_a_group_counts_only_facilities_with_claims_data() -> None:
    group = combined(
        OCT, [UtilisationRate(OCT, 10, 100), UtilisationRate(OCT, 30, 100), UtilisationRate(OCT, 50, None)]
    )
    assert (group.users, group.claims, group.rate) == (40, 200, Decimal("20.00"))
    assert combined(OCT, [UtilisationRate(OCT, 5, None)]).rate is None
