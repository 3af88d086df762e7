"""The single confirmation's reads on PostgreSQL in one round trip (raw asyncpg, prepared).

One statement returns the presented API key's credential and its facility's status beside
every qualification period under the searched card number (the same rows as
`store.qualifications.family`), each flagged when the person has public-expense entitlements.
No key row → no rows at all. The caller decides what to do with a credential that does not
let it through (onshi.services.hot_confirmation hands those requests to the general path).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, cast

import asyncpg

from onshi.domain.actors import ActorKind
from onshi.domain.codes import Validity
from onshi.domain.eligibility import SuccessorLookup, Verdict
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import MemberKey, Qualification
from onshi.security.apikeys import hash_key
from onshi.store.qualifications import DATA_COLUMNS, to_domain

PERIOD_SELECT = ", ".join(f"q.{column}" for column in DATA_COLUMNS)
# Beside each period `q`: whether its person has public-expense entitlements, so that the
# public-expense queries run only for those (see needs_public_expense).
HAS_PUBLIC_EXPENSE = """(q.insurer_number IS NOT NULL AND (
          EXISTS (SELECT 1 FROM public_expense_recipients r
                  WHERE r.insurer_number = q.insurer_number AND r.symbol = q.symbol
                    AND r.number = q.number AND r.branch = q.branch)
          OR EXISTS (SELECT 1 FROM public_expense_recipients r
                     WHERE q.individual_key IS NOT NULL AND r.individual_key = q.individual_key)
       )) AS has_public_expense"""

# Constant SQL (column names from the schema, values as parameters).
KEY_AND_FAMILY = f"""
SELECT k.id AS auth_credential_id, k.actor_kind AS auth_actor_kind, k.actor_id AS auth_actor_id,
       k.revoked_at IS NOT NULL AS auth_revoked, f.status AS auth_facility_status,
       {PERIOD_SELECT}, i.name AS insurer_name, {HAS_PUBLIC_EXPENSE}
FROM api_keys k
LEFT JOIN facilities f ON k.actor_kind = '{ActorKind.FACILITY.value}' AND f.code = k.actor_id
LEFT JOIN (qualifications q JOIN insurers i ON i.insurer_number = q.insurer_number)
       ON q.insurer_number = $2 AND q.symbol = $3 AND q.number = $4
WHERE k.key_hash = $1
"""  # noqa: S608

KEY = f"""
SELECT k.id AS auth_credential_id, k.actor_kind AS auth_actor_kind, k.actor_id AS auth_actor_id,
       k.revoked_at IS NOT NULL AS auth_revoked, f.status AS auth_facility_status
FROM api_keys k
LEFT JOIN facilities f ON k.actor_kind = '{ActorKind.FACILITY.value}' AND f.code = k.actor_id
WHERE k.key_hash = $1
"""  # noqa: S608

SUCCESSORS = f"""
SELECT {PERIOD_SELECT}, i.name AS insurer_name
FROM qualifications q JOIN insurers i ON i.insurer_number = q.insurer_number
WHERE q.individual_key = $1 AND q.qualification_date > $2
"""  # noqa: S608


@dataclass(frozen=True, slots=True)
class KeyRow:
    """The presented key as the store has it (cf. store.apikeys.ResolvedKey)."""

    credential_id: int
    actor_kind: str
    actor_id: str
    revoked: bool
    facility_status: str | None


@dataclass(frozen=True, slots=True)
class KeyAndFamily:
    key: KeyRow
    family: list[Qualification]
    with_public_expense: frozenset[MemberKey]  # the family members that have entitlements


def rows_of(records: Sequence[asyncpg.Record]) -> list[Mapping[str, Any]]:
    # asyncpg records read by column name like SQLAlchemy's row mappings.
    return cast(list[Mapping[str, Any]], records)


async def key(conn: asyncpg.Connection, secret: str) -> KeyRow | None:
    """The presented key's credential and facility status; None when no key has this secret."""
    record = await conn.fetchrow(KEY, hash_key(secret))
    return key_row(rows_of([record])[0]) if record is not None else None


def key_row(record: Mapping[str, Any]) -> KeyRow:
    return KeyRow(
        record["auth_credential_id"],
        record["auth_actor_kind"],
        record["auth_actor_id"],
        record["auth_revoked"],
        record["auth_facility_status"],
    )


async def key_and_family(
    conn: asyncpg.Connection, secret: str, insurer: InsurerNumber, symbol: str, number: str
) -> KeyAndFamily | None:
    """None when no key has this secret."""
    records = rows_of(await conn.fetch(KEY_AND_FAMILY, hash_key(secret), insurer.digits, symbol, number))
    if not records:
        return None
    family, flagged = family_of(records)
    return KeyAndFamily(key_row(records[0]), family, flagged)


def family_of(records: Sequence[Mapping[str, Any]]) -> tuple[list[Qualification], frozenset[MemberKey]]:
    """The periods in rows of DATA_COLUMNS, insurer_name and has_public_expense (rows without a period
    skipped) and the members among them flagged with public expense."""
    family: list[Qualification] = []
    flagged: set[MemberKey] = set()
    for record in records:
        if record["insurer_number"] is None:
            continue  # a row without a period under these numbers
        qualification = to_domain(record)
        family.append(qualification)
        if record["has_public_expense"]:
            flagged.add(qualification.key)
    return family, frozenset(flagged)


def needs_public_expense(
    verdict: Verdict, family: list[Qualification], flagged: frozenset[MemberKey]
) -> bool:
    """Whether findings_of could find anything: a valid verdict with a person the lookup
    flagged, or one it did not see (never skipped on a guess)."""
    if verdict.validity is not Validity.VALID or not verdict.results:
        return False
    seen = {q.key for q in family}
    return any(q.key in flagged or q.key not in seen for q in verdict.results)


async def successors(conn: asyncpg.Connection, lookup: SuccessorLookup) -> list[Qualification]:
    """As store.qualifications.successors."""
    records = rows_of(await conn.fetch(SUCCESSORS, lookup.individual_key, lookup.acquired_after))
    return [to_domain(record) for record in records]
