"""`_codec.render` writes what `build` + lxml's pretty print write, for any document of any
kind; bulk results joined from rendered units are the files `to_xml` writes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from onshi import wire
from onshi.domain.codes import ProcessingResultStatus
from onshi.domain.dates import JST
from onshi.wire import _codec
from onshi.wire._spec import Field
from onshi.wire.bulk import bulk_result_header, joined_result_xml, unit_fragments
from onshi.wire.messages import MESSAGES, MessageKind
from onshi.wire.qualification import ResultHeader
from tests.wire.strategies import documents

BULK_RESULTS = [
    kind
    for kind in MessageKind
    if kind.value.endswith("02res") and MESSAGES[kind].spec.child("MessageBody").children
]


def lxml_text(value: Any, spec: Any) -> str:
    return etree.tostring(_codec.build(value, spec), encoding="unicode", pretty_print=True)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(list(MessageKind)))
def test_render_is_lxmls_pretty_print(data: st.DataObject, kind: MessageKind) -> None:
    spec = MESSAGES[kind].spec
    document = data.draw(documents(kind))
    assert _codec.render(document, spec) + "\n" == lxml_text(document, spec)


SPEC = Field(
    "R",
    children=(
        Field("A"),
        Field("B", repeated=True),
        Field("C", children=(Field("D", children=(Field("F"),)),)),
        Field("E"),
        Field("G", item=Field("G1", children=(Field("H"),))),
        Field("J", repeated=True, children=(Field("K"),)),
    ),
)


@pytest.mark.parametrize(
    "value",
    [
        {"A": "a&b<c>d\"e'f\r\n\tg ]]> 𠮷", "B": ["", "x"], "C": {"D": {}}, "E": "  "},
        {"C": {"D": {"F": "1"}}, "G": [{"G1": {"H": "2"}}, {"G1": {}}], "J": [{}, {"K": "3"}]},
        {"C": {"D": {"F": None}}, "G": [{"G1": {"H": ""}}]},
        {},
    ],
)
def test_render_edge_cases(value: dict[str, Any]) -> None:
    """Escapes, empty text, groups left empty (dropped) and empty items (kept as <x/>)."""
    assert _codec.render(value, SPEC) + "\n" == lxml_text(value, SPEC)


@pytest.mark.parametrize("bad", ["\x00", "a\x07b", "\x0b", "\x0c", "\x1f", "\ufffe", "\uffff"])
def test_render_refuses_what_lxml_refuses(bad: str) -> None:
    spec = Field("R", children=(Field("A"),))
    with pytest.raises(ValueError, match="XML compatible"):
        lxml_text({"A": bad}, spec)
    with pytest.raises(ValueError, match="XML compatible"):
        _codec.render({"A": bad}, spec)


@pytest.mark.parametrize("bad", ["\ud800", "x\udfff"])
def test_render_refuses_lone_surrogates_as_lxml_does(bad: str) -> None:
    spec = Field("R", children=(Field("A"),))
    with pytest.raises(UnicodeEncodeError, match="surrogates not allowed"):  # lxml: while encoding
        lxml_text({"A": bad}, spec)
    with pytest.raises(ValueError, match="XML compatible"):
        _codec.render({"A": bad}, spec)


def test_render_keeps_tab_line_feed_and_carriage_return() -> None:
    spec = Field("R", children=(Field("A"),))
    assert _codec.render({"A": "a\tb\nc\rd"}, spec) + "\n" == lxml_text({"A": "a\tb\nc\rd"}, spec)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), kind=st.sampled_from(BULK_RESULTS), split=st.integers(0, 3))
def test_joined_bulk_result_is_to_xml(data: st.DataObject, kind: MessageKind, split: int) -> None:
    document = data.draw(documents(kind))
    body = MESSAGES[kind].spec.child("MessageBody")
    unit_name = body.children[0].name
    units = (document.get("MessageBody") or {}).get(unit_name) or []
    if not units:
        return
    header = document["MessageHeader"]
    statuses = [u.get("ProcessingResultStatus") for u in units]
    counts = (
        len(units),
        statuses.count(ProcessingResultStatus.NORMAL),
        statuses.count(ProcessingResultStatus.ERROR),
    )
    # The drawn header, with the counts its units give.
    header = {
        **header,
        "NumberOfProcessingResult": str(counts[0]),
        "NumberOfNormalProcessing": str(counts[1]),
        "NumberOfError": str(counts[2]),
    }
    parts = [units[:split], units[split:]] if 0 < split < len(units) else [units]
    for encoding in (wire.UTF8, wire.SHIFT_JIS):
        expected = wire.to_xml({**document, "MessageHeader": header}, kind, encoding)
        fragments = [unit_fragments(part, kind, unit_name).xml for part in parts]
        assert joined_result_xml(kind, header, fragments, encoding, unit_name) == expected


def test_bulk_result_header_counts() -> None:
    h = ResultHeader("1311111111", datetime(2026, 11, 24, 9, 0, tzinfo=JST))
    header = bulk_result_header(MessageKind.BULK_INQUIRY_RESULT, h, "R-1", (3, 2, 1))
    assert (
        header["NumberOfProcessingResult"],
        header["NumberOfNormalProcessing"],
        header["NumberOfError"],
    ) == (
        "3",
        "2",
        "1",
    )
