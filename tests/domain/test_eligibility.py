"""Every validity case (OQSCD006 1–5) and its boundary dates."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.codes import ReasonOfLoss, Validity
from onshi.domain.eligibility import NumberQuery, Reason, decide, successor_lookup, with_successors
from onshi.domain.qualification import Qualification
from tests.factories import KENPO, KYOKAI_TOKYO, key, lost, qualification

BIRTH = date(1980, 4, 1)


def query(on: date, branch: str | None = None, birthdate: date = BIRTH) -> NumberQuery:
    return NumberQuery(KYOKAI_TOKYO, "123", "456", branch, birthdate, on)


class TestValid:
    def test_on_the_acquisition_date(self) -> None:
        verdict = decide(query(date(2010, 4, 1)), [qualification()])
        assert (verdict.validity, verdict.reason) == (Validity.VALID, Reason.VALID)
        assert verdict.message_ja == ""

    def test_day_before_loss(self) -> None:
        verdict = decide(query(date(2024, 3, 31)), [lost(date(2024, 4, 1))])
        assert verdict.validity is Validity.VALID

    def test_card_expired_is_still_valid_but_said(self) -> None:
        card = qualification(card_valid_to=date(2025, 7, 31))
        verdict = decide(query(date(2025, 8, 1)), [card])
        assert (verdict.validity, verdict.reason) == (Validity.VALID, Reason.VALID_CARD_EXPIRED)
        assert "有効期限" in verdict.message_ja

    def test_overlapping_periods_take_the_latest_acquisition(self) -> None:
        old = qualification(qualification_date=date(2010, 4, 1))
        new = qualification(qualification_date=date(2020, 4, 1), insured_name="新")
        verdict = decide(query(date(2021, 1, 1)), [old, new])
        assert verdict.subject == new

    def test_reacquired_under_the_same_numbers(self) -> None:
        periods = [lost(date(2015, 4, 1)), qualification(qualification_date=date(2016, 4, 1))]
        assert decide(query(date(2020, 1, 1)), periods).subject == periods[1]


class TestInvalid:
    def test_on_the_loss_date(self) -> None:
        verdict = decide(query(date(2024, 4, 1)), [lost(date(2024, 4, 1), ReasonOfLoss.DEATH)])
        assert (verdict.validity, verdict.reason) == (Validity.INVALID, Reason.LOST)
        assert "2024年4月1日" in verdict.message_ja
        assert "死亡" in verdict.message_ja

    def test_before_acquisition(self) -> None:
        verdict = decide(query(date(2010, 3, 31)), [qualification()])
        assert (verdict.validity, verdict.reason) == (Validity.INVALID, Reason.NOT_YET_ACQUIRED)
        assert "資格取得日" in verdict.message_ja

    def test_gap_before_a_later_period_under_the_same_numbers_is_newer(self) -> None:
        periods = [lost(date(2015, 4, 1)), qualification(qualification_date=date(2016, 4, 1))]
        verdict = decide(query(date(2015, 6, 1)), periods)
        assert (verdict.validity, verdict.reason) == (Validity.INVALID_NEWER_EXISTS, Reason.LOST_NEWER_EXISTS)
        assert verdict.newer_since == date(2016, 4, 1)


class TestNewerQualificationElsewhere:
    def test_job_change_gives_3(self) -> None:
        old = lost(date(2024, 4, 1), ReasonOfLoss.OTHER_INSURANCE, individual_key="P1")
        verdict = decide(query(date(2024, 5, 1)), [old])
        lookup = successor_lookup(verdict)
        assert lookup is not None
        assert lookup.individual_key == "P1"
        new = qualification(
            key=key(KENPO, "77", "1"), qualification_date=date(2024, 4, 1), individual_key="P1"
        )
        upgraded = with_successors(verdict, [new])
        assert upgraded.validity is Validity.INVALID_NEWER_EXISTS
        assert upgraded.newer_since == date(2024, 4, 1)
        assert "新しい資格があります" in upgraded.message_ja
        assert (
            upgraded.subject == old
        )  # the result lists the matched (old) qualification, not the new insurer's

    def test_an_older_qualification_elsewhere_is_not_newer(self) -> None:
        old = lost(date(2024, 4, 1), individual_key="P1")
        earlier = qualification(
            key=key(KENPO, "77", "1"), qualification_date=date(2000, 4, 1), individual_key="P1"
        )
        assert with_successors(decide(query(date(2024, 5, 1)), [old]), [earlier]).validity is Validity.INVALID

    def test_no_lookup_without_an_individual_key_or_when_valid(self) -> None:
        assert successor_lookup(decide(query(date(2024, 5, 1)), [lost(date(2024, 4, 1))])) is None
        assert successor_lookup(decide(query(date(2020, 1, 1)), [qualification(individual_key="P1")])) is None


class TestNotFound:
    def test_no_such_numbers(self) -> None:
        verdict = decide(query(date(2024, 1, 1)), [])
        assert (verdict.validity, verdict.reason) == (Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS)
        assert verdict.results == ()

    def test_birth_date_does_not_match(self) -> None:
        verdict = decide(query(date(2024, 1, 1), birthdate=date(1980, 4, 2)), [qualification()])
        assert (verdict.validity, verdict.reason) == (Validity.NOT_FOUND, Reason.BIRTHDATE_MISMATCH)
        assert "生年月日が一致しません" in verdict.message_ja

    def test_branch_does_not_match(self) -> None:
        verdict = decide(query(date(2024, 1, 1), branch="01"), [qualification()])
        assert (verdict.validity, verdict.reason) == (Validity.NOT_FOUND, Reason.BRANCH_MISMATCH)

    def test_branch_is_ignored_for_cards_without_one(self) -> None:
        late_elderly = qualification(key=key(branch=None))
        assert decide(query(date(2024, 1, 1), branch="00"), [late_elderly]).validity is Validity.VALID


class TestMultiple:
    def twins(self) -> list[Qualification]:
        return [
            qualification(key=key(branch="01"), name="山田　一郎", birthdate=date(2015, 5, 5)),
            qualification(key=key(branch="02"), name="山田　二郎", birthdate=date(2015, 5, 5)),
        ]

    def test_twins_without_branch(self) -> None:
        verdict = decide(query(date(2024, 1, 1), birthdate=date(2015, 5, 5)), self.twins())
        assert (verdict.validity, verdict.reason) == (Validity.MULTIPLE, Reason.AMBIGUOUS)
        assert len(verdict.results) == 2
        assert verdict.subject is None
        assert "枝番" in verdict.message_ja

    def test_twins_with_branch(self) -> None:
        verdict = decide(query(date(2024, 1, 1), branch="02", birthdate=date(2015, 5, 5)), self.twins())
        assert verdict.validity is Validity.VALID
        assert verdict.subject is not None
        assert verdict.subject.name == "山田　二郎"

    def test_family_members_are_told_apart_by_birth_date(self) -> None:
        family = [qualification(), qualification(key=key(branch="01"), birthdate=date(2012, 1, 1))]
        assert decide(query(date(2024, 1, 1)), family).subject == family[0]


@pytest.mark.parametrize("reason", list(Reason))
def test_every_reason_has_messages(reason: Reason) -> None:
    cases = {
        Reason.VALID: (query(date(2020, 1, 1)), [qualification()]),
        Reason.VALID_CARD_EXPIRED: (query(date(2020, 1, 1)), [qualification(card_valid_to=date(2019, 1, 1))]),
        Reason.LOST: (query(date(2020, 1, 1)), [lost(date(2019, 1, 1))]),
        Reason.LOST_NEWER_EXISTS: (
            query(date(2020, 1, 1)),
            [lost(date(2019, 1, 1)), qualification(qualification_date=date(2021, 1, 1))],
        ),
        Reason.NOT_YET_ACQUIRED: (query(date(2000, 1, 1)), [qualification()]),
        Reason.NO_SUCH_NUMBERS: (query(date(2020, 1, 1)), []),
        Reason.BRANCH_MISMATCH: (query(date(2020, 1, 1), branch="09"), [qualification()]),
        Reason.BIRTHDATE_MISMATCH: (query(date(2020, 1, 1), birthdate=date(1999, 1, 1)), [qualification()]),
        Reason.AMBIGUOUS: (
            query(date(2020, 1, 1)),
            [qualification(), qualification(key=key(branch="01"))],
        ),
    }
    verdict = decide(*cases[reason])
    assert verdict.reason is reason
    assert bool(verdict.message_ja) is (reason is not Reason.VALID)
    assert bool(verdict.message_en) is (reason is not Reason.VALID)


periods = st.lists(
    st.tuples(st.integers(0, 3000), st.one_of(st.none(), st.integers(1, 2000))), min_size=1, max_size=4
)


@given(periods, st.integers(0, 6000))
def test_valid_exactly_when_some_period_covers_the_day(
    spans: list[tuple[int, int | None]], offset: int
) -> None:
    start = date(2000, 1, 1)
    family = [
        qualification(
            qualification_date=start + timedelta(days=begin),
            disqualification_date=None if length is None else start + timedelta(days=begin + length),
        )
        for begin, length in spans
    ]
    on = start + timedelta(days=offset)
    verdict = decide(query(on), family)
    assert (verdict.validity is Validity.VALID) == any(q.is_valid_on(on) for q in family)
    assert verdict.validity in (Validity.VALID, Validity.INVALID, Validity.INVALID_NEWER_EXISTS)
    if verdict.validity is Validity.VALID:
        assert verdict.subject is not None
        assert verdict.subject.is_valid_on(on)
