"""The generated population as an insurer feed: deterministic, complete, accepted row by row."""

from __future__ import annotations

import csv
import io
import re
import time
from datetime import date
from itertools import pairwise

import pytest

from onshi.feeds.insurer_csv import ALL_COLUMNS, AcceptedRow, RejectedRow, parse_csv
from onshi.seed.population import COLUMNS, population_csv, population_rows
from tests.seed.conftest import AS_OF, PERSONS, Population

KEY = re.compile(r"^P[0-9A-F]{10}$")


def test_same_arguments_give_byte_identical_output() -> None:
    first = "".join(population_csv(3000, seed=7, as_of=AS_OF))
    second = "".join(population_csv(3000, seed=7, as_of=AS_OF))
    assert first == second
    assert first != "".join(population_csv(3000, seed=8, as_of=AS_OF))


def test_rows_and_csv_describe_the_same_data() -> None:
    rows = list(population_rows(500, seed=3))
    lines = list(population_csv(500, seed=3))
    assert len(lines) == len(rows) + 1
    reread = list(csv.DictReader(io.StringIO("".join(lines))))
    assert reread == rows


def test_csv_is_exactly_what_the_csv_module_writes() -> None:
    expected = io.StringIO()
    writer = csv.writer(expected, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in population_rows(2000, seed=5):
        writer.writerow([row[column] for column in COLUMNS])
    lines = list(population_csv(2000, seed=5))
    assert "".join(lines) == expected.getvalue()
    assert all(line.endswith("\n") and line.count("\n") == 1 for line in lines)


def test_header_and_keys_are_feed_columns() -> None:
    header = next(population_csv(1))
    assert header.rstrip("\n").split(",") == list(ALL_COLUMNS)
    for row in population_rows(300):
        assert set(row) <= set(ALL_COLUMNS)
        assert all(isinstance(value, str) for value in row.values())


@pytest.mark.parametrize("persons", [0, 1, 2, 7, 1000])
def test_persons_counts_humans_not_rows(persons: int) -> None:
    keys = {row["individual_key"] for row in population_rows(persons, seed=11)}
    assert len(keys) == persons


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        list(population_rows(-1))


def test_every_row_passes_the_feed_parser(population: Population) -> None:
    rejected = [row for row in population.parsed if isinstance(row, RejectedRow)]
    assert rejected == [], [r.reason_en for r in rejected[:5]]
    assert len(population.parsed) == len(population.rows) > PERSONS


def test_five_thousand_people_parse_without_rejection() -> None:
    results = list(parse_csv(population_csv(5000, seed=2, as_of=date(2025, 4, 1))))
    assert all(isinstance(result, AcceptedRow) for result in results)
    assert len({r.qualification.individual_key for r in results if isinstance(r, AcceptedRow)}) == 5000


@pytest.mark.parametrize("as_of", [date(2012, 6, 15), date(2024, 2, 29), date(2035, 12, 31)])
def test_any_as_of_date_gives_a_clean_feed(as_of: date) -> None:
    results = list(parse_csv(population_csv(1500, seed=4, as_of=as_of)))
    assert all(isinstance(result, AcceptedRow) for result in results)
    valid = {
        r.qualification.individual_key
        for r in results
        if isinstance(r, AcceptedRow) and r.qualification.is_valid_on(as_of)
    }
    assert len(valid) > 0.95 * 1500


def test_everyone_has_an_opaque_individual_key(population: Population) -> None:
    keys = [row["individual_key"] for row in population.rows]
    assert all(KEY.match(key) for key in keys)
    assert not any(key.isdigit() and len(key) == 12 for key in keys)
    assert len(set(keys)) == PERSONS


def test_an_individual_level_key_belongs_to_one_human(population: Population) -> None:
    owners: dict[tuple[str, str, str, str | None], str] = {}
    for qualification in population.qualifications:
        key = qualification.key
        member = (key.insurer_number.digits, key.symbol, key.number, key.branch)
        assert owners.setdefault(member, qualification.individual_key or "") == qualification.individual_key


def test_periods_of_one_person_never_overlap(population: Population) -> None:
    periods: dict[str, list[tuple[date, date]]] = {}
    for q in population.qualifications:
        assert q.individual_key is not None
        periods.setdefault(q.individual_key, []).append(
            (q.qualification_date, q.disqualification_date or date.max)
        )
    for spans in periods.values():
        spans.sort()
        assert all(end <= next_start for (_, end), (next_start, _) in pairwise(spans))


def test_generation_speed_is_reported(capsys: pytest.CaptureFixture[str]) -> None:
    started = time.process_time()
    lines = sum(1 for _ in population_csv(50_000))
    elapsed = time.process_time() - started
    with capsys.disabled():
        print(  # noqa: T201 - a timing note, asserted nowhere
            f"\n[seed] 50,000 persons → {lines - 1} rows in {elapsed:.2f} s CPU (~{elapsed * 20:.0f} s per million)"
        )
