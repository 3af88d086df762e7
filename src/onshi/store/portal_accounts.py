"""Portal accounts: corporations (法人), facilities' accounts and portal sessions.

A session is a random token held by the browser (HttpOnly cookie) or an API client (bearer);
only its SHA-256 is stored. Sessions are never extended; they end at `expires_at`, on logout,
or as soon as the account behind them is suspended (or, for operators, the key revoked).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.facility import FacilityStatus
from onshi.domain.portal.onboarding import Stage
from onshi.domain.portal.roles import Role
from onshi.store.dialect import aware_jst
from onshi.store.schema import api_keys, facilities, portal_corporations, portal_facilities, portal_sessions
from onshi.store.web_sessions import token_hash

ACTIVE = "active"
SUSPENDED = "suspended"
SESSION_PREFIX = "onshi_ps_"  # tells a portal session token from an API key (onshi_fk_…)
RETENTION = timedelta(days=1)

_C = portal_corporations.c
_F = portal_facilities.c
_S = portal_sessions.c


@dataclass(frozen=True, slots=True)
class Corporation:
    login: str
    name: str
    email: str
    status: str
    password_hash: str


@dataclass(frozen=True, slots=True)
class FacilityAccount:
    facility_code: str
    corporation_login: str | None
    email: str
    status: str
    opened_on: date | None
    paper_claims: bool
    password_hash: str | None


# --- corporations ----------------------------------------------------------------------------------


async def add_corporation(
    conn: AsyncConnection, login: str, name: str, email: str, password_hash: str, at: datetime
) -> bool:
    """False when the login is taken."""
    if await corporation(conn, login) is not None:
        return False
    await conn.execute(
        insert(portal_corporations).values(
            login=login, name=name, email=email, password_hash=password_hash, status=ACTIVE, created_at=at
        )
    )
    return True


async def corporation(conn: AsyncConnection, login: str) -> Corporation | None:
    row = (await conn.execute(select(portal_corporations).where(_C.login == login))).first()
    return Corporation(row.login, row.name, row.email, row.status, row.password_hash) if row else None


async def corporations(conn: AsyncConnection) -> list[Corporation]:
    rows = await conn.execute(select(portal_corporations).order_by(_C.login))
    return [Corporation(r.login, r.name, r.email, r.status, r.password_hash) for r in rows]


async def link(conn: AsyncConnection, facility_code: str, corporation_login: str | None) -> bool:
    result = await conn.execute(
        update(portal_facilities)
        .where(_F.facility_code == facility_code)
        .values(corporation_login=corporation_login)
    )
    return result.rowcount == 1


# --- facility accounts -----------------------------------------------------------------------------


async def add_facility_account(
    conn: AsyncConnection, account: FacilityAccount, registered_by: str, at: datetime
) -> None:
    await conn.execute(
        insert(portal_facilities).values(
            facility_code=account.facility_code,
            corporation_login=account.corporation_login,
            password_hash=account.password_hash,
            email=account.email,
            status=ACTIVE,
            opened_on=account.opened_on,
            paper_claims=account.paper_claims,
            stage=Stage.REGISTERED.value,
            stage_since=at,
            registered_at=at,
            registered_by=registered_by,
        )
    )


def _account(row: Any) -> FacilityAccount:
    return FacilityAccount(
        row.facility_code, row.corporation_login, row.email, row.status, row.opened_on, row.paper_claims,
        row.password_hash,
    )  # fmt: skip


async def facility_account(conn: AsyncConnection, facility_code: str) -> FacilityAccount | None:
    row = (await conn.execute(select(portal_facilities).where(_F.facility_code == facility_code))).first()
    return _account(row) if row else None


async def facilities_of(conn: AsyncConnection, corporation_login: str) -> set[str]:
    query = select(_F.facility_code).where(_F.corporation_login == corporation_login)
    return set((await conn.execute(query)).scalars())


async def set_facility_status(conn: AsyncConnection, facility_code: str, status: str) -> bool:
    result = await conn.execute(
        update(portal_facilities).where(_F.facility_code == facility_code).values(status=status)
    )
    return result.rowcount == 1


async def set_corporation_status(conn: AsyncConnection, login: str, status: str) -> bool:
    result = await conn.execute(update(portal_corporations).where(_C.login == login).values(status=status))
    return result.rowcount == 1


async def set_password(conn: AsyncConnection, facility_code: str, password_hash: str) -> None:
    await conn.execute(
        update(portal_facilities).where(_F.facility_code == facility_code).values(password_hash=password_hash)
    )


# --- sessions --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PortalSession:
    role: Role
    subject: str
    credential_id: int | None
    expires_at: datetime


async def open_session(
    conn: AsyncConnection,
    role: Role,
    subject: str,
    at: datetime,
    lifetime: timedelta,
    credential_id: int | None,
) -> str:
    """A new session; returns its token (shown once)."""
    await conn.execute(delete(portal_sessions).where(_S.expires_at < at - RETENTION))
    token = SESSION_PREFIX + secrets.token_urlsafe(32)
    await conn.execute(
        insert(portal_sessions).values(
            token_hash=token_hash(token), role=role.value, subject=subject, credential_id=credential_id,
            created_at=at, expires_at=at + lifetime,
        )
    )  # fmt: skip
    return token


async def session(conn: AsyncConnection, token: str, at: datetime) -> PortalSession | None:
    """The live session for the token, when the account behind it is still usable."""
    if not token.startswith(SESSION_PREFIX) or len(token) > 128:
        return None
    row = (
        await conn.execute(
            select(portal_sessions).where(_S.token_hash == token_hash(token), _S.ended_at.is_(None))
        )
    ).first()
    if row is None or aware_jst(row.expires_at) <= at:
        return None
    found = PortalSession(Role(row.role), row.subject, row.credential_id, aware_jst(row.expires_at))
    return found if await _usable(conn, found) else None


async def _usable(conn: AsyncConnection, found: PortalSession) -> bool:
    if found.role is Role.FACILITY:
        query = (
            select(_F.status, facilities.c.status.label("facility_status"))
            .join(facilities, facilities.c.code == _F.facility_code)
            .where(_F.facility_code == found.subject)
        )
        row = (await conn.execute(query)).first()
        return row is not None and row.status == ACTIVE and row.facility_status == FacilityStatus.ACTIVE.value
    if found.role is Role.CORPORATION:
        status = (await conn.execute(select(_C.status).where(_C.login == found.subject))).scalar()
        return status == ACTIVE
    revoked = (
        await conn.execute(select(api_keys.c.revoked_at).where(api_keys.c.id == found.credential_id))
    ).first()
    return revoked is not None and revoked.revoked_at is None


async def end_session(conn: AsyncConnection, token: str, at: datetime) -> None:
    await conn.execute(
        update(portal_sessions)
        .where(_S.token_hash == token_hash(token), _S.ended_at.is_(None))
        .values(ended_at=at)
    )
