"""API keys of facilities, insurers and operators."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import ActorKind
from onshi.domain.dates import now_jst
from onshi.security.apikeys import NewKey, generate, hash_key
from onshi.store.schema import api_keys, facilities


@dataclass(frozen=True, slots=True)
class Credential:
    id: int
    actor_kind: ActorKind
    actor_id: str
    prefix: str
    label: str
    revoked: bool


async def create(
    conn: AsyncConnection, kind: ActorKind, actor_id: str, label: str = ""
) -> tuple[NewKey, int]:
    key = generate(kind)
    result = await conn.execute(
        insert(api_keys).values(
            actor_kind=kind.value,
            actor_id=actor_id,
            key_hash=key.digest,
            key_prefix=key.prefix,
            label=label,
            created_at=now_jst(),
        )
    )
    (key_id,) = result.inserted_primary_key or (0,)
    return key, int(key_id)


async def resolve(conn: AsyncConnection, secret: str) -> Credential | None:
    """The credential a presented key belongs to (revoked ones included, so callers can say so)."""
    row = (await conn.execute(select(api_keys).where(api_keys.c.key_hash == hash_key(secret)))).first()
    if row is None:
        return None
    return Credential(
        row.id, ActorKind(row.actor_kind), row.actor_id, row.key_prefix, row.label, row.revoked_at is not None
    )


async def revoke(conn: AsyncConnection, key_id: int) -> bool:
    result = await conn.execute(
        update(api_keys)
        .where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None))
        .values(revoked_at=now_jst())
    )
    return result.rowcount == 1


async def for_actor(conn: AsyncConnection, kind: ActorKind, actor_id: str) -> list[Credential]:
    query = select(api_keys).where(api_keys.c.actor_kind == kind.value, api_keys.c.actor_id == actor_id)
    return [
        Credential(r.id, ActorKind(r.actor_kind), r.actor_id, r.key_prefix, r.label, r.revoked_at is not None)
        for r in await conn.execute(query.order_by(api_keys.c.id))
    ]


@dataclass(frozen=True, slots=True)
class ResolvedKey:
    credential: Credential
    facility_status: str | None  # for facility keys: the facility's status, None when unregistered


async def resolve_with_facility(conn: AsyncConnection, secret: str) -> ResolvedKey | None:
    """Key and (for facility keys) the facility's status in one query — this runs on every request."""
    query = (
        select(api_keys, facilities.c.status.label("facility_status"))
        .outerjoin(
            facilities,
            (api_keys.c.actor_kind == ActorKind.FACILITY.value) & (facilities.c.code == api_keys.c.actor_id),
        )
        .where(api_keys.c.key_hash == hash_key(secret))
    )
    row = (await conn.execute(query)).first()
    if row is None:
        return None
    credential = Credential(
        row.id, ActorKind(row.actor_kind), row.actor_id, row.key_prefix, row.label, row.revoked_at is not None
    )
    return ResolvedKey(credential, row.facility_status)
