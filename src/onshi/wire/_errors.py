"""Errors of the wire codec. Each kind maps to one file-level error code (see result_codes)."""

from __future__ import annotations

from enum import StrEnum


class WireErrorKind(StrEnum):
    MALFORMED = "malformed"  # not well-formed XML
    FORBIDDEN_MARKUP = "forbidden_markup"  # DTD, entity declarations
    TOO_LARGE = "too_large"
    ENCODING = "encoding"  # undeclared/unsupported encoding or undecodable bytes
    WRONG_MESSAGE = "wrong_message"  # root or file name does not name a known message
    MISSING_ELEMENT = "missing_element"
    BAD_VALUE = "bad_value"  # bad date, code, length …
    TOO_MANY_ENTRIES = "too_many_entries"
    INCONSISTENT = "inconsistent"  # elements contradict each other (a range that ends before it starts)


class WireError(ValueError):
    """A file that cannot be processed; answered with an error result (SegmentOfResult 9)."""

    def __init__(self, kind: WireErrorKind, message: str, element: str | None = None) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.element = element
