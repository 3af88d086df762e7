"""Sessions of the consent web: a facility's device (マイナ在宅受付Web) and a patient (menu and API).

A session is a random token the browser holds in an HttpOnly cookie (or a patient app as a
bearer token); only its SHA-256 is stored. Sessions expire and end on logout; they are never
extended, so a stolen token is useful for a bounded time only.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.facility import FacilityStatus
from onshi.domain.qualification import MemberKey
from onshi.store.cards import person_columns, person_of
from onshi.store.dialect import aware_jst
from onshi.store.schema import api_keys, facilities, web_sessions

_T = web_sessions.c
# Ended and expired sessions are deleted this long after they stop working.
RETENTION = timedelta(days=1)


class SessionKind(StrEnum):
    FACILITY = "facility"
    PATIENT = "patient"
    OPERATOR = "operator"  # the statistics pages (onshi.store.stats_sessions reads them)


class IdentityMode(StrEnum):
    """How a facility confirms the patient's identity in the home-visit web (seed 004)."""

    PIN = "pin"  # 4-digit PIN and the card
    VISUAL = "visual"  # 目視確認: staff check the card's photo against the patient

    @property
    def label_ja(self) -> str:
        return "暗証番号（4桁）とカード" if self is IdentityMode.PIN else "目視確認"


@dataclass(frozen=True, slots=True)
class WebSession:
    kind: SessionKind
    created_at: datetime
    expires_at: datetime
    facility_code: str | None = None
    facility_name: str | None = None
    credential_id: int | None = None
    identity_mode: IdentityMode | None = None
    certificate_serial: str | None = None
    person: MemberKey | None = None
    last_result: str | None = None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


async def create(
    conn: AsyncConnection,
    kind: SessionKind,
    at: datetime,
    lifetime: timedelta,
    *,
    facility_code: str | None = None,
    credential_id: int | None = None,
    identity_mode: IdentityMode | None = None,
    certificate_serial: str | None = None,
    person: MemberKey | None = None,
) -> str:
    """A new session; returns its token (shown once, to the browser or app)."""
    await conn.execute(delete(web_sessions).where(_T.expires_at < at - RETENTION))
    token = new_token()
    values: dict[str, Any] = {
        "token_hash": token_hash(token),
        "kind": kind.value,
        "facility_code": facility_code,
        "credential_id": credential_id,
        "identity_mode": identity_mode.value if identity_mode else None,
        "certificate_serial": certificate_serial,
        "created_at": at,
        "expires_at": at + lifetime,
        **(person_columns(person) if person else {}),
    }
    await conn.execute(insert(web_sessions).values(values))
    return token


async def get(conn: AsyncConnection, token: str, kind: SessionKind, at: datetime) -> WebSession | None:
    """The live session of this kind for the token: not expired, not ended, and — for a facility
    session — its API key not revoked and the facility still active."""
    if not token or len(token) > 128:
        return None
    query = (
        select(
            web_sessions, facilities.c.name.label("facility_name"), facilities.c.status, api_keys.c.revoked_at
        )
        .outerjoin(facilities, facilities.c.code == _T.facility_code)
        .outerjoin(api_keys, api_keys.c.id == _T.credential_id)
        .where(_T.token_hash == token_hash(token), _T.kind == kind.value, _T.ended_at.is_(None))
    )
    row = (await conn.execute(query)).mappings().first()
    if row is None or aware_jst(row["expires_at"]) <= at:
        return None
    if kind is SessionKind.FACILITY and (
        row["status"] != FacilityStatus.ACTIVE.value or row["revoked_at"] is not None
    ):
        return None
    mode = row["identity_mode"]
    return WebSession(
        kind=kind,
        created_at=aware_jst(row["created_at"]),
        expires_at=aware_jst(row["expires_at"]),
        facility_code=row["facility_code"],
        facility_name=row["facility_name"],
        credential_id=row["credential_id"],
        identity_mode=IdentityMode(mode) if mode else None,
        certificate_serial=row["certificate_serial"],
        person=person_of(row) if kind is SessionKind.PATIENT else None,
        last_result=row["last_result"],
    )


async def end(conn: AsyncConnection, token: str, at: datetime) -> None:
    await conn.execute(
        update(web_sessions)
        .where(_T.token_hash == token_hash(token), _T.ended_at.is_(None))
        .values(ended_at=at)
    )


async def set_identity_mode(conn: AsyncConnection, token: str, mode: IdentityMode) -> None:
    await conn.execute(
        update(web_sessions).where(_T.token_hash == token_hash(token)).values(identity_mode=mode.value)
    )


async def set_last_result(conn: AsyncConnection, token: str, result: str | None) -> None:
    await conn.execute(
        update(web_sessions).where(_T.token_hash == token_hash(token)).values(last_result=result)
    )
