"""The card confirmation's database work on PostgreSQL in one round trip each (raw asyncpg,
prepared): the key with a challenge issued for its facility, and the challenge's use.

`use_challenge` marks the challenge used (single use, the facility's, within its lifetime —
the same conditional UPDATE as store.cards.consume_challenge) and, in the same statement and
snapshot, reads the certificate's record, the facility's smartphone flag, the certificate's
linkage, the facility's reference number for the linked person and every period under the
person's card number with its public-expense flag (as store.hot_lookup). Nothing is cached:
revocation and linkage are read on every use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import asyncpg

from onshi.domain.actors import ActorKind
from onshi.domain.facility import FacilityStatus
from onshi.domain.qualification import MemberKey, Qualification
from onshi.security.apikeys import hash_key
from onshi.store.cards import CertificateRecord, Linkage, certificate_of, linkage_of
from onshi.store.hot_lookup import HAS_PUBLIC_EXPENSE, KEY, PERIOD_SELECT, KeyRow, family_of, key_row, rows_of

# The presented key (as store.hot_lookup.KEY) and, when it is an active facility's, the new
# challenge stored for that facility, in one statement. The caller still applies the rate limit
# and withdraws the challenge when it refuses (withdraw_challenge): nobody has seen it.
KEY_AND_ISSUE = f"""
WITH k AS ({KEY}),
issued AS (
    INSERT INTO card_challenges (nonce, facility_code, issued_at)
    SELECT $2, k.auth_actor_id, $3 FROM k
    WHERE NOT k.auth_revoked AND k.auth_actor_kind = '{ActorKind.FACILITY.value}'
      AND k.auth_facility_status = '{FacilityStatus.ACTIVE.value}'
    RETURNING 1
)
SELECT k.*, EXISTS (SELECT 1 FROM issued) AS challenge_issued FROM k
"""  # noqa: S608
WITHDRAW = "DELETE FROM card_challenges WHERE nonce = $1"
# A facility's challenges older than store.cards.CHALLENGE_RETENTION, deleted now and then (the
# caller decides when) rather than on every issue; expired ones are refused by their use anyway.
PURGE = "DELETE FROM card_challenges WHERE facility_code = $1 AND issued_at < $2"

_CERTIFICATE = ", ".join(
    f"c.{column} AS c_{column}"
    for column in (
        "serial", "fingerprint", "form_factor", "not_before", "not_after", "issued_at", "revoked_at",
        "revocation_reason", "holder_insurer_number", "holder_symbol", "holder_number", "holder_branch",
    )
)  # fmt: skip
_LINKAGE = ", ".join(
    f"l.{column} AS l_{column}"
    for column in ("insurer_number", "symbol", "number", "branch", "linked_at", "checked", "unverified")
)

# $1 nonce, $2 facility code, $3 certificate serial, $4 now, $5 the oldest issue still valid.
USE_CHALLENGE = f"""
WITH used AS (
    UPDATE card_challenges SET used_at = $4
    WHERE nonce = $1 AND facility_code = $2 AND used_at IS NULL AND issued_at >= $5
    RETURNING 1
)
SELECT EXISTS (SELECT 1 FROM used) AS challenge_used, {_CERTIFICATE},
       f.accepts_smartphone AS f_accepts_smartphone, {_LINKAGE}, r.reference_number AS r_reference_number,
       {PERIOD_SELECT}, i.name AS insurer_name, {HAS_PUBLIC_EXPENSE}
FROM (SELECT 1) AS one
LEFT JOIN card_certificates c ON c.serial = $3
LEFT JOIN facilities f ON f.code = $2
LEFT JOIN card_linkages l ON l.certificate_serial = c.serial
LEFT JOIN reference_numbers r
       ON r.facility_code = $2 AND r.insurer_number = l.insurer_number AND r.symbol = l.symbol
      AND r.number = l.number AND r.branch = l.branch
LEFT JOIN (qualifications q JOIN insurers i ON i.insurer_number = q.insurer_number)
       ON q.insurer_number = l.insurer_number AND q.symbol = l.symbol AND q.number = l.number
"""  # noqa: S608


async def key_and_issue(
    conn: asyncpg.Connection, secret: str, nonce: str, at: datetime
) -> tuple[KeyRow, bool] | None:
    """The key's row and whether the challenge was stored; None when no key has this secret."""
    record = await conn.fetchrow(KEY_AND_ISSUE, hash_key(secret), nonce, at)
    if record is None:
        return None
    return key_row(rows_of([record])[0]), bool(record["challenge_issued"])


async def withdraw_challenge(conn: asyncpg.Connection, nonce: str) -> None:
    await conn.execute(WITHDRAW, nonce)


async def purge_challenges(conn: asyncpg.Connection, facility_code: str, before: datetime) -> None:
    await conn.execute(PURGE, facility_code, before)


@dataclass(frozen=True, slots=True)
class UsedChallenge:
    record: CertificateRecord | None
    accepts_smartphone: bool
    link: Linkage | None
    reference_number: str | None  # the facility's, for the linked person
    family: list[Qualification]  # every period under the linked person's card number
    with_public_expense: frozenset[MemberKey]


async def use_challenge(
    conn: asyncpg.Connection, nonce: str, facility_code: str, serial: str, at: datetime, lifetime: timedelta
) -> UsedChallenge | None:
    """None when the challenge is unknown, another facility's, used or too old."""
    records = rows_of(await conn.fetch(USE_CHALLENGE, nonce, facility_code, serial, at, at - lifetime))
    first = records[0]  # (SELECT 1) LEFT JOIN …: always one row at least
    if not first["challenge_used"]:
        return None
    record = certificate_of(first, "c_") if first["c_serial"] is not None else None
    link = linkage_of(serial, first, "l_") if first["l_insurer_number"] is not None else None
    family, flagged = family_of(records)
    accepts = bool(first["f_accepts_smartphone"])
    return UsedChallenge(record, accepts, link, first["r_reference_number"], family, flagged)
