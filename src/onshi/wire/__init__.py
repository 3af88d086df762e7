"""The XML file interface of the 資格確認端末 (wire-spec.md): parse requests, build results.

Pure functions over bytes and plain dicts. Documents are nested dicts keyed by element
names — the same shape the terminal's Web API uses for JSON — so one document can be
written as an XML file or returned as JSON.

Public surface (pinned by tests/wire/test_exports.py):
    MessageKind, FACE_PREFIX, WireError, WireErrorKind, Parsed,
    kind_of_filename, result_filename, answer_of, parse, to_xml, to_json, prune,
    error_result, ErrorResult (the answer to a request file that was refused)

Result documents are built by the helpers of `onshi.wire.qualification` (single inquiry and
face files), `onshi.wire.bulk` (bulk inquiries and reference-number registration) and
`onshi.wire.medical_info` (薬剤情報・特定健診情報); `onshi.wire.errors_result` builds the
error answer to any request kind.
"""

from __future__ import annotations

from onshi.wire import _xml
from onshi.wire._api import (
    Parsed,
    answer_of,
    kind_of_filename,
    parse,
    prune,
    result_filename,
    to_json,
    to_xml,
)
from onshi.wire._errors import WireError, WireErrorKind
from onshi.wire.errors_result import ErrorResult, error_result
from onshi.wire.messages import FACE_PREFIX, MessageKind

__all__ = [
    "FACE_PREFIX",
    "ErrorResult",
    "MessageKind",
    "Parsed",
    "WireError",
    "WireErrorKind",
    "answer_of",
    "error_result",
    "kind_of_filename",
    "parse",
    "prune",
    "result_filename",
    "to_json",
    "to_xml",
]

UTF8 = _xml.UTF8
SHIFT_JIS = _xml.SHIFT_JIS
