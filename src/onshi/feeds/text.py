"""Reading feed files: UTF-8 (an Excel BOM is fine), checked before any row is read, and CSV
records whose failures refuse the file with one error every feed shares."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO, TextIO

from onshi.domain.errors import redact_my_number

CHUNK = 1 << 20


class FeedFormatError(ValueError):
    """The file as a whole cannot be read (no header, unknown or missing columns, a record the
    csv module cannot read), as opposed to a bad row, which is reported and skipped. Like a
    row's reasons, it never echoes what may be a My Number."""

    def __init__(self, message: str) -> None:
        super().__init__(redact_my_number(message))


def csv_records(reader: Any) -> Iterator[list[str]]:
    """The records of a `csv.reader`; a record it cannot read (e.g. a field beyond the csv
    module's size limit) refuses the file with its line number instead of crashing the caller."""
    while True:
        try:
            yield next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FeedFormatError(f"line {reader.line_num} cannot be read as CSV: {error}") from None


class NotUtf8(ValueError):
    def __init__(self, position: int) -> None:
        super().__init__(f"the file is not UTF-8 (first bad byte at offset {position})")
        self.position = position


def check_utf8(stream: BinaryIO) -> None:
    """Read a binary stream to the end, raising NotUtf8 at the first undecodable byte."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    while chunk := stream.read(CHUNK):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise NotUtf8(offset + error.start) from None
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise NotUtf8(offset + error.start) from None


def open_feed(path: Path) -> TextIO:
    with path.open("rb") as stream:
        check_utf8(stream)
    return path.open(encoding="utf-8-sig", newline="")
