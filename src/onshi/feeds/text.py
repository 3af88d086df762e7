"""Opening feed files as text: UTF-8 (an Excel BOM is fine), checked before any row is read."""

from __future__ import annotations

import codecs
from pathlib import Path
from typing import BinaryIO, TextIO

CHUNK = 1 << 20


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
