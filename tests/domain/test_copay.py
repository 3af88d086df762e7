"""The patient's copay with insurance, high-cost limits and public expense, as table tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pytest

from onshi.domain.codes import LimitCategory, Sex
from onshi.domain.copay import MonthToDate, Visit, copay, high_cost_limit, qualification_visit, ratio_share
from onshi.domain.facility import FacilityType
from onshi.domain.public_expense import CareSetting, CopayTerms, Entitlement, Identity, Payer, PayerNumber
from onshi.domain.public_expense import RecipientNumber as Number
from onshi.domain.qualification import LimitCertificate
from tests.factories import qualification

DAY = date(2025, 5, 12)
PERSON = Identity("山田　花子", "ヤマダ ハナコ", date(2015, 6, 1), Sex.FEMALE)
OUT, IN = CareSetting.OUTPATIENT, CareSetting.INPATIENT


def _entitlement(
    payer: Payer, recipient: str, terms: CopayTerms | None = None, **changes: object
) -> Entitlement:
    values: dict[str, object] = {"valid_from": date(2025, 4, 1), "valid_to": date(2026, 3, 31), **changes}
    return Entitlement(payer, Number.parse(recipient), identity=PERSON, terms=terms or CopayTerms(), **values)  # type: ignore[arg-type]


CHILD_FREE = _entitlement(
    Payer.of(PayerNumber.parse("88130018"), "新宿区", programme_name="子ども医療費助成"), "1234566"
)
CHILD_200 = _entitlement(
    Payer.of(PayerNumber.parse("88130018"), "新宿区", terms=CopayTerms(per_visit_yen=200)), "1234566"
)
NANBYO_5000 = _entitlement(
    Payer.of(PayerNumber.parse("54136015"), "東京都"), "7654320", CopayTerms(monthly_cap_yen=5000)
)
NANBYO_10000 = _entitlement(
    Payer.of(PayerNumber.parse("54136015"), "東京都"), "7654320", CopayTerms(monthly_cap_yen=10000)
)
WELFARE = _entitlement(Payer.of(PayerNumber.parse("12136016"), "新宿福祉事務所"), "1111111")
WELFARE_SELF_PAY = _entitlement(
    Payer.of(PayerNumber.parse("12136016"), "新宿福祉事務所"),
    "1111111",
    CopayTerms(percent=100, monthly_cap_yen=3000),
)
MENTAL = _entitlement(
    Payer.of(PayerNumber.parse("21136015"), "東京都"), "2222222", CopayTerms(monthly_cap_yen=5000)
)
EXPIRED = _entitlement(
    Payer.of(PayerNumber.parse("88130018"), "新宿区"), "1234566", valid_to=date(2025, 3, 31)
)


@dataclass(frozen=True)
class Case:
    name: str
    amount: int
    percent: int | None
    entitlements: tuple[Entitlement, ...]
    patient: int
    public: tuple[int, ...] = ()  # what each applied entitlement pays, in priority order
    limit: LimitCategory | None = None
    setting: CareSetting = OUT
    month: MonthToDate = field(default_factory=MonthToDate)


CASES = [
    Case("3割, no public expense", 12_345, 30, (), 3_700),
    Case("preschool 2割, child subsidy free", 5_000, 20, (CHILD_FREE,), 0, (1_000,)),
    Case("school age 3割, child subsidy 200 per visit", 5_000, 30, (CHILD_200,), 200, (1_300,)),
    Case("child subsidy 200, share already smaller", 500, 30, (CHILD_200,), 150, (0,)),
    Case("child subsidy no longer valid", 5_000, 30, (EXPIRED,), 1_500),
    Case("難病 2割 within the cap", 10_000, 30, (NANBYO_5000,), 2_000, (1_000,)),
    Case("難病 2割 capped at 5,000", 30_000, 30, (NANBYO_5000,), 5_000, (4_000,)),
    Case("難病 cap with 4,000 paid this month", 30_000, 30, (NANBYO_5000,), 1_000, (8_000,),
         month=MonthToDate(paid_toward={NANBYO_5000.key: 4_000})),
    Case("難病 cap reached earlier this month", 30_000, 30, (NANBYO_5000,), 0, (9_000,),
         month=MonthToDate(paid_toward={NANBYO_5000.key: 5_000})),
    Case("難病 for a 1割 elderly patient: 1割 stays", 10_000, 10, (NANBYO_5000,), 1_000, (0,)),
    Case("生活保護 without insurance: nothing to pay", 8_000, None, (WELFARE,), 0, (8_000,)),
    Case("生活保護 with employee insurance 3割 (併用)", 8_000, 30, (WELFARE,), 0, (2_400,)),
    Case("生活保護 with 本人支払額 3,000", 50_000, None, (WELFARE_SELF_PAY,), 3_000, (47_000,)),
    Case("high-cost ウ at 1,000,000", 1_000_000, 30, (), 87_430, limit=LimitCategory.A03),
    Case("high-cost ウ after 80,000 borne this month", 100_000, 30, (), 1_430, limit=LimitCategory.A03,
         month=MonthToDate(amount_yen=300_000, share_yen=80_000)),
    Case("high-cost 70+ 一般, outpatient 18,000", 100_000, 20, (), 18_000, limit=LimitCategory.B04),
    Case("high-cost 70+ 一般, inpatient 57,600", 400_000, 20, (), 57_600, limit=LimitCategory.B04, setting=IN),
    Case("難病 cap below the high-cost limit", 1_000_000, 30, (NANBYO_10000,), 10_000, (77_430,),
         limit=LimitCategory.A03, setting=IN),
    Case("難病 then child subsidy: both in priority order", 30_000, 30, (CHILD_FREE, NANBYO_5000), 0,
         (4_000, 5_000)),
    Case("精神通院 does not cover inpatient care", 20_000, 30, (MENTAL,), 6_000, setting=IN),
    Case("精神通院 1割 outpatient", 20_000, 30, (MENTAL,), 2_000, (4_000,)),
]  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_copay(case: Case) -> None:
    visit = Visit(DAY, case.amount, case.setting, case.percent, case.limit, FacilityType.HOSPITAL)
    result = copay(visit, case.entitlements, case.month)
    assert result.patient_pays_yen == case.patient
    assert tuple(share.pays_yen for share in result.public_expense) == case.public
    assert result.insurer_pays_yen + sum(case.public) + case.patient == case.amount


def test_rounding_and_limits() -> None:
    assert [ratio_share(amount, 30) for amount in (1_234, 1_235, 1_250)] == [370, 370, 380]
    assert high_cost_limit(LimitCategory.A01, OUT, 1_000_000) == 254_180
    assert high_cost_limit(LimitCategory.A03, OUT, 200_000) == 80_100
    assert high_cost_limit(LimitCategory.B06, IN, 1_000_000) == 15_000


def test_what_was_not_applied_is_reported() -> None:
    result = copay(Visit(DAY, 20_000, IN, 30), [MENTAL, EXPIRED])
    assert result.not_applied == (MENTAL, EXPIRED)
    assert result.patient_pays_yen == 6_000
    with pytest.raises(ValueError, match="negative"):
        copay(Visit(DAY, -1, OUT, 30), [])


def test_a_qualification_s_limit_category_counts_only_with_consent_and_while_valid() -> None:
    limit = LimitCertificate(
        category=LimitCategory.A04, valid_from=date(2025, 4, 1), valid_to=date(2026, 3, 31)
    )
    person = qualification(birthdate=date(1980, 4, 1), limit=limit)
    consented = qualification_visit(person, DAY, 300_000, IN, limit_consented=True)
    assert (consented.insurance_percent, consented.limit_category) == (30, LimitCategory.A04)
    assert copay(consented, []).patient_pays_yen == 57_600
    assert qualification_visit(person, DAY, 300_000, IN).limit_category is None
    later = qualification_visit(person, date(2026, 4, 1), 300_000, IN, limit_consented=True)
    assert later.limit_category is None and copay(later, []).patient_pays_yen == 90_000
