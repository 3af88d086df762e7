"""One generated population shared by the seed tests (generation and parsing take a few seconds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from onshi.domain.qualification import Qualification
from onshi.feeds.insurer_csv import AcceptedRow, RejectedRow, parse_csv
from onshi.seed.population import population_csv, population_rows

AS_OF = date(2026, 11, 1)
PERSONS = 20_000


@dataclass(frozen=True)
class Population:
    rows: list[dict[str, str]]  # as generated
    parsed: list[AcceptedRow | RejectedRow]  # the same rows through the insurer-feed parser

    @property
    def qualifications(self) -> list[Qualification]:
        return [row.qualification for row in self.parsed if isinstance(row, AcceptedRow)]

    def valid_on_as_of(self) -> list[tuple[dict[str, str], Qualification]]:
        """(raw row, parsed qualification) for every row covering AS_OF."""
        return [
            (raw, accepted.qualification)
            for raw, accepted in zip(self.rows, self.parsed, strict=True)
            if isinstance(accepted, AcceptedRow) and accepted.qualification.is_valid_on(AS_OF)
        ]


@pytest.fixture(scope="session")
def population() -> Population:
    rows = list(population_rows(PERSONS, seed=1, as_of=AS_OF))
    parsed = list(parse_csv(population_csv(PERSONS, seed=1, as_of=AS_OF)))
    return Population(rows, parsed)
