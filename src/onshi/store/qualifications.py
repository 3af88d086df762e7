"""Qualification rows ↔ domain objects, and the lookups a confirmation needs."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

import orjson
from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.codes import (
    CardClassification,
    LimitCategory,
    LimitCertificateClass,
    PersonalFamily,
    ReasonOfLoss,
    Sex,
    SpecificDisease,
)
from onshi.domain.eligibility import SuccessorLookup
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import (
    ElderlyRecipientCertificate,
    LimitCertificate,
    MemberKey,
    Qualification,
    SpecificDiseaseCertificate,
)
from onshi.store.dialect import restrict_to_keys
from onshi.store.schema import insurers, qualifications


def _dump_diseases(certificates: Sequence[SpecificDiseaseCertificate]) -> str | None:
    if not certificates:
        return None
    return orjson.dumps(
        [
            {
                "category": c.category.value,
                "issued_on": c.issued_on,
                "valid_from": c.valid_from,
                "valid_to": c.valid_to,
                "self_pay_limit_yen": c.self_pay_limit_yen,
            }
            for c in certificates
        ]
    ).decode()


def _load_diseases(text: str | None) -> tuple[SpecificDiseaseCertificate, ...]:
    if not text:
        return ()

    def day(value: str | None) -> date | None:
        return date.fromisoformat(value) if value else None

    return tuple(
        SpecificDiseaseCertificate(
            category=SpecificDisease(item["category"]),
            issued_on=day(item["issued_on"]),
            valid_from=day(item["valid_from"]),
            valid_to=day(item["valid_to"]),
            self_pay_limit_yen=item["self_pay_limit_yen"],
        )
        for item in orjson.loads(text)
    )


# A staged row: the member's card key, then the period's columns in schema order.
KEY_COLUMNS = ("insurer_number", "symbol", "number", "branch")
PERIOD_COLUMNS = (
    "qualification_date", "individual_key", "disqualification_date",
    "reason_of_loss", "card_classification", "personal_family", "insured_name", "name", "name_kana",
    "name_of_other", "name_of_other_kana", "sex1", "sex2", "birthdate", "address", "post_number",
    "card_issued_on", "card_valid_from", "card_valid_to", "copay_percent", "preschool",
    "elderly_issued_on", "elderly_valid_from", "elderly_valid_to", "elderly_copay_percent",
    "limit_classification", "limit_category", "limit_issued_on", "limit_valid_from", "limit_valid_to",
    "limit_long_term_from", "specific_diseases",
)  # fmt: skip
DATA_COLUMNS = KEY_COLUMNS + PERIOD_COLUMNS
PERIOD_KEY_WIDTH = len(KEY_COLUMNS) + 1  # the card key and qualification_date
# Each data column from the feed column that carries it (onshi.feeds.insurer_csv), with the
# value an empty cell stands for. The bulk import builds rows from these, column by column.
FEED_COLUMNS: dict[str, tuple[str, Any]] = {
    "symbol": ("insured_card_symbol", ""),
    "number": ("insured_identification_number", None),
    "branch": ("insured_branch_number", ""),
    "qualification_date": ("qualification_date", None),
    "individual_key": ("individual_key", None),
    "disqualification_date": ("disqualification_date", None),
    "reason_of_loss": ("reason_of_loss", None),
    "card_classification": ("insured_card_classification", CardClassification.GENERAL),
    "personal_family": ("personal_family_classification", None),
    "insured_name": ("insured_name", None),
    "name": ("name", None),
    "name_kana": ("name_kana", None),
    "name_of_other": ("name_of_other", None),
    "name_of_other_kana": ("name_of_other_kana", None),
    "sex1": ("sex1", None),
    "sex2": ("sex2", None),
    "birthdate": ("birthdate", None),
    "address": ("address", None),
    "post_number": ("post_number", None),
    "card_issued_on": ("insured_certificate_issuance_date", None),
    "card_valid_from": ("insured_card_valid_date", None),
    "card_valid_to": ("insured_card_expiration_date", None),
    "copay_percent": ("insured_partial_contribution_ratio", None),
    "elderly_issued_on": ("elderly_recipient_certificate_date", None),
    "elderly_valid_from": ("elderly_recipient_valid_start_date", None),
    "elderly_valid_to": ("elderly_recipient_valid_end_date", None),
    "elderly_copay_percent": ("elderly_recipient_contribution_ratio", None),
    "limit_classification": ("limit_application_certificate_classification", None),
    "limit_category": ("limit_application_certificate_classification_flag", None),
    "limit_issued_on": ("limit_application_certificate_date", None),
    "limit_valid_from": ("limit_application_certificate_valid_start_date", None),
    "limit_valid_to": ("limit_application_certificate_valid_end_date", None),
    "limit_long_term_from": ("limit_application_certificate_long_term_date", None),
}


def feed_data_columns(columns: Mapping[str, list[Any]], count: int) -> list[list[Any]]:
    """The DATA_COLUMNS of `count` accepted feed rows, given the feed's parsed columns.

    The bulk import's hot path: no domain object and no dict per row. tests/store/
    test_row_mapping.py checks that this and `to_domain` agree with the feed's own domain
    mapping (`qualification_from_values`) for whole generated populations."""
    empty: list[Any] = [None] * count
    data: list[list[Any]] = [[number.digits for number in columns["insurer_number"]]]
    for column in DATA_COLUMNS[1:]:
        if column == "preschool":
            data.append([value is not None for value in columns.get("preschool_classification", empty)])
        elif column == "specific_diseases":
            data.append([_dump_diseases(value) if value else None for value in columns.get(column, empty)])
        else:
            source, default = FEED_COLUMNS[column]
            values = columns.get(source, empty)
            data.append(
                values if default is None else [default if value is None else value for value in values]
            )
    return data


def content_hash(data: tuple[Any, ...]) -> str:
    """Hash of a version's content: everything but the period's key (decides "changed or not")."""
    return hashlib.blake2b(orjson.dumps(data[PERIOD_KEY_WIDTH:]), digest_size=16).hexdigest()


def _code(enum: Any) -> Any:
    """`enum(value)` for a stored code, by a dict lookup first (Enum.__call__ costs ≈ 1 µs and a
    period has up to six codes); an unknown value still raises enum's own ValueError."""
    members = enum._value2member_map_

    def of(value: Any) -> Any:
        member = members.get(value)
        return member if member is not None else enum(value)

    return of


def _optional_code(enum: Any) -> Any:
    code = _code(enum)
    return lambda value: None if value is None else code(value)


_sex, _card_class = _code(Sex), _code(CardClassification)
_sex2, _reason_of_loss = _optional_code(Sex), _optional_code(ReasonOfLoss)
_personal_family = _optional_code(PersonalFamily)
_limit_class, _limit_category = _optional_code(LimitCertificateClass), _optional_code(LimitCategory)


def to_domain(row: Mapping[str, Any]) -> Qualification:
    """A qualification from a row of `family_query` (qualification columns + insurer_name + individual_key).

    On every confirmation (one call per period): the certificates are built only when a
    column of theirs is set (an all-empty certificate is None, as before)."""
    elderly = None
    elderly_values = (
        row["elderly_issued_on"],
        row["elderly_valid_from"],
        row["elderly_valid_to"],
        row["elderly_copay_percent"],
    )
    if elderly_values != _NO_ELDERLY:
        elderly = ElderlyRecipientCertificate(*elderly_values)
    limit = None
    limit_values = (
        row["limit_classification"],
        row["limit_category"],
        row["limit_issued_on"],
        row["limit_valid_from"],
        row["limit_valid_to"],
        row["limit_long_term_from"],
    )
    if limit_values != _NO_LIMIT:
        classification, category, *days = limit_values
        limit = LimitCertificate(_limit_class(classification), _limit_category(category), *days)
    diseases = row["specific_diseases"]
    return Qualification(
        key=MemberKey(
            InsurerNumber(row["insurer_number"]), row["symbol"], row["number"], row["branch"] or None
        ),
        insurer_name=row["insurer_name"],
        name=row["name"],
        name_kana=row["name_kana"],
        sex1=_sex(row["sex1"]),
        birthdate=row["birthdate"],
        qualification_date=row["qualification_date"],
        card_classification=_card_class(row["card_classification"]),
        disqualification_date=row["disqualification_date"],
        reason_of_loss=_reason_of_loss(row["reason_of_loss"]),
        personal_family=_personal_family(row["personal_family"]),
        insured_name=row["insured_name"],
        name_of_other=row["name_of_other"],
        name_of_other_kana=row["name_of_other_kana"],
        sex2=_sex2(row["sex2"]),
        address=row["address"],
        post_number=row["post_number"],
        card_issued_on=row["card_issued_on"],
        card_valid_from=row["card_valid_from"],
        card_valid_to=row["card_valid_to"],
        copay_percent=row["copay_percent"],
        preschool=bool(row["preschool"]),
        elderly=elderly,
        limit=limit,
        specific_diseases=_load_diseases(diseases) if diseases else (),
        individual_key=row["individual_key"],
    )


_NO_ELDERLY = (None,) * 4  # the columns of ElderlyRecipientCertificate()
_NO_LIMIT = (None,) * 6  # … of LimitCertificate()


def _base_query() -> Select[Any]:
    """The columns `to_domain` reads: not the import's bookkeeping (content hash, import id and
    line, version, recorded_at), which a batch chunk would decode for a thousand rows."""
    columns = [qualifications.c[name] for name in DATA_COLUMNS]
    return select(*columns, insurers.c.name.label("insurer_name")).join(
        insurers, insurers.c.insurer_number == qualifications.c.insurer_number
    )


async def family(
    conn: AsyncConnection, insurer: InsurerNumber, symbol: str, number: str
) -> list[Qualification]:
    """Every qualification period under one card number (all branch numbers)."""
    query = _base_query().where(
        qualifications.c.insurer_number == insurer.digits,
        qualifications.c.symbol == symbol,
        qualifications.c.number == number,
    )
    result = await conn.execute(query)
    return [to_domain(row) for row in result.mappings()]


async def successors(conn: AsyncConnection, lookup: SuccessorLookup) -> list[Qualification]:
    """The individual's qualifications acquired after `lookup.acquired_after`, under any numbers."""
    query = _base_query().where(
        qualifications.c.individual_key == lookup.individual_key,
        qualifications.c.qualification_date > lookup.acquired_after,
    )
    result = await conn.execute(query)
    return [to_domain(row) for row in result.mappings()]


CardNumber = tuple[str, str, str]  # 保険者番号 (digits), 記号, 番号


async def families(
    conn: AsyncConnection, numbers: Sequence[CardNumber]
) -> dict[CardNumber, list[Qualification]]:
    """`family` for many card numbers in one query (batch inquiry): every number asked for
    is in the answer, with no periods when none are registered."""
    found: dict[CardNumber, list[Qualification]] = {number: [] for number in numbers}
    if not found:
        return found
    columns = (qualifications.c.insurer_number, qualifications.c.symbol, qualifications.c.number)
    result = await conn.execute(restrict_to_keys(conn, _base_query(), columns, list(found)))
    for row in result.mappings():
        found[(row["insurer_number"], row["symbol"], row["number"])].append(to_domain(row))
    return found


async def successors_of_many(
    conn: AsyncConnection, lookups: Sequence[SuccessorLookup]
) -> dict[str, list[Qualification]]:
    """Every qualification of the individuals named by `lookups`, by individual key, in one
    query (`with_successors` keeps the later ones)."""
    found: dict[str, list[Qualification]] = {lookup.individual_key: [] for lookup in lookups}
    if not found:
        return found
    query = restrict_to_keys(conn, _base_query(), (qualifications.c.individual_key,), [(k,) for k in found])
    for row in (await conn.execute(query)).mappings():
        found[row["individual_key"]].append(to_domain(row))
    return found
