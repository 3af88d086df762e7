"""The adoption-intent survey of seed 002 (別添3): its rules as the questionnaire states them, and the tally."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityType
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.survey import Category, Condition, Reason, Response, read_answer, tally

NO_PLANS = {"plans": "no", "reasons": ["running_costs", "small_scale"], "conditions": ["support"],
            "condition_support": "機器の無償貸与"}  # fmt: skip


def test_the_questionnaire_has_the_seed_choices() -> None:
    assert len(Reason) == 8 and Reason.CLOSING.label_ja == "1～2年以内に閉院・閉局する可能性が高いため"
    assert len(Condition) == 5 and Condition.CARD_SPREAD.label_ja == "マイナンバーカードの普及率の向上"
    assert [c.has_detail for c in Condition] == [True, False, False, True, True]  # 例えば（…）/ その他（…）


def test_a_facility_without_plans_gives_reasons() -> None:
    answer = read_answer(NO_PLANS, FacilityType.MEDICAL_CLINIC)
    assert not answer.plans and answer.reasons == (Reason.RUNNING_COSTS, Reason.SMALL_SCALE)
    assert answer.condition_details == ((Condition.SUPPORT, "機器の無償貸与"),)
    assert answer.beds is None


def test_a_hospital_with_plans_gives_the_month_and_beds() -> None:
    values = {
        "plans": "yes",
        "planned_year": "2022",
        "planned_month": "10",
        "conditions": "card_spread",
        "beds": "120",
    }
    answer = read_answer(values, FacilityType.HOSPITAL)
    assert answer.plans and answer.planned_month == date(2022, 10, 1) and answer.beds == 120


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"plans": ""}, "plans"),  # 問1 unanswered
        ({"reasons": []}, "reasons"),  # 問2 needs a reason when 問1 is ない
        ({"plans": "yes", "planned_year": "2023", "planned_month": "4"}, "reasons"),  # reasons only for ない
        ({"reasons": ["other"]}, "reason_other"),  # その他 needs its text
        ({"reason_other": "院長が高齢"}, "reason_other"),  # … and the text needs その他
        ({"conditions": ["support", "card_spread", "others_use"]}, "conditions"),  # 上位2つまで
        ({"conditions": []}, "conditions"),
        ({"conditions": ["card_spread"]}, "condition_support"),  # 例えば without choosing it
        ({"reasons": ["unknown"]}, "reasons"),
    ],
)
def test_refusals_name_the_question(changes: dict[str, object], field: str) -> None:
    with pytest.raises(FormInvalid) as invalid:
        read_answer({**NO_PLANS, **changes}, FacilityType.DENTAL_CLINIC)
    assert field in invalid.value.by_field()


def test_a_hospital_gives_its_beds_and_a_station_is_not_asked() -> None:
    with pytest.raises(FormInvalid) as invalid:
        read_answer(NO_PLANS, FacilityType.HOSPITAL)
    assert "beds" in invalid.value.by_field()
    with pytest.raises(InvalidValue):
        read_answer(NO_PLANS, FacilityType.VISITING_NURSING)


def test_tally_by_reason_prefecture_and_category() -> None:
    no = read_answer(NO_PLANS, FacilityType.MEDICAL_CLINIC)
    busy = read_answer({**NO_PLANS, "reasons": ["busy", "running_costs"]}, FacilityType.PHARMACY)
    yes = read_answer({"plans": "yes", "planned_year": "2022", "planned_month": "9", "conditions": ["card_spread"]},
                      FacilityType.PHARMACY)  # fmt: skip
    result = tally([
        Response(no, Category.MEDICAL_CLINIC, "13"), Response(busy, Category.PHARMACY, "13"),
        Response(yes, Category.PHARMACY, "27"),
    ])  # fmt: skip
    assert (result.total.responses, result.total.plans, result.total.no_plans) == (3, 1, 2)
    assert result.total.reasons[Reason.RUNNING_COSTS] == 2 and result.total.reasons[Reason.BUSY] == 1
    assert result.total.top_reason() is Reason.RUNNING_COSTS
    assert list(result.by_prefecture) == ["13", "27"]
    assert result.by_prefecture["13"].no_plans == 2 and result.by_prefecture["27"].plans == 1
    assert result.by_category[Category.PHARMACY].responses == 2
    assert result.planned_months == {date(2022, 9, 1): 1}
    assert result.condition_texts == [(Condition.SUPPORT, "機器の無償貸与")] * 2
