"""Signing in to the statistics pages: an operator with an operator key (/operator/stats), a
facility with its code and key (its "my page", /mypage). Sessions are database rows whose
token the browser holds in an HttpOnly cookie (onshi.store.web_sessions); sign-ins and their
refusals are audited (`stats_web.login`, `mypage.login`)."""

from __future__ import annotations

from datetime import timedelta

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityStatus
from onshi.store import apikeys, web_sessions
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
    async with db.read() as conn:
        resolved = await apikeys.resolve_with_facility(conn, secret.strip()) if secret.strip() else None
    actor, refusal = Actor(ActorKind.ANONYMOUS, "-", Channel.WEB), "unknown_key"
    if resolved is not None:
        credential = resolved.credential
        actor = Actor(credential.actor_kind, credential.actor_id, Channel.WEB, credential.id)
        refusal = (
            "revoked_key"
            if credential.revoked
            else ("" if credential.actor_kind is ActorKind.OPERATOR else "forbidden")
        )
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
    async with db.read() as conn:
        resolved = await apikeys.resolve_with_facility(conn, secret.strip()) if secret.strip() else None
    actor, refusal = Actor(ActorKind.ANONYMOUS, code[:64] or "-", Channel.WEB), "unknown_key"
    if (
        resolved is not None
        and resolved.credential.actor_kind is ActorKind.FACILITY
        and resolved.credential.actor_id == code
    ):
        credential = resolved.credential
        actor = Actor(ActorKind.FACILITY, code, Channel.WEB, credential.id)
        if credential.revoked:
            refusal = "revoked_key"
        elif resolved.facility_status != FacilityStatus.ACTIVE.value:
            refusal = "facility_inactive"
        else:
            refusal = ""
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
