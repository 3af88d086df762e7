"""Linkage (紐付け) of a card's certificate to one insured person — never silently, never twice.

In 2023 thousands of cards were found linked to the wrong person, because insurers had
matched on kana name, birth date and sex only. Here a certificate is linked to a person's
qualification record only when the card-surface data (券面事項: 氏名, 生年月日, 性別, 住所, and
the 氏名カナ J-LIS keeps) agree with what the insurer registered:

* 氏名 and 氏名カナ through `names.name_match_key` (spacing, old/new character forms, width,
  small kana); a registered 通称 (name of other) counts as the person's name too;
* 生年月日 and 性別 exactly;
* 住所 through `addresses.address_match_key`. Insurers are not obliged to hold addresses: when the
  record has none, the address is reported as *unverified* (and stored with the link), not as a
  match.

Every mismatching attribute is reported, so a reviewer sees all of them at once. A certificate
that already resolves to another person is refused whatever the data say: one card, one person.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from onshi.domain.addresses import addresses_match
from onshi.domain.codes import Sex
from onshi.domain.names import names_match
from onshi.domain.qualification import MemberKey, Qualification


@dataclass(frozen=True, slots=True)
class CardSurface:
    """券面事項 as the card's chip holds them, plus the kana J-LIS records."""

    name: str
    name_kana: str
    birthdate: date
    sex: Sex
    address: str


class Attribute(StrEnum):
    NAME = "name"
    KANA = "kana"
    BIRTHDATE = "birthdate"
    SEX = "sex"
    ADDRESS = "address"

    @property
    def label_ja(self) -> str:
        return _ATTRIBUTE_LABELS[self]


_ATTRIBUTE_LABELS = {
    Attribute.NAME: "氏名",
    Attribute.KANA: "氏名カナ",
    Attribute.BIRTHDATE: "生年月日",
    Attribute.SEX: "性別",
    Attribute.ADDRESS: "住所",
}


class LinkageRefusal(StrEnum):
    MISMATCH = "mismatch"  # the surface data disagree with the record
    LINKED_TO_OTHER = "linked_to_other"  # the certificate already resolves to someone else


@dataclass(frozen=True, slots=True)
class LinkageDecision:
    person: MemberKey
    mismatches: tuple[Attribute, ...]
    unverified: tuple[Attribute, ...]
    refusal: LinkageRefusal | None

    @property
    def linked(self) -> bool:
        return self.refusal is None

    @property
    def checked(self) -> tuple[Attribute, ...]:
        return tuple(a for a in Attribute if a not in self.unverified)

    @property
    def message_ja(self) -> str:
        if self.refusal is LinkageRefusal.LINKED_TO_OTHER:
            return "このカードは既に別の方の資格情報に登録されています。ご加入の医療保険者にお問い合わせください。"
        if self.refusal is LinkageRefusal.MISMATCH:
            items = "・".join(a.label_ja for a in self.mismatches)
            return (
                f"カードの券面事項と医療保険者の登録内容が一致しません（{items}）。"
                "ご加入の医療保険者にお問い合わせください。"
            )
        return ""


def compare(
    surface: CardSurface, record: Qualification
) -> tuple[tuple[Attribute, ...], tuple[Attribute, ...]]:
    """(mismatching attributes, attributes that could not be verified), each in Attribute order."""
    names = [record.name, *([record.name_of_other] if record.name_of_other else [])]
    kanas = [record.name_kana, *([record.name_of_other_kana] if record.name_of_other_kana else [])]
    agrees = {
        Attribute.NAME: any(names_match(surface.name, name) for name in names),
        Attribute.KANA: any(names_match(surface.name_kana, kana) for kana in kanas),
        Attribute.BIRTHDATE: surface.birthdate == record.birthdate,
        Attribute.SEX: surface.sex == record.sex1,
        Attribute.ADDRESS: record.address is None or addresses_match(surface.address, record.address),
    }
    mismatches = tuple(attribute for attribute in Attribute if not agrees[attribute])
    unverified = (Attribute.ADDRESS,) if record.address is None else ()
    return mismatches, unverified


def decide_linkage(
    surface: CardSurface, record: Qualification, linked_to: MemberKey | None
) -> LinkageDecision:
    """Whether the certificate whose holder shows `surface` may be linked to `record`'s person.

    `linked_to` is the person the certificate already resolves to, if any."""
    mismatches, unverified = compare(surface, record)
    if linked_to is not None and linked_to != record.key:
        return LinkageDecision(record.key, mismatches, unverified, LinkageRefusal.LINKED_TO_OTHER)
    refusal = LinkageRefusal.MISMATCH if mismatches else None
    return LinkageDecision(record.key, mismatches, unverified, refusal)


def record_to_compare(periods: Sequence[Qualification]) -> Qualification | None:
    """The version of a person's data to check against: their latest qualification period."""
    return max(periods, key=lambda q: q.qualification_date, default=None)
