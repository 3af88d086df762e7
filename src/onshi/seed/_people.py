"""People of one household: names, birth dates, sexes, addresses and individual keys."""

from __future__ import annotations

import random
from bisect import bisect
from datetime import date
from itertools import accumulate

from onshi.domain.prefectures import PREFECTURES
from onshi.seed._calendar import MAX_AGE, Calendar
from onshi.seed._households import Member
from onshi.seed.names import FOREIGN_NAMES, SURNAME_VARIANTS, SURNAME_WEIGHTS, SURNAMES, given_names
from onshi.seed.places import (
    BUILDING_NAMES,
    KANJI_NUMERALS,
    PLACE_TABLE_BITS,
    TOWN_NAMES,
    Municipality,
    place_table,
)

_KEY_MASK = (1 << 40) - 1
_SURNAME_BITS = 13  # surnames drawn from a 2**13-slot table in proportion to their frequency
_GAIJI_SHARE = 0.075  # of people whose surname has a 外字/IVS spelling: ~1 % of all names
_FOREIGN_SHARE = 0.03  # of young single-person households in 協会けんぽ/国保


class Person:
    """One human of the population (the same on every row of theirs)."""

    __slots__ = ("age", "birth", "born", "income", "kana", "key", "name", "other", "other_kana", "sex")

    def __init__(
        self, key: str, age: int, sex: str, birth: date, name: str, kana: str, income: float
    ) -> None:
        self.key = key
        self.age = age  # on as_of
        self.sex = sex
        self.birth = birth
        self.born = birth.toordinal()
        self.name = name
        self.kana = kana
        self.income = income  # uniform draw; low = 現役並み所得 (30 % copay)
        self.other = ""  # 通称名 of some foreign residents
        self.other_kana = ""

    @property
    def elderly_ratio(self) -> str:
        """高齢受給者証 copay: 030 for ~10 % (現役並み), else 020."""
        return "030" if self.income < 0.1 else "020"

    @property
    def late_ratio(self) -> str:
        """後期高齢者 copay: 010 / 020 / 030 for ~85 / 10 / 5 %."""
        income = self.income
        return "030" if income < 0.05 else "020" if income < 0.15 else "010"


class PeopleFactory:
    """Makes the people and addresses of households; counts people (`index`) for the keys."""

    def __init__(self, rng: random.Random, calendar: Calendar) -> None:
        self.rng = rng
        self.cal = calendar
        self.index = 0
        self.key_multiplier = rng.randrange(1 << 39) * 2 + 1
        self.key_offset = rng.randrange(1 << 40)
        self.places = place_table()
        self.prefecture_names = tuple(p.name_ja for p in PREFECTURES)
        cumulative = tuple(accumulate(SURNAME_WEIGHTS))
        slots = 1 << _SURNAME_BITS
        self.surname_table = tuple(
            SURNAMES[bisect(cumulative, (i + 0.5) / slots * cumulative[-1])] for i in range(slots)
        )
        first = calendar.as_of.year - MAX_AGE - 1
        self.given = tuple(
            {year: given_names(female, year) for year in range(first, calendar.as_of.year + 1)}
            for female in (False, True)
        )

    def place(self) -> Municipality:
        return self.places[self.rng.getrandbits(PLACE_TABLE_BITS)]

    def other_place(self, home: Municipality) -> Municipality:
        """Where a household lived before moving: another municipality (often another prefecture)."""
        for _ in range(20):
            place = self.place()
            if place.insurer != home.insurer or place.prefecture_index != home.prefecture_index:
                return place
        raise AssertionError("a different municipality is always found")

    def address(self, place: Municipality) -> tuple[str, str]:
        """Prefecture + municipality + 町名 + 丁目・番地 (three common spellings), sometimes a flat."""
        bits = self.rng.getrandbits(64)  # one draw, sliced: town, numbers, style, flat, post code
        town = TOWN_NAMES[(bits & 0xFFFF) % len(TOWN_NAMES)]
        chome, ban, go = 1 + (bits >> 16) % 5, 1 + (bits >> 19) % 30, 1 + (bits >> 24) % 25
        style = (bits >> 29) % 20
        if style < 9:
            street = f"{town}{chome}丁目{ban}番{go}号"
        elif style < 12:
            street = f"{town}{KANJI_NUMERALS[chome]}丁目{ban}番地{go}"
        else:
            street = f"{town}{chome}-{ban}-{go}"
        flat = (bits >> 34) % 20
        if flat < 6:
            building = BUILDING_NAMES[(bits >> 39) % len(BUILDING_NAMES)]
            room = (1 + (bits >> 44) % 8) * 100 + 1 + (bits >> 47) % 6
            street += f"\u3000{building}{room}号室" if flat < 4 else f" {building} {room}"
        post = f"{place.post3}-{(bits >> 50) % 10000:04d}"
        return f"{self.prefecture_names[place.prefecture_index]}{place.locality}{street}", post

    def household(self, members: list[Member], foreign_allowed: bool) -> list[Person]:
        """People sharing one surname (sometimes spelt with 外字); each with an exact age on as_of,
        a given name of their generation and a key "P" + 10 hex digits (a bijection of the index)."""
        random = self.rng.random
        surname, surname_kana = self.surname_table[self.rng.getrandbits(_SURNAME_BITS)]
        variants = SURNAME_VARIANTS.get(surname)
        if variants is not None and random() < _GAIJI_SHARE:
            surname = variants[int(random() * len(variants))]
        low, span, given_by_year = self.cal.birth_low, self.cal.birth_span, self.given
        index, multiplier, offset = self.index, self.key_multiplier, self.key_offset
        people: list[Person] = []
        for age, female, twin in members:
            if twin and people:
                birth = people[-1].birth
            else:
                birth = date.fromordinal(low[age] + int(random() * span[age]))
            names = given_by_year[female][birth.year]
            given, given_kana = names[int(random() * len(names))]
            if twin and people and people[-1].name.endswith(given):
                given, given_kana = names[(names.index((given, given_kana)) + 1) % len(names)]
            draw = random()  # one draw: the rare sex code 3 and income (現役並み) go together by design
            sex = "3" if draw < 0.0002 else "2" if female else "1"
            key = f"P{(index * multiplier + offset) & _KEY_MASK:010X}"
            index += 1
            people.append(
                Person(key, age, sex, birth, f"{surname}\u3000{given}", f"{surname_kana} {given_kana}", draw)
            )
        self.index = index
        if foreign_allowed and len(people) == 1 and 18 <= people[0].age <= 45 and random() < _FOREIGN_SHARE:
            self._foreign(people[0])
        return people

    def _foreign(self, person: Person) -> None:
        choices = [entry for entry in FOREIGN_NAMES if (entry[4] == "2") == (person.sex == "2")]
        name, kana, other, other_kana, _ = choices[int(self.rng.random() * len(choices))]
        person.name, person.kana, person.other, person.other_kana = name, kana, other, other_kana
