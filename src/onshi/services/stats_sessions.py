"""Signing in to the statistics pages: an operator with an operator key (/operator/stats), a
facility with its code and key (its "my page", /mypage). Sessions are database rows whose
token the browser holds in an HttpOnly cookie (onshi.store.web_sessions); sign-ins and their
refusals are audited (`stats_web.login`, `mypage.login`)."""

from __future__ import annotations

from datetime import timedelta

from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.services.web_sign_in import check_facility_key, check_operator_key
from onshi.store import web_sessions
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.web_sessions import SessionKind

OPERATOR_SESSION = timedelta(hours=8)
FACILITY_SESSION = timedelta(hours=8)
OPERATOR_LOGIN = "stats_web.login"
FACILITY_LOGIN = "mypage.login"


async def operator_login(db: Database, audit: AuditLog, secret: str) -> str | None:
    """A session token when `secret` is an operator's live key, else None."""
    at = now_jst()
    check = await check_operator_key(db, secret.strip())
    actor, refusal = check.actor, check.refusal
    if refusal:
        await audit.record(AuditEvent(actor, OPERATOR_LOGIN, f"refused:{refusal}", occurred_at=at))
        return None
    async with db.write() as conn:
        token = await web_sessions.create(
            conn, SessionKind.OPERATOR, at, OPERATOR_SESSION, credential_id=actor.credential_id
        )
    await audit.record(AuditEvent(actor, OPERATOR_LOGIN, "signed_in", occurred_at=at))
    return token


async def facility_login(db: Database, audit: AuditLog, code: str, secret: str) -> str | None:
    """A session token when `secret` is an active key of facility `code` (an active facility)."""
    code, at = code.strip(), now_jst()
    check = await check_facility_key(db, code, secret.strip())
    actor, refusal = check.actor, check.refusal
    if refusal:
        await audit.record(AuditEvent(actor, FACILITY_LOGIN, f"refused:{refusal}", occurred_at=at))
        return None
    async with db.write() as conn:
        token = await web_sessions.create(
            conn,
            SessionKind.FACILITY,
            at,
            FACILITY_SESSION,
            facility_code=code,
            credential_id=actor.credential_id,
        )
    await audit.record(AuditEvent(actor, FACILITY_LOGIN, "signed_in", occurred_at=at))
    return token
