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
from onshi.store.schema import insurers, members, qualifications

# The columns that make up a version's content (its hash decides "changed or not").
CONTENT_COLUMNS = (
    "disqualification_date",
    "reason_of_loss",
    "card_classification",
    "personal_family",
    "insured_name",
    "name",
    "name_kana",
    "name_of_other",
    "name_of_other_kana",
    "sex1",
    "sex2",
    "birthdate",
    "address",
    "post_number",
    "card_issued_on",
    "card_valid_from",
    "card_valid_to",
    "copay_percent",
    "preschool",
    "elderly_issued_on",
    "elderly_valid_from",
    "elderly_valid_to",
    "elderly_copay_percent",
    "limit_classification",
    "limit_category",
    "limit_issued_on",
    "limit_valid_from",
    "limit_valid_to",
    "limit_long_term_from",
    "specific_diseases",
)


def _opt(enum: Any, value: str | None) -> Any:
    return enum(value) if value is not None else None


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


def to_row(q: Qualification) -> dict[str, Any]:
    """The qualification as column values (without member_id, provenance and hash)."""
    elderly = q.elderly or ElderlyRecipientCertificate()
    limit = q.limit or LimitCertificate()
    return {
        "insurer_number": q.key.insurer_number.digits,
        "symbol": q.key.symbol,
        "number": q.key.number,
        "branch": q.key.branch or "",
        "qualification_date": q.qualification_date,
        "disqualification_date": q.disqualification_date,
        "reason_of_loss": q.reason_of_loss.value if q.reason_of_loss else None,
        "card_classification": q.card_classification.value,
        "personal_family": q.personal_family.value if q.personal_family else None,
        "insured_name": q.insured_name,
        "name": q.name,
        "name_kana": q.name_kana,
        "name_of_other": q.name_of_other,
        "name_of_other_kana": q.name_of_other_kana,
        "sex1": q.sex1.value,
        "sex2": q.sex2.value if q.sex2 else None,
        "birthdate": q.birthdate,
        "address": q.address,
        "post_number": q.post_number,
        "card_issued_on": q.card_issued_on,
        "card_valid_from": q.card_valid_from,
        "card_valid_to": q.card_valid_to,
        "copay_percent": q.copay_percent,
        "preschool": q.preschool,
        "elderly_issued_on": elderly.issued_on,
        "elderly_valid_from": elderly.valid_from,
        "elderly_valid_to": elderly.valid_to,
        "elderly_copay_percent": elderly.copay_percent,
        "limit_classification": limit.classification.value if limit.classification else None,
        "limit_category": limit.category.value if limit.category else None,
        "limit_issued_on": limit.issued_on,
        "limit_valid_from": limit.valid_from,
        "limit_valid_to": limit.valid_to,
        "limit_long_term_from": limit.long_term_from,
        "specific_diseases": _dump_diseases(q.specific_diseases),
    }


def content_hash(row: Mapping[str, Any]) -> str:
    payload = orjson.dumps([row[column] for column in CONTENT_COLUMNS])
    return hashlib.blake2b(payload, digest_size=16).hexdigest()


def to_domain(row: Mapping[str, Any]) -> Qualification:
    """A qualification from a row of `family_query` (qualification columns + insurer_name + individual_key)."""
    elderly = ElderlyRecipientCertificate(
        row["elderly_issued_on"],
        row["elderly_valid_from"],
        row["elderly_valid_to"],
        row["elderly_copay_percent"],
    )
    limit = LimitCertificate(
        _opt(LimitCertificateClass, row["limit_classification"]),
        _opt(LimitCategory, row["limit_category"]),
        row["limit_issued_on"],
        row["limit_valid_from"],
        row["limit_valid_to"],
        row["limit_long_term_from"],
    )
    return Qualification(
        key=MemberKey(
            InsurerNumber(row["insurer_number"]), row["symbol"], row["number"], row["branch"] or None
        ),
        insurer_name=row["insurer_name"],
        name=row["name"],
        name_kana=row["name_kana"],
        sex1=Sex(row["sex1"]),
        birthdate=row["birthdate"],
        qualification_date=row["qualification_date"],
        card_classification=CardClassification(row["card_classification"]),
        disqualification_date=row["disqualification_date"],
        reason_of_loss=_opt(ReasonOfLoss, row["reason_of_loss"]),
        personal_family=_opt(PersonalFamily, row["personal_family"]),
        insured_name=row["insured_name"],
        name_of_other=row["name_of_other"],
        name_of_other_kana=row["name_of_other_kana"],
        sex2=_opt(Sex, row["sex2"]),
        address=row["address"],
        post_number=row["post_number"],
        card_issued_on=row["card_issued_on"],
        card_valid_from=row["card_valid_from"],
        card_valid_to=row["card_valid_to"],
        copay_percent=row["copay_percent"],
        preschool=bool(row["preschool"]),
        elderly=elderly if elderly != ElderlyRecipientCertificate() else None,
        limit=limit if limit != LimitCertificate() else None,
        specific_diseases=_load_diseases(row["specific_diseases"]),
        individual_key=row["individual_key"],
        member_ref=row["member_id"],
    )


def _base_query() -> Select[Any]:
    return (
        select(qualifications, insurers.c.name.label("insurer_name"), members.c.individual_key)
        .join(members, members.c.id == qualifications.c.member_id)
        .join(insurers, insurers.c.insurer_number == qualifications.c.insurer_number)
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
        members.c.individual_key == lookup.individual_key,
        qualifications.c.qualification_date > lookup.acquired_after,
    )
    result = await conn.execute(query)
    return [to_domain(row) for row in result.mappings()]
