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
from onshi.domain.eligibility import SuccessorLookup
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import MemberKey, Qualification
from onshi.security.apikeys import hash_key
from onshi.store.qualifications import DATA_COLUMNS, to_domain

_Q = ", ".join(f"q.{column}" for column in DATA_COLUMNS)

# Constant SQL (column names from the schema, values as parameters).
KEY_AND_FAMILY = f"""
SELECT k.id AS auth_credential_id, k.actor_kind AS auth_actor_kind, k.actor_id AS auth_actor_id,
       k.revoked_at IS NOT NULL AS auth_revoked, f.status AS auth_facility_status,
       {_Q}, i.name AS insurer_name,
       (q.insurer_number IS NOT NULL AND (
          EXISTS (SELECT 1 FROM public_expense_recipients r
                  WHERE r.insurer_number = q.insurer_number AND r.symbol = q.symbol
                    AND r.number = q.number AND r.branch = q.branch)
          OR EXISTS (SELECT 1 FROM public_expense_recipients r
                     WHERE q.individual_key IS NOT NULL AND r.individual_key = q.individual_key)
       )) AS has_public_expense
FROM api_keys k
LEFT JOIN facilities f ON k.actor_kind = '{ActorKind.FACILITY.value}' AND f.code = k.actor_id
LEFT JOIN (qualifications q JOIN insurers i ON i.insurer_number = q.insurer_number)
       ON q.insurer_number = $2 AND q.symbol = $3 AND q.number = $4
WHERE k.key_hash = $1
"""  # noqa: S608

SUCCESSORS = f"""
SELECT {_Q}, i.name AS insurer_name
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


def _rows(records: Sequence[asyncpg.Record]) -> list[Mapping[str, Any]]:
    # asyncpg records read by column name like SQLAlchemy's row mappings.
    return cast(list[Mapping[str, Any]], records)


async def key_and_family(
    conn: asyncpg.Connection, secret: str, insurer: InsurerNumber, symbol: str, number: str
) -> KeyAndFamily | None:
    """None when no key has this secret."""
    records = _rows(await conn.fetch(KEY_AND_FAMILY, hash_key(secret), insurer.digits, symbol, number))
    if not records:
        return None
    first = records[0]
    key = KeyRow(
        first["auth_credential_id"],
        first["auth_actor_kind"],
        first["auth_actor_id"],
        first["auth_revoked"],
        first["auth_facility_status"],
    )
    family: list[Qualification] = []
    flagged: set[MemberKey] = set()
    for record in records:
        if record["insurer_number"] is None:
            continue  # the key's row alone: no period under these numbers
        qualification = to_domain(record)
        family.append(qualification)
        if record["has_public_expense"]:
            flagged.add(qualification.key)
    return KeyAndFamily(key, family, frozenset(flagged))


async def successors(conn: asyncpg.Connection, lookup: SuccessorLookup) -> list[Qualification]:
    """As store.qualifications.successors."""
    records = _rows(await conn.fetch(SUCCESSORS, lookup.individual_key, lookup.acquired_after))
    return [to_domain(record) for record in records]
