from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.consent import ConsentItem
from onshi.reader.answers import ConsentSpec

ON = date(2026, 11, 23)
OLD, YOUNG = date(1950, 1, 1), date(2000, 1, 1)


def test_all_follows_the_age_rule() -> None:
    choices, dropped = ConsentSpec.parse("all").resolve(YOUNG, ON)
    assert ConsentItem.CHECKUP not in choices.agreed
    assert not dropped
    assert ConsentSpec.parse("ALL").resolve(OLD, ON)[0].agreed == frozenset(ConsentItem)


def test_items_and_none() -> None:
    assert ConsentSpec.parse("none").resolve(OLD, ON)[0].agreed == frozenset()
    choices, _ = ConsentSpec.parse("surgery, limit").resolve(OLD, ON)
    assert choices.agreed == {ConsentItem.SURGERY, ConsentItem.LIMIT}


def test_a_checkup_consent_under_40_is_dropped_and_said_so() -> None:
    choices, dropped = ConsentSpec.parse("checkup,disease").resolve(YOUNG, ON)
    assert (choices.agreed, dropped) == ({ConsentItem.DISEASE}, True)


def test_unknown_items_are_named() -> None:
    with pytest.raises(ValueError, match="surgeon"):
        ConsentSpec.parse("surgeon")
