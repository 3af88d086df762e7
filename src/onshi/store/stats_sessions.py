"""Operator sessions of the statistics pages: a web_sessions row of kind `operator`, opened with
an operator's API key, alive while the key is not revoked and the session not expired or ended."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import ActorKind
from onshi.store.dialect import aware_jst
from onshi.store.schema import api_keys, web_sessions
from onshi.store.web_sessions import SessionKind, token_hash


@dataclass(frozen=True, slots=True)
class OperatorSession:
    operator: str  # the key's actor id (the operator's name)
    credential_id: int
    expires_at: datetime


async def operator_session(conn: AsyncConnection, token: str, at: datetime) -> OperatorSession | None:
    if not token or len(token) > 128:
        return None
    s, k = web_sessions.c, api_keys.c
    query = (
        select(s.expires_at, k.id, k.actor_id, k.actor_kind, k.revoked_at)
        .join(api_keys, k.id == s.credential_id)
        .where(s.token_hash == token_hash(token), s.kind == SessionKind.OPERATOR.value, s.ended_at.is_(None))
    )
    row = (await conn.execute(query)).first()
    if row is None or aware_jst(row.expires_at) <= at:
        return None
    if row.revoked_at is not None or row.actor_kind != ActorKind.OPERATOR.value:
        return None
    return OperatorSession(row.actor_id, row.id, aware_jst(row.expires_at))
