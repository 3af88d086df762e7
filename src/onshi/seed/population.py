"""The synthetic population of Japan as insurer-feed rows (`onshi.feeds.insurer_csv`).

Households are generated one after another and streamed: nothing is kept but per-insurer
card counters. Each household gets a kind of insurance (協会けんぽ, 健保組合, 共済, 船員,
自衛官, 市町村国保, 国保組合, 後期高齢者), members with ages from a realistic pyramid, names,
an address in a prefecture weighted by population, and a history:

* job changers (~5 % of people): the old qualification lost with reason 03 on the day the
  new one (another insurer) starts — a few of them start after `as_of`; people who turned 75
  in the last year likewise leave 国保/協会けんぽ for 後期高齢者医療 on their 75th birthday;
* moves between municipalities (国保, 後期): the old one lost with reason 99, a new one;
* deaths (01, mostly the elderly), welfare starts (02) and other losses (99) with nothing newer.

Everyone carries an opaque `individual_key` ("P" + 10 hex digits) linking their rows.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterator, Sequence
from datetime import date
from operator import itemgetter

from onshi.domain.dates import age_on
from onshi.domain.insurer import InsurerKind
from onshi.domain.qualification import is_preschool
from onshi.feeds.insurer_csv import ALL_COLUMNS
from onshi.seed import certificates
from onshi.seed._calendar import (
    CYCLE_ENDS,
    CYCLE_STARTS,
    LATE_ELDERLY_SYSTEM_START,
    Calendar,
    anniversary,
    month_start,
    months_later_end,
)
from onshi.seed._households import (
    JIEIKAN,
    KOKUHO,
    KOKUHO_KUMIAI,
    KOUKI,
    KUMIAI,
    KYOKAI,
    KYOSAI,
    SENIN,
    plan,
)
from onshi.seed._people import PeopleFactory, Person
from onshi.seed.insurers import SeedInsurer, as_written, card_numbers, registry
from onshi.seed.names import HALF_WIDTH_NAMES
from onshi.seed.places import Municipality

__all__ = ["COLUMNS", "population_csv", "population_rows"]

COLUMNS: tuple[str, ...] = ALL_COLUMNS
Row = dict[str, str]
Stint = tuple[int, int | None, str] | None  # (start, end or None, reason of loss) of one person

_P_JOB_CHANGE = 0.056
_P_MOVE = 0.006
_P_OTHER_LOSS = 0.003
_P_WELFARE = 0.008
_LIMIT_SHARE = 0.03
_SPECIFIC_DISEASE_SHARE = 0.003
_YEAR = 365
_EMPTY_ROW = dict.fromkeys(COLUMNS, "")
# Per position in a household: 枝番 (employee insurance counts from 00, 国保 from 01) and 本人/家族.
_BRANCHES: tuple[str, ...] = tuple(f"{n:02d}" for n in range(100))
_BRANCHES_FROM_ONE: tuple[str, ...] = _BRANCHES[1:]
_FAMILY_CODES: tuple[str, ...] = ("1",) + ("2",) * 99
_NO_CODES: tuple[str, ...] = ("",) * 100
_CONFIRMATION_DOCUMENTS = date(2024, 12, 2).toordinal()  # 資格確認書 replace new insurance cards
# Chance that a 後期高齢者 died in the year before as_of, by age (75..95+).
_LATE_DEATHS = tuple(
    0.025 if a < 80 else 0.045 if a < 85 else 0.09 if a < 90 else 0.17 if a < 95 else 0.3 for a in range(96)
)


class _LineBuffer:
    """Receives the single write() that csv.writer makes per row."""

    __slots__ = ("line",)

    def __init__(self) -> None:
        self.line = ""

    def write(self, text: str) -> None:
        self.line = text


class _Population:
    def __init__(self, seed: int, as_of: date) -> None:
        self.rng = random.Random(seed)
        self.cal = Calendar(as_of)
        self.today = self.cal.today
        self.registry = registry()
        self.serials = [0] * len(self.registry.insurers)
        self.people = PeopleFactory(self.rng, self.cal)

    # -- insurers -------------------------------------------------------------------------

    def _insurer(self, group: int, place: Municipality) -> SeedInsurer:
        rng, reg, pref = self.rng, self.registry, place.prefecture_index
        if group == KYOKAI:
            return reg.kyokai[pref]
        if group == KUMIAI:
            return (reg.kumiai_local[pref] if rng.random() < 0.5 else reg.kumiai_national).pick(rng)
        if group == KYOSAI:
            return (reg.kyosai_local[pref] if rng.random() < 0.72 else reg.kyosai_national).pick(rng)
        if group == SENIN:
            return reg.senin
        if group == JIEIKAN:
            return reg.jieikan.pick(rng)
        if group == KOKUHO:
            return reg.kokuho[pref][place.position]
        if group == KOKUHO_KUMIAI:
            return reg.kokuho_kumiai[pref].pick(rng)
        return reg.kouki[pref]

    def _previous_insurer(self, group: int, place: Municipality, current: SeedInsurer) -> SeedInsurer:
        """The insurer a job changer left: employees come from other employers or 国保; 国保 members
        from employment (retirement, job loss)."""
        draw = self.rng.random()
        if group == KOKUHO:
            old = KYOKAI if draw < 0.6 else KUMIAI if draw < 0.9 else KYOSAI
        elif group == KOKUHO_KUMIAI:
            old = KYOKAI if draw < 0.5 else KOKUHO
        else:
            old = KOKUHO if draw < 0.15 else KYOKAI if draw < 0.6 else KUMIAI if draw < 0.92 else KYOSAI
        insurer = self._insurer(old, place)
        while insurer.number == current.number:
            insurer = self.registry.kumiai_national.pick(self.rng)
        return insurer

    def _card(self, insurer: SeedInsurer) -> tuple[str, str]:
        serial = self.serials[insurer.index]
        self.serials[insurer.index] = serial + 1
        symbol, number = card_numbers(insurer, serial)
        return as_written(symbol, number, self.rng.random())

    # -- rows -----------------------------------------------------------------------------

    def _emit(
        self, insurer: SeedInsurer, people: Sequence[Person], stints: Sequence[Stint], address: str, post: str
    ) -> list[Row]:
        """The rows of one card (one membership of a household), or of each 後期 member."""
        rng, cal, today = self.rng, self.cal, self.today
        random, texts = rng.random, cal.texts
        kind = insurer.kind
        late, employee = insurer.late, insurer.employee
        template = _EMPTY_ROW.copy()
        template["insurer_number"] = insurer.number
        template["insurer_name"] = insurer.name
        template["insured_card_classification"] = "07" if kind is InsurerKind.JIEIKAN else "01"
        template["address"] = address
        template["post_number"] = post
        if kind is InsurerKind.KOKUHO:
            if random() < 0.02:
                template["insurer_number"] = insurer.number.rjust(8)  # as on the wire
            draw = random()
            if draw < 0.012:
                template["insured_card_classification"] = "03" if draw < 0.01 else "05"  # 短期証, 資格証明書
        if late:
            branches = families = _NO_CODES
        else:
            template["insured_card_symbol"], template["insured_identification_number"] = self._card(insurer)
            template["insured_name"] = people[0].name
            branches = _BRANCHES if employee else _BRANCHES_FROM_ONE
            families = _FAMILY_CODES if insurer.family else _NO_CODES
        cycle_starts, cycle_ends, half_width = CYCLE_STARTS, CYCLE_ENDS, HALF_WIDTH_NAMES
        rows = []
        for position, person in enumerate(people):
            stint = stints[position]
            if stint is None:
                continue
            start, end, reason = stint
            row = {
                **template,
                "name": person.name,
                "name_kana": half_width[person.kana] if random() < 0.1 else person.kana,
                "sex1": person.sex,
                "birthdate": texts[person.born],
                "qualification_date": texts[start],
                "individual_key": person.key,
                "insured_branch_number": branches[position],
                "personal_family_classification": families[position],
                "name_of_other": person.other,
                "name_of_other_kana": person.other_kana,
            }
            if late:
                row["insured_card_symbol"], row["insured_identification_number"] = self._card(insurer)
                row["insured_name"] = person.name
                row["insured_partial_contribution_ratio"] = person.late_ratio
            if end is None:
                current = True
                ref = start if start > today else today
            else:
                row["disqualification_date"] = texts[end]
                row["reason_of_loss"] = reason
                current = end > today
                ref = start if start > today else today if current else end - 1
            period = (start, end, ref)
            age = person.age
            if age >= 69 and not late:
                certificates.elderly(row, rng, cal, person.birth, period, person.elderly_ratio)
            elif age <= 7 and is_preschool(person.birth, date.fromordinal(ref)):
                row["preschool_classification"] = "1"
            if employee:
                row["insured_certificate_issuance_date"] = texts[start + 3 + int(random() * 12)]
                row["insured_card_valid_date"] = texts[start]
                if start >= _CONFIRMATION_DOCUMENTS and random() < 0.5:  # 資格確認書, valid up to 5 years
                    row["insured_card_expiration_date"] = texts[start + 5 * 365]
            else:  # 国保 and 後期高齢者 cards (and 資格確認書) are renewed every August
                valid_from = max(start, cycle_starts[ref])
                row["insured_certificate_issuance_date"] = texts[
                    max(start, valid_from - 5 - int(random() * 20))
                ]
                row["insured_card_valid_date"] = texts[valid_from]
                row["insured_card_expiration_date"] = texts[cycle_ends[valid_from]]
            if current:
                draw = random()
                if draw < _LIMIT_SHARE:
                    copay = person.late_ratio if late else person.elderly_ratio
                    exact_age = age_on(person.birth, date.fromordinal(ref))
                    certificates.limit(row, rng, cal, exact_age, period, copay)
                elif draw > 1.0 - _SPECIFIC_DISEASE_SHARE:
                    certificates.specific_diseases(row, rng, cal, age, period)
            rows.append(row)
        return rows

    # -- households -----------------------------------------------------------------------

    def household(self, remaining: int) -> list[Row]:
        """The rows of the next household (at most `remaining` people)."""
        rng, today = self.rng, self.today
        group, members = plan(rng)
        place = self.people.place()
        people = self.people.household(members[:remaining], group in (KYOKAI, KOKUHO))
        address, post = self.people.address(place)
        if group == KOUKI:
            return self._late_elderly(people, place, address, post)
        insurer = self._insurer(group, place)
        head = people[0]
        draw = rng.random()
        if draw < _P_JOB_CHANGE and group != JIEIKAN and head.age >= 22:
            return self._job_change(group, insurer, people, place, address, post)
        start = self._head_start(group, head)
        starts = [max(start, person.born) for person in people]
        draw -= _P_JOB_CHANGE
        rows: list[Row] = []
        if group == KOKUHO and draw < _P_MOVE:
            moved = today - 30 - int(rng.random() * 3 * _YEAR)
            if start < moved - 30:
                old_place = self.people.other_place(place)
                old_address, old_post = self.people.address(old_place)
                old = [
                    (s, moved, "99") if person.born < moved else None
                    for s, person in zip(starts, people, strict=True)
                ]
                rows = self._emit(self._insurer(KOKUHO, old_place), people, old, old_address, old_post)
                starts = [max(moved, person.born) for person in people]
        stints: list[Stint] = [(s, None, "") for s in starts]
        draw -= _P_MOVE
        if draw < _P_OTHER_LOSS + (_P_WELFARE if group == KOKUHO else 0.0):
            end = today - 1 - int(rng.random() * _YEAR)
            if end > max(starts):
                stints = [(s, end, "99" if draw < _P_OTHER_LOSS else "02") for s in starts]
        elif people[0].age >= 50 or people[-1].age >= 60:
            for position, person in enumerate(people):
                if person.age >= 60 and (position > 0 or group == KOKUHO) and rng.random() < 0.008:
                    end = today - int(rng.random() * _YEAR) + 1
                    if end > starts[position]:
                        stints[position] = (starts[position], end, "01")
        return (
            rows + self._emit(insurer, people, stints, address, post)
            if rows
            else self._emit(insurer, people, stints, address, post)
        )

    def _head_start(self, group: int, head: Person) -> int:
        rng, today = self.rng, self.today
        if group == KOKUHO and head.age >= 62 and rng.random() < 0.6:
            return min(today, anniversary(head.birth, 60 + int(rng.random() * 6)).toordinal())
        years = min(head.age - 18, 38)
        start = today - int(rng.random() ** 1.3 * years * 365.25)
        if rng.random() < 0.6:
            start = month_start(start)
        return max(start, head.born)

    def _job_change(
        self,
        group: int,
        insurer: SeedInsurer,
        people: list[Person],
        place: Municipality,
        address: str,
        post: str,
    ) -> list[Row]:
        rng, today = self.rng, self.today
        head = people[0]
        if head.age < 72 and rng.random() < 0.12:  # hired, starting on the 1st of a coming month
            change = months_later_end(today, int(rng.random() * 2)) + 1
        else:
            change = today - 1 - int(rng.random() * 3 * _YEAR)
            if rng.random() < 0.6:
                change = month_start(change)
        earliest = anniversary(head.birth, 18).toordinal()
        old_start = min(max(earliest, change - 200 - int(rng.random() * 15 * _YEAR)), change - 1)
        if rng.random() < 0.5:
            old_start = max(month_start(old_start), earliest)
        old = [(max(old_start, p.born), change, "03") if p.born < change else None for p in people]
        previous = self._previous_insurer(group, place, insurer)
        new = [(max(change, p.born), None, "") for p in people]
        return self._emit(previous, people, old, address, post) + self._emit(
            insurer, people, new, address, post
        )

    def _late_elderly(self, people: list[Person], place: Municipality, address: str, post: str) -> list[Row]:
        rng, today, reg = self.rng, self.today, self.registry
        rows: list[Row] = []
        insurer = reg.kouki[place.prefecture_index]
        moved = 0
        old_place, old_address, old_post = place, address, post
        if rng.random() < 0.004:
            moved = today - 30 - int(rng.random() * 3 * _YEAR)
            old_place = self.people.other_place(place)
            while old_place.prefecture_index == place.prefecture_index:
                old_place = self.people.other_place(place)
            old_address, old_post = self.people.address(old_place)
        for person in people:
            turned = anniversary(person.birth, 75).toordinal()
            start = max(turned, LATE_ELDERLY_SYSTEM_START)
            if moved and start < moved - 30:
                old_insurer = reg.kouki[old_place.prefecture_index]
                rows += self._emit(old_insurer, [person], [(start, moved, "99")], old_address, old_post)
                start = moved
            elif today - _YEAR < turned == start and rng.random() < 0.55:
                previous = self._insurer(KOKUHO if rng.random() < 0.8 else KYOKAI, place)
                old_start = max(
                    anniversary(person.birth, 60).toordinal(), turned - _YEAR - int(rng.random() * 14 * _YEAR)
                )
                rows += self._emit(previous, [person], [(old_start, turned, "03")], address, post)
            rows += self._emit(insurer, [person], [self._late_stint(person, start)], address, post)
        return rows

    def _late_stint(self, person: Person, start: int) -> Stint:
        rng, today = self.rng, self.today
        death = _LATE_DEATHS[min(person.age, 95)]
        draw = rng.random()
        if draw < death + 0.003:
            end = today - int(rng.random() * _YEAR) + (1 if draw < death else 0)
            if end > start:
                return (start, end, "01" if draw < death else "02" if draw < death + 0.002 else "99")
        return (start, None, "")


def population_rows(persons: int, seed: int = 1, as_of: date = date(2026, 11, 1)) -> Iterator[dict[str, str]]:
    """Feed rows for `persons` distinct people, in file order: every column of ALL_COLUMNS, values
    as CSV text ('' when absent, dates YYYYMMDD). The same arguments always give the same rows."""
    if persons < 0:
        raise ValueError("persons must not be negative")
    population = _Population(seed, as_of)
    generated = 0
    while generated < persons:
        yield from population.household(persons - generated)
        generated = population.people.index


def population_csv(persons: int, seed: int = 1, as_of: date = date(2026, 11, 1)) -> Iterator[str]:
    """The same rows as CSV text lines (header first), each ending in '\\n', quoted as csv.writer
    (QUOTE_MINIMAL) quotes them. Lines without a comma, quote or line break inside a cell are
    joined directly (identical to the csv module's output, and much faster); the others go
    through csv.writer."""
    buffer = _LineBuffer()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield buffer.line
    cells = itemgetter(*COLUMNS)
    width = len(COLUMNS)
    for row in population_rows(persons, seed, as_of):
        # Rows are copies of a template holding every column in COLUMNS order, so values() is
        # already in header order; the length check guards that assumption.
        line = ",".join(row.values()) if len(row) == width else ",".join(cells(row))
        if line.count(",") == width - 1 and '"' not in line and "\n" not in line and "\r" not in line:
            yield line + "\n"
        else:
            writer.writerow(cells(row))
            yield buffer.line
