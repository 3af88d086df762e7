"""Signing in to a web page with an API key (the consent web, the statistics pages, the my
page): who the key says the caller is, and why it is refused. The same rules as every API call
(onshi.central.auth): unknown and revoked keys are refused, and a facility's key works only for
that facility and only while it is active."""

from __future__ import annotations

from dataclasses import dataclass

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import FacilityStatus
from onshi.store import apikeys
from onshi.store.database import Database


@dataclass(frozen=True, slots=True)
class KeyCheck:
    actor: Actor  # who is signing in (anonymous when the key is unknown or another's)
    refusal: str  # "" when the key opens a session, else why not (audited as refused:<refusal>)


async def check_facility_key(db: Database, code: str, secret: str) -> KeyCheck:
    """`secret` as a key of facility `code` (already trimmed)."""
    resolved = await _resolve(db, secret)
    if resolved is None:
        return KeyCheck(Actor(ActorKind.ANONYMOUS, code[:64] or "-", Channel.WEB), "unknown_key")
    credential = resolved.credential
    if credential.actor_kind is not ActorKind.FACILITY or credential.actor_id != code:
        return KeyCheck(Actor(ActorKind.ANONYMOUS, code[:64] or "-", Channel.WEB), "unknown_key")
    actor = Actor(ActorKind.FACILITY, code, Channel.WEB, credential.id)
    if credential.revoked:
        return KeyCheck(actor, "revoked_key")
    if resolved.facility_status != FacilityStatus.ACTIVE.value:
        return KeyCheck(actor, "facility_inactive")
    return KeyCheck(actor, "")


async def check_operator_key(db: Database, secret: str) -> KeyCheck:
    resolved = await _resolve(db, secret)
    if resolved is None:
        return KeyCheck(Actor(ActorKind.ANONYMOUS, "-", Channel.WEB), "unknown_key")
    credential = resolved.credential
    actor = Actor(credential.actor_kind, credential.actor_id, Channel.WEB, credential.id)
    if credential.revoked:
        return KeyCheck(actor, "revoked_key")
    return KeyCheck(actor, "" if credential.actor_kind is ActorKind.OPERATOR else "forbidden")


async def _resolve(db: Database, secret: str) -> apikeys.ResolvedKey | None:
    if not secret:
        return None
    async with db.read() as conn:
        return await apikeys.resolve_with_facility(conn, secret)
