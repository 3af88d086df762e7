"""The row-by-row CSV feeds (clinical records, public expense, statistics, the portal's bulk
files): a header naming known columns, then one record per row, each parsed cell by cell.

One way to read them, so that every feed refuses the same things the same way: an empty or
unreadable file, unknown, missing or repeated columns (the file as a whole: FeedFormatError);
a record whose width is not the header's, a bad cell, a missing required value (that row only,
with its line and reasons). The insurer feed, which is validated column-wise for speed, has
its own reader (onshi.feeds.insurer_csv) with the same rules.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from onshi.domain.errors import InvalidValue, Problem
from onshi.feeds._block import RejectedRow
from onshi.feeds.text import FeedFormatError, csv_records

Cell = Callable[[str], Any]  # raw text → value, None for blank; raises InvalidValue


@dataclass(frozen=True, slots=True)
class Column:
    parse: Cell
    required: bool = False  # an optional column may also be left out of the header


def required(parse: Cell) -> Column:
    return Column(parse, required=True)


def blank_or(parse: Callable[[str], Any]) -> Cell:
    """A cell parsed by `parse` from its trimmed text, None when blank."""

    def cell(raw: str) -> Any:
        return parse(raw.strip()) if raw.strip() else None

    return cell


def check_header(feed: str, header: list[str], known: Mapping[str, Column]) -> list[str]:
    """The header's column names (trimmed, lower case), or FeedFormatError naming what is wrong."""
    columns = [name.strip().lower() for name in header]
    unknown = [name for name in columns if name not in known]
    missing = [name for name, column in known.items() if column.required and name not in columns]
    if unknown:
        raise FeedFormatError(
            f"unknown column(s) {', '.join(unknown)}; the {feed} feed has {', '.join(known)}"
        )
    if missing or len(set(columns)) != len(columns):
        raise FeedFormatError(f"the {feed} feed needs the columns {', '.join(missing) or '(each once)'}")
    return columns


def records(
    lines: Iterable[str], read_header: Callable[[list[str]], list[str]]
) -> Iterator[tuple[int, dict[str, str]] | RejectedRow]:
    """(line, cells by column) for each non-blank record, or the rejection of one whose width is
    not the header's. The line is the physical line the record ends on."""
    reader = csv.reader(lines)
    rows = csv_records(reader)
    try:
        columns = read_header(next(rows))
    except StopIteration:
        raise FeedFormatError("the file is empty (a header row is required)") from None
    for cells in rows:
        if not any(cell.strip() for cell in cells):
            continue
        line = int(reader.line_num)
        if len(cells) != len(columns):
            wrong = InvalidValue(
                "row", Problem.BAD_FORMAT, f"列数が{len(cells)}です（{len(columns)}列必要）",
                f"{len(cells)} cells, {len(columns)} expected",
            )  # fmt: skip
            yield RejectedRow(line, (wrong,))
            continue
        yield line, dict(zip(columns, cells, strict=True))


def parse_cells(
    cells: Mapping[str, str], known: Mapping[str, Column]
) -> tuple[dict[str, Any], list[InvalidValue]]:
    """Every known column's value (None where blank or absent), and every cell's error."""
    values: dict[str, Any] = {}
    errors: list[InvalidValue] = []
    for name, column in known.items():
        try:
            values[name] = column.parse(cells.get(name, ""))
        except InvalidValue as error:
            errors.append(error.with_field(name))
            continue
        if values[name] is None and column.required:
            errors.append(InvalidValue(name, Problem.REQUIRED, "必須項目です", "required"))
    return values, errors


def unknown_feed(feed: str, feeds: Iterable[str]) -> FeedFormatError:
    return FeedFormatError(f"unknown feed {feed!r} (one of {', '.join(feeds)})")
