"""A small declarative description of message trees: elements, formats, code tables.

A message is a tree of `Field`s. Parsing turns XML into plain nested dicts keyed by
element names (the shape of the terminal Web API's JSON); building turns such dicts back
into XML in the order the fields are declared.

Value shapes: a leaf is a `str`; a group is a `dict`; a repeated element is a `list` of its
values; a wrapper list (ResultList) is a `list` of one-key dicts `{item name: value}`.

Some lists appear in more than one shape in public sources; a field can say which other
shapes it also reads (`loose`, `also_in`), and always writes its own declared shape.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum, StrEnum


class Fmt(Enum):
    TEXT = "text"  # trimmed text
    RAW = "raw"  # text kept as is (InsurerNumber is right-aligned with spaces)
    DIGITS = "digits"  # ASCII digits, exact length when `length` is set
    DATE = "date"  # YYYYMMDD
    DATETIME = "datetime"  # YYYYMMDDHHMMSS
    MONTH = "month"  # YYYYMM
    CODE = "code"  # one of `codes`
    INT = "int"  # non-negative integer


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    fmt: Fmt = Fmt.TEXT
    required: bool = False
    max_length: int | None = None
    length: int | None = None
    codes: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = field(default_factory=dict)  # minority input values → canonical
    children: tuple[Field, ...] = ()
    repeated: bool = False
    item: Field | None = None  # wrapper list: this element holds repeated `item` elements
    alt_names: tuple[str, ...] = ()  # other element names accepted on input
    max_count: int | None = None  # repeated/wrapper: more entries is TOO_MANY_ENTRIES
    loose: bool = False  # wrapper: items standing directly in the parent are read too
    also_in: tuple[str, ...] = ()  # repeated: also read inside these wrapper elements

    @property
    def is_group(self) -> bool:
        return bool(self.children)

    def child(self, name: str) -> Field:
        for candidate in self.children:
            if candidate.name == name:
                return candidate
        raise KeyError(name)


def text(
    name: str,
    required: bool = False,
    max_length: int | None = None,
    repeated: bool = False,
    alt_names: tuple[str, ...] = (),
) -> Field:
    return Field(name, Fmt.TEXT, required, max_length=max_length, repeated=repeated, alt_names=alt_names)


def raw(name: str, required: bool = False, max_length: int | None = None) -> Field:
    return Field(name, Fmt.RAW, required, max_length=max_length)


def digits(name: str, length: int | None = None, required: bool = False) -> Field:
    return Field(name, Fmt.DIGITS, required, length=length)


def day(name: str, required: bool = False) -> Field:
    return Field(name, Fmt.DATE, required)


def moment(name: str, required: bool = False, alt_names: tuple[str, ...] = ()) -> Field:
    return Field(name, Fmt.DATETIME, required, alt_names=alt_names)


def month(name: str, required: bool = False) -> Field:
    return Field(name, Fmt.MONTH, required)


def integer(name: str, required: bool = False) -> Field:
    return Field(name, Fmt.INT, required)


def code(
    name: str,
    table: type[StrEnum],
    required: bool = False,
    aliases: Mapping[str, str] | None = None,
    alt_names: tuple[str, ...] = (),
) -> Field:
    return Field(
        name,
        Fmt.CODE,
        required,
        codes=frozenset(m.value for m in table),
        aliases=aliases or {},
        alt_names=alt_names,
    )


def group(
    name: str,
    *children: Field,
    required: bool = False,
    repeated: bool = False,
    max_count: int | None = None,
    also_in: tuple[str, ...] = (),
) -> Field:
    names = [child.name for child in children]
    if len(names) != len(set(names)):
        raise ValueError(f"{name}: duplicate children")
    return Field(
        name, required=required, children=children, repeated=repeated, max_count=max_count, also_in=also_in
    )


def wrapper(
    name: str, item: Field, required: bool = False, max_count: int | None = None, loose: bool = False
) -> Field:
    return Field(name, required=required, item=item, max_count=max_count, loose=loose)
