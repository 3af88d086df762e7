"""Column-by-column validation of a block of feed rows — the fast path of the insurer import.

A block of raw rows is transposed (in C), and each column is read on its own: columns that
are empty across the whole block cost nothing, values that repeat (dates, codes, insurer
numbers, symbols) are looked up in a per-feed cache, and only then are the checks that span
cells run, on the few rows that need them. The rules are the same cell parsers and checks as
for a single row; `insurer_csv.parse_csv` offers the same results row by row.
"""

from __future__ import annotations

import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import itemgetter
from typing import Any

from onshi.domain.errors import InvalidValue, Problem

CellParser = Callable[[str], Any]
# A whole column at once: its values, or None when some cell needs the cell parser (onshi.feeds._bulk).
BulkParser = Callable[[Sequence[str]], list[Any] | None]
CACHE_LIMIT = 50_000


@dataclass(frozen=True, slots=True)
class RejectedRow:
    line: int  # physical line number in the file (the header is line 1)
    errors: tuple[InvalidValue, ...]

    @property
    def reason_ja(self) -> str:
        return "; ".join(f"{e.field}: {e.message_ja}" for e in self.errors)

    @property
    def reason_en(self) -> str:
        return "; ".join(f"{e.field}: {e.message_en}" for e in self.errors)


@dataclass(slots=True)
class ValidatedBlock:
    """The accepted rows of a block as columns (None where a cell is empty), and the rejections."""

    lines: list[int]
    columns: dict[str, list[Any]]
    rejected: list[RejectedRow] = field(default_factory=list)
    rows_read: int = 0  # data rows in the block, accepted or not (blank lines excluded)

    def __len__(self) -> int:
        return len(self.lines)

    def refuse(self, refused: Callable[[int], InvalidValue | None]) -> None:
        """Move the accepted rows for which `refused(index)` gives an error to the rejections."""
        verdicts = [refused(index) for index in range(len(self.lines))]
        if not any(verdicts):
            return
        for index, error in enumerate(verdicts):
            if error is not None:
                self.rejected.append(RejectedRow(self.lines[index], (error,)))
        self.rejected.sort(key=lambda row: row.line)
        keep = [index for index, error in enumerate(verdicts) if error is None]
        self.lines, self.columns = _take(self.lines, self.columns, keep)


# A check spanning cells, run over the block's columns at once: (parsed columns, the rows it
# concerns, errors so far by row) → (row, error) pairs. It may also fill a derived column
# (e.g. the parsed specific-disease lists).
RowCheck = Callable[
    [dict[str, list[Any]], list[int], dict[int, list[InvalidValue]]], Iterable[tuple[int, InvalidValue]]
]


class BlockValidator:
    """Validates blocks of rows of one feed (its header's columns), caching repeated values."""

    def __init__(
        self,
        columns: Sequence[str],
        parsers: dict[str, CellParser],
        cacheable: frozenset[str],
        required: Sequence[str],
        row_checks: Sequence[tuple[Sequence[str], RowCheck]],
        bulk: Mapping[CellParser, BulkParser] | None = None,
    ) -> None:
        self.columns = list(columns)
        self._parsers = [parsers[column] for column in self.columns]
        self._caches: dict[str, dict[str, Any]] = {c: {} for c in self.columns if c in cacheable}
        self._bulk = {
            column: bulk[parse]
            for column, parse in zip(self.columns, self._parsers, strict=True)
            if bulk and parse in bulk and column not in self._caches
        }
        self._required = [c for c in required if c in self.columns]
        self._row_checks = row_checks

    def validate(self, lines: list[int], rows: list[list[str]]) -> ValidatedBlock:
        errors: defaultdict[int, list[InvalidValue]] = defaultdict(list)
        parsed: dict[str, list[Any]] = {}
        raw_columns: Iterable[tuple[str, ...]] = zip(*rows, strict=True) if rows else ()
        for column, parse, raw in zip(self.columns, self._parsers, raw_columns, strict=False):
            parsed[column] = self._column(column, parse, raw, errors)
        self._check_required(parsed, errors, len(rows))
        for needed, check in self._row_checks:
            concerned = _rows_with_any(parsed, needed)
            if concerned:
                for index, error in list(check(parsed, concerned, errors)):
                    errors[index].append(error)
        rejected = [
            RejectedRow(lines[index], tuple(found)) for index, found in sorted(errors.items()) if found
        ]
        if not rejected:
            return ValidatedBlock(lines, parsed, [], len(rows))
        failed = {index for index, found in errors.items() if found}
        keep = [index for index in range(len(rows)) if index not in failed]
        accepted_lines, accepted = _take(lines, parsed, keep)
        return ValidatedBlock(accepted_lines, accepted, rejected, len(rows))

    def _column(
        self,
        column: str,
        parse: CellParser,
        raw: tuple[str, ...],
        errors: defaultdict[int, list[InvalidValue]],
    ) -> list[Any]:
        """Each distinct text is parsed once; the column is then filled at C speed."""
        bulk = self._bulk.get(column)
        if bulk is not None:
            if (whole := bulk(raw)) is not None:
                return whole
            del self._bulk[column]  # this feed's column needs its cells parsed: no more tries
        cache = self._caches.get(column)
        known: dict[str, Any] = cache if cache is not None else {}
        if cache is not None and len(cache) >= CACHE_LIMIT:
            cache.clear()
        failed: dict[str, InvalidValue] = {}
        for text in set(raw).difference(known):
            if not text:
                known[text] = None
                continue
            try:
                known[text] = parse(text)
            except InvalidValue as error:
                failed[text] = error.with_field(column)
        if not failed:
            return list(map(known.get, raw))
        values: list[Any] = []
        for index, text in enumerate(raw):
            if text in failed:
                errors[index].append(failed[text])
                values.append(None)
            else:
                values.append(known[text])
        return values

    def _check_required(
        self, parsed: dict[str, list[Any]], errors: defaultdict[int, list[InvalidValue]], count: int
    ) -> None:
        for column in self._required:
            values = parsed.get(column, [None] * count)
            for index in _indexes_where(values, operator.is_):
                if not any(error.field == column for error in errors.get(index, ())):
                    errors[index].append(
                        InvalidValue(
                            column, Problem.REQUIRED, "必須項目が空です", "required value is missing"
                        )
                    )


def _rows_with_any(parsed: dict[str, list[Any]], columns: Sequence[str]) -> list[int]:
    """Rows in which any of `columns` holds a value (the rows a cross-cell check concerns)."""
    present = [parsed[column] for column in columns if column in parsed]
    if not present:
        return []
    if len(present) == 1:
        return _indexes_where(present[0], operator.is_not)
    return sorted(set().union(*(_indexes_where(values, operator.is_not) for values in present)))


def _indexes_where(values: list[Any], test: Callable[[Any, None], bool]) -> list[int]:
    """The indexes of `values` for which `test(value, None)` holds — at C speed (a block is
    tens of thousands of rows and these run per column)."""
    return list(compress(range(len(values)), map(test, values, repeat(None))))


def _take(
    lines: list[int], columns: dict[str, list[Any]], keep: list[int]
) -> tuple[list[int], dict[str, list[Any]]]:
    if not keep:
        return [], {column: [] for column in columns}
    if len(keep) == 1:
        (only,) = keep
        return [lines[only]], {column: [values[only]] for column, values in columns.items()}
    pick = itemgetter(*keep)
    return list(pick(lines)), {column: list(pick(values)) for column, values in columns.items()}
