"""The one-pass reader of groups of single leaves reads exactly what the general group
reader reads: the same values in the same order, or the same error, for any arrangement of
elements — duplicates, alternative names, unknown names, empty or bad values, comments,
children where a value belongs — strict and lenient, for every such group of every message."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from onshi.wire._codec import _is_flat, _read_flat, _read_group
from onshi.wire._errors import WireError
from onshi.wire._spec import Field
from onshi.wire.messages import MESSAGES
from tests.wire.strategies import _leaf


def _groups(spec: Field) -> Iterator[Field]:
    if spec.is_group:
        yield spec
    for child in (*spec.children, *((spec.item,) if spec.item else ())):
        yield from _groups(child)


FLAT = sorted(
    {id(g): g for m in MESSAGES.values() for g in _groups(m.spec) if _is_flat(g)}.values(),
    key=lambda g: g.name,
)


def test_the_bulk_entries_and_most_bodies_are_flat() -> None:
    names = {g.name for g in FLAT}
    assert {"QualificationConfirmSearchInfo", "MessageHeader"} <= names
    assert len(FLAT) >= 20


@st.composite
def arrangements(draw: st.DrawFn) -> tuple[Field, etree._Element]:
    group = draw(st.sampled_from(FLAT))
    names = [n for c in group.children for n in (c.name, *c.alt_names)] + ["Unknown"]
    element = etree.Element(group.name)
    for _ in range(draw(st.integers(0, 2 * len(group.children) + 2))):
        name = draw(st.sampled_from(names))
        kind = draw(st.sampled_from(["valid", "valid", "empty", "blank", "bad", "nested", "comment"]))
        if kind == "comment":
            element.append(etree.Comment("c"))
            continue
        child = etree.SubElement(element, name)
        spec = next((c for c in group.children if name in (c.name, *c.alt_names)), None)
        if kind == "valid" and spec is not None:
            child.text = draw(_leaf(spec))
        elif kind == "blank":
            child.text = "  "
        elif kind == "bad":
            child.text = "x" * 300
        elif kind == "nested":
            etree.SubElement(child, "Inner").text = "1"
    return group, element


def _outcome(read: Any, *arguments: Any) -> tuple[str, Any]:
    try:
        value = read(*arguments)
    except WireError as error:
        return "error", (error.kind, error.message, error.element)
    return "value", list(value.items())


@settings(max_examples=400, deadline=None)
@given(arrangements(), st.booleans())
def test_flat_and_general_readers_agree(arrangement: tuple[Field, etree._Element], lenient: bool) -> None:
    group, element = arrangement
    assert _is_flat(group)
    path = f"Root/{group.name}"
    assert _outcome(_read_flat, element, group, path, lenient) == _outcome(
        _read_group, element, group, path, lenient
    )
