from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.consent import ConsentChoices, ConsentItem, items_for, validate
from onshi.domain.errors import InvalidValue

ON = date(2026, 11, 23)
FORTY = date(1986, 11, 23)  # 40 today
THIRTY_NINE = date(1986, 11, 24)


def test_checkup_is_offered_from_age_40() -> None:
    assert ConsentItem.CHECKUP in items_for(FORTY, ON)
    assert ConsentItem.CHECKUP not in items_for(THIRTY_NINE, ON)


def test_agree_to_all_leaves_out_checkups_under_40() -> None:
    assert ConsentChoices.agree_to_all(FORTY, ON).agreed == frozenset(ConsentItem)
    under = ConsentChoices.agree_to_all(THIRTY_NINE, ON)
    assert under.agreed == frozenset(ConsentItem) - {ConsentItem.CHECKUP}


def test_checkup_consent_under_40_is_refused() -> None:
    validate(ConsentChoices.of([ConsentItem.CHECKUP]), FORTY, ON)
    with pytest.raises(InvalidValue, match="checkup"):
        validate(ConsentChoices.of([ConsentItem.CHECKUP]), THIRTY_NINE, ON)


def test_flags_name_every_item() -> None:
    flags = ConsentChoices.of([ConsentItem.LIMIT]).as_flags()
    assert flags == {"surgery": False, "treatment": False, "checkup": False, "limit": True, "disease": False}
