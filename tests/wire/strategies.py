"""Hypothesis strategies derived from the message specs: any document a spec allows.

Values are valid for their format and survive XML: text has no surrounding whitespace and
mixes characters real systems mangle (外字 outside CP932, IVS, CP932-only symbols, markup).
Rules between elements (`Message.check`) are satisfied by small per-kind fixes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from hypothesis import strategies as st

from onshi.wire._spec import Field, Fmt
from onshi.wire.messages import MESSAGES, MessageKind

Document = dict[str, Any]
PIECES = [*"abcXYZ0129-_<>&\"'/ ", *"山田太郎花子髙﨑邉齋①～〜−ｱｲｳﾞ　", "𠮷", "邉\U000e0104", "葛\U000e0100"]
DAYS = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
MOMENTS = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2099, 12, 31, 23, 59, 59))
LISTS = {"min_size": 1, "max_size": 2}


def _text(max_length: int | None, raw: bool) -> st.SearchStrategy[str]:
    limit = max_length or 40
    pieces = st.lists(st.sampled_from(PIECES), min_size=1, max_size=min(limit, 10)).map("".join)
    if raw:  # kept as is, e.g. an InsurerNumber right-aligned with spaces
        return pieces.filter(lambda s: bool(s.strip()) and len(s) <= limit)
    return pieces.filter(lambda s: s == s.strip() and bool(s) and len(s) <= limit)


def _leaf(spec: Field) -> st.SearchStrategy[str]:
    match spec.fmt:
        case Fmt.TEXT | Fmt.RAW:
            return _text(spec.max_length, spec.fmt is Fmt.RAW)
        case Fmt.DIGITS:
            size = f"{{{spec.length}}}" if spec.length else "{1,10}"
            return st.from_regex(rf"\A[0-9]{size}\Z", fullmatch=True)
        case Fmt.DATE:
            return DAYS.map(lambda d: d.strftime("%Y%m%d"))
        case Fmt.DATETIME:
            return MOMENTS.map(lambda t: t.strftime("%Y%m%d%H%M%S"))
        case Fmt.MONTH:
            return DAYS.map(lambda d: d.strftime("%Y%m"))
        case Fmt.CODE:
            return st.sampled_from(sorted(spec.codes))
        case Fmt.INT:
            return st.integers(0, 10**9).map(str)


_CACHE: dict[int, st.SearchStrategy[Any]] = {}


def values(spec: Field) -> st.SearchStrategy[Any]:
    """One value of `spec` as the codec reads it (a repeated field's single occurrence)."""
    if id(spec) not in _CACHE:
        _CACHE[id(spec)] = st.deferred(lambda: _values(spec))
    return _CACHE[id(spec)]


def _values(spec: Field) -> st.SearchStrategy[Any]:
    if spec.item is not None:
        item = spec.item
        return st.lists(values(item).map(lambda v: {item.name: v}), **LISTS)
    if not spec.is_group:
        return _leaf(spec)
    required = {c.name: _occurrences(c) for c in spec.children if c.required}
    optional = {c.name: _occurrences(c) for c in spec.children if not c.required}
    # A group written without any child would read back as absent.
    return st.fixed_dictionaries(required, optional=optional).filter(bool)


def _occurrences(spec: Field) -> st.SearchStrategy[Any]:
    return st.lists(values(spec), **LISTS) if spec.repeated else values(spec)


def _sorted_pair(values: Document, start: str, end: str) -> bool:
    first, last = values.get(start), values.get(end)
    if first is None and last is None:
        return False
    first, last = sorted((first or last, last or first))
    values[start], values[end] = first, last
    return True


def _online(document: Document, draw: st.DrawFn) -> None:
    search = document["MessageBody"]["QualificationConfirmSearchInfo"]
    by_examination = _sorted_pair(search, "ExaminationDateFrom", "ExaminationDateTo")
    if not (_sorted_pair(search, "ConsentDateFrom", "ConsentDateTo") or by_examination):
        search["ExaminationDateFrom"] = search["ExaminationDateTo"] = draw(_leaf(Field("d", Fmt.DATE)))
    if "MedicalTreatmentFlag" in search:
        search["MedicalTreatmentFlag"] = "3"


def _home_visit(document: Document, draw: st.DrawFn) -> None:
    search = document["MessageBody"]["QualificationConfirmSearchInfo"]
    _sorted_pair(search, "ConsentDateFrom", "ConsentDateTo")
    if "MedicalTreatmentFlag" in search:
        search["MedicalTreatmentFlag"] = "2"


def _medication(document: Document, draw: st.DrawFn) -> None:
    body = document["MessageBody"]
    if "StartDate" in body and "EndDate" in body:
        _sorted_pair(body, "StartDate", "EndDate")


FIXES: dict[MessageKind, Callable[[Document, st.DrawFn], None]] = {
    MessageKind.ONLINE_INQUIRY_REQUEST: _online,
    MessageKind.HOME_VISIT_INQUIRY_REQUEST: _home_visit,
    MessageKind.MEDICATION_INFO_REQUEST: _medication,
}


@st.composite
def documents(draw: st.DrawFn, kind: MessageKind) -> Document:
    """A document of `kind` that parses strictly."""
    document: Document = draw(values(MESSAGES[kind].spec))
    if kind in FIXES:
        FIXES[kind](document, draw)
    return document
