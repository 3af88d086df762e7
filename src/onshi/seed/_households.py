"""Household composition: which kind of insurance a household has, and who is in it.

A household is the unit that shares one card number: the insured person and dependants in
employee insurance, the 世帯 in 国保, or one person (sometimes a couple sharing an address,
each with their own number) in 後期高齢者医療. Weights are tuned so that the members add up
to Japan's insurer mix (by members) and an age pyramid close to the 2023 estimates.
"""

from __future__ import annotations

import random
from bisect import bisect
from itertools import accumulate

KYOKAI, KUMIAI, KYOSAI, SENIN, JIEIKAN, KOKUHO, KOKUHO_KUMIAI, KOUKI = range(8)
EMPLOYEE_GROUPS = frozenset({KYOKAI, KUMIAI, KYOSAI, SENIN, JIEIKAN})


# Households per group (not members): members ≈ 32 / 23 / 7 / 0.1 / 0.2 / 20 / 2 / 15 %.
_GROUP_WEIGHTS = (21.1, 14.6, 4.3, 0.065, 0.23, 13.4, 1.1, 13.4)
_GROUP_CUMULATIVE = tuple(accumulate(_GROUP_WEIGHTS))

# Head age bins (first age, last age, weight).
_AgeBins = tuple[tuple[int, int, float], ...]
_EMPLOYEE_HEAD: _AgeBins = (
    (18, 19, 1.0),
    (20, 24, 5.8),
    (25, 29, 8.4),
    (30, 34, 8.2),
    (35, 39, 8.8),
    (40, 44, 9.8),
    (45, 49, 11.6),
    (50, 54, 11.6),
    (55, 59, 9.6),
    (60, 64, 7.6),
    (65, 69, 4.4),
    (70, 74, 2.0),
)
_KOKUHO_HEAD: _AgeBins = (
    (18, 19, 0.6),
    (20, 24, 4.8),
    (25, 29, 4.2),
    (30, 34, 3.6),
    (35, 39, 3.6),
    (40, 44, 3.8),
    (45, 49, 4.6),
    (50, 54, 4.8),
    (55, 59, 5.0),
    (60, 64, 9.0),
    (65, 69, 17.0),
    (70, 74, 34.0),
)
_KUMIAI_HEAD: _AgeBins = (
    (22, 29, 6.0),
    (30, 39, 12.0),
    (40, 49, 15.0),
    (50, 59, 15.0),
    (60, 69, 12.0),
    (70, 74, 4.0),
)
_LATE_ELDERLY: _AgeBins = (
    (75, 79, 72.0),
    (80, 84, 59.0),
    (85, 89, 41.0),
    (90, 94, 20.0),
    (95, 99, 5.8),
    (100, 105, 0.9),
)


# A member: (age on as_of, female, twin — born on the same day as the member before). The
# head comes first; plain tuples keep the hot path cheap.
Member = tuple[int, bool, bool]


class _Sampler:
    def __init__(self, bins: _AgeBins) -> None:
        self.bins = bins
        self.cumulative = tuple(accumulate(weight for _, _, weight in bins))

    def age(self, rng: random.Random) -> int:
        low, high, _ = self.bins[bisect(self.cumulative, rng.random() * self.cumulative[-1])]
        return low + int(rng.random() * (high - low + 1))


_EMPLOYEE = _Sampler(_EMPLOYEE_HEAD)
_KOKUHO = _Sampler(_KOKUHO_HEAD)
_KOKUHO_KUMIAI = _Sampler(_KUMIAI_HEAD)
_LATE = _Sampler(_LATE_ELDERLY)


def _spouse_probability(age: int, female_head: bool, employee: bool) -> float:
    if female_head:
        return 0.02 if employee else 0.25
    if employee:
        return 0.04 if age < 25 else 0.22 if age < 30 else 0.34 if age < 60 else 0.40
    return 0.12 if age < 30 else 0.40 if age < 50 else 0.55


def _children(rng: random.Random, head_age: int, female_head: bool, employee: bool) -> list[Member]:
    draw = rng.random()
    if female_head and employee:
        count = 0 if draw < 0.72 else 1 if draw < 0.87 else 2 if draw < 0.97 else 3
    else:
        count = 0 if draw < 0.42 else 1 if draw < 0.64 else 2 if draw < 0.93 else 3
    children: list[Member] = []
    age = head_age - 27 - int(rng.random() * 11)
    for _ in range(count):
        twin = bool(children) and rng.random() < 0.02
        if twin:
            age = children[-1][0]
        if age < 0:
            break
        if age <= 18 or (age <= 22 and rng.random() < 0.6):
            children.append((age, rng.random() < 0.488, twin))
        age -= 1 + int(rng.random() * 4)
    return children


def plan(rng: random.Random) -> tuple[int, list[Member]]:
    """The group (KYOKAI…KOUKI) of a new household and its members, head first."""
    group = bisect(_GROUP_CUMULATIVE, rng.random() * _GROUP_CUMULATIVE[-1])
    if group == KOUKI:
        age = _LATE.age(rng)
        female = rng.random() < _late_female_share(age)
        if rng.random() < 0.25:
            spouse_age = age + _age_gap(rng, female)
            if spouse_age >= 75:
                return group, [(age, female, False), (min(spouse_age, 105), not female, False)]
        return group, [(age, female, False)]
    if group == JIEIKAN:
        return group, [(18 + int(rng.random() ** 1.6 * 38), rng.random() < 0.08, False)]
    employee = group in EMPLOYEE_GROUPS
    sampler = _KOKUHO if group == KOKUHO else _KOKUHO_KUMIAI if group == KOKUHO_KUMIAI else _EMPLOYEE
    age = sampler.age(rng)
    female = rng.random() < (0.40 if employee else 0.45)
    members: list[Member] = [(age, female, False)]
    if age >= 20 and rng.random() < _spouse_probability(age, female, employee):
        spouse_age = age + _age_gap(rng, female)
        if 18 <= spouse_age < 75:
            members.append((spouse_age, not female, False))
    if 22 <= age <= 62:
        members.extend(_children(rng, age, female and len(members) == 1, employee))
    if employee and 40 <= age <= 60 and rng.random() < 0.02:  # a dependent parent
        parent_age = age + 25 + int(rng.random() * 10)
        if parent_age < 75:
            members.append((parent_age, rng.random() < 0.7, False))
    return group, members


def _age_gap(rng: random.Random, female: bool) -> int:
    """Spouse's age minus the head's: husbands are about two years older (triangular, sd ≈ 3)."""
    return round((rng.random() - rng.random()) * 7.0 + (2.0 if female else -2.0))


def _late_female_share(age: int) -> float:
    return 0.54 if age < 80 else 0.58 if age < 85 else 0.65 if age < 90 else 0.76
