"""Which emergency switches cover a facility, and what a switch may name."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from onshi.domain.dates import JST
from onshi.domain.emergency import (
    Scope,
    Switch,
    covering,
    in_force_for,
    parse_reason,
    parse_scope,
    parse_target,
)
from onshi.domain.errors import InvalidValue, Problem

ON = datetime(2026, 11, 23, 9, 0, tzinfo=JST)
OFF = ON + timedelta(hours=3)


def switch(scope: Scope, target: str, off: datetime | None = None, number: int = 1) -> Switch:
    return Switch(number, scope, target, "障害", ON, "operator", off, "operator" if off else None)


F, P = Scope.FACILITY, Scope.PREFECTURE


@pytest.mark.parametrize(
    ("scope", "target", "facility", "at", "covered"),
    [
        (F, "1310000017", "1310000017", ON, True),  # its own switch, from the moment it is on
        (F, "1310000017", "1310000025", ON, False),  # another facility's
        (P, "13", "1310000017", ON, True),  # its prefecture (first two digits of the code)
        (P, "13", "1340000012", ON, True),  # a pharmacy of the same prefecture
        (P, "14", "1310000017", ON, False),  # another prefecture
        (P, "01", "1310000017", ON, False),
        (P, "13", "0113000017", ON, False),  # '13' elsewhere in the code is not the prefecture
        (P, "13", "1310000017", ON - timedelta(seconds=1), False),  # before switch-on
        (F, "1310000017", "1310000017", ON + timedelta(days=2), True),  # on until switched off
    ],
)
def test_a_switch_that_is_on_covers_its_facility_or_prefecture(
    scope: Scope, target: str, facility: str, at: datetime, covered: bool
) -> None:
    assert (covering([switch(scope, target)], facility, at) != []) is covered


@pytest.mark.parametrize(
    ("at", "covered"),
    [(ON, True), (OFF - timedelta(seconds=1), True), (OFF, False), (OFF + timedelta(days=1), False)],
)
def test_a_switched_off_switch_covers_only_while_it_was_on(at: datetime, covered: bool) -> None:
    assert (in_force_for([switch(P, "13", OFF)], "1310000017", at) is not None) is covered


def test_the_facility_switch_is_named_before_the_prefecture_switch() -> None:
    prefecture = switch(P, "13", number=1)
    own = Switch(2, F, "1310000017", "院内ネットワーク障害", ON + timedelta(hours=1), "op")
    other = switch(F, "1310000025", number=3)
    assert covering([prefecture, own, other], "1310000017", OFF) == [own, prefecture]
    assert in_force_for([prefecture, own, other], "1310000017", OFF) == own
    assert in_force_for([other], "1310000017", OFF) is None


@pytest.mark.parametrize(
    ("scope", "text", "expected"),
    [
        (F, "1310000017", "1310000017"),
        (F, "１３１０００００１７", "1310000017"),  # full-width digits, as typed
        (P, "13", "13"),
        (P, " 01 ", "01"),
        (P, "４７", "47"),
    ],
)
def test_targets_are_read_in_their_canonical_form(scope: Scope, text: str, expected: str) -> None:
    assert parse_target(scope, text) == expected


@pytest.mark.parametrize(
    ("scope", "text", "problem"),
    [
        (F, "131000001", Problem.BAD_FORMAT),  # 9 digits
        (F, "13", Problem.BAD_FORMAT),  # a prefecture is not a facility
        (F, "4810000017", Problem.UNKNOWN_CODE),  # no prefecture 48
        (F, "1350000017", Problem.UNKNOWN_CODE),  # fee-table digit 5
        (P, "1310000017", Problem.BAD_FORMAT),  # a facility is not a prefecture
        (P, "1", Problem.BAD_FORMAT),
        (P, "00", Problem.UNKNOWN_CODE),
        (P, "48", Problem.UNKNOWN_CODE),
        (P, "", Problem.BAD_FORMAT),
    ],
)
def test_bad_targets_are_refused(scope: Scope, text: str, problem: Problem) -> None:
    with pytest.raises(InvalidValue) as refused:
        parse_target(scope, text)
    assert (refused.value.field, refused.value.problem) == ("target", problem)


def test_scope_and_reason() -> None:
    assert parse_scope("Prefecture") is P
    with pytest.raises(InvalidValue):
        parse_scope("region")
    assert parse_reason("  通信障害  ") == "通信障害"
    with pytest.raises(InvalidValue):
        parse_reason("   ")
    with pytest.raises(InvalidValue):
        parse_reason("x" * 501)
    assert switch(P, "13").target_label_ja == "13（東京都）"
