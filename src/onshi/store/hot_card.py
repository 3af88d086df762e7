"""The card confirmation's database work on PostgreSQL in one round trip each (raw asyncpg,
prepared): issuing a challenge, and using it.

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

from onshi.domain.qualification import MemberKey, Qualification
from onshi.store.cards import CertificateRecord, Linkage, certificate_of, linkage_of
from onshi.store.hot_lookup import HAS_PUBLIC_EXPENSE, PERIOD_SELECT, family_of, rows_of

# The purge of a facility's old challenges (store.cards.CHALLENGE_RETENTION) rides along with
# an issue when $4 is true; the caller asks for it now and then, not on every request.
ISSUE = """
WITH purged AS (
    DELETE FROM card_challenges WHERE $4::boolean AND facility_code = $2 AND issued_at < $5
)
INSERT INTO card_challenges (nonce, facility_code, issued_at) VALUES ($1, $2, $3)
"""

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


async def issue_challenge(
    conn: asyncpg.Connection, nonce: str, facility_code: str, at: datetime, purge_before: datetime | None
) -> None:
    """Store the challenge; with `purge_before`, delete the facility's challenges issued before it."""
    purge = purge_before is not None
    await conn.execute(ISSUE, nonce, facility_code, at, purge, purge_before or at)


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
