"""Authentication of every API call: an API key per facility, insurer or operator.

Keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>`. Unknown, revoked,
wrong-kind keys and keys of unregistered or suspended facilities are refused; refusals on
confirmation endpoints are audited like any other confirmation.
"""

from __future__ import annotations

from dataclasses import dataclass

from starlette.requests import Request

from onshi.central.context import Central
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.domain.facility import FacilityStatus
from onshi.store import apikeys


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: str
    message: str


class AuthRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal


MISSING = Refusal(401, "missing_key", "APIキーが必要です（Authorization: Bearer <key>）")
UNKNOWN = Refusal(401, "unknown_key", "APIキーが無効です")
REVOKED = Refusal(401, "revoked_key", "このAPIキーは失効しています")
WRONG_KIND = Refusal(403, "forbidden", "このAPIキーではこの操作はできません")
FACILITY_UNKNOWN = Refusal(403, "facility_unknown", "医療機関等が登録されていません")
FACILITY_SUSPENDED = Refusal(403, "facility_suspended", "医療機関等の利用が停止されています")


def presented_key(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return request.headers.get("x-api-key") or None


async def authenticate(
    central: Central, request: Request, allowed: frozenset[ActorKind], action: str | None
) -> Actor:
    """The actor behind the request's key, or AuthRefused. `action` names the audited action
    (confirmations), None for calls whose refusals need not be audited."""
    secret = presented_key(request)
    if secret is None:
        await _refuse(central, MISSING, action, Actor(ActorKind.ANONYMOUS, "-", Channel.API))
    assert secret is not None
    async with central.db.read() as conn:
        resolved = await apikeys.resolve_with_facility(conn, secret)
    if resolved is None:
        await _refuse(central, UNKNOWN, action, Actor(ActorKind.ANONYMOUS, "-", Channel.API), secret[:14])
    assert resolved is not None
    credential = resolved.credential
    actor = Actor(credential.actor_kind, credential.actor_id, Channel.API, credential.id)
    if credential.revoked:
        await _refuse(central, REVOKED, action, actor)
    if credential.actor_kind not in allowed:
        await _refuse(central, WRONG_KIND, action, actor)
    if credential.actor_kind is ActorKind.FACILITY:
        if resolved.facility_status is None:
            await _refuse(central, FACILITY_UNKNOWN, action, actor)
        if resolved.facility_status != FacilityStatus.ACTIVE.value:
            await _refuse(central, FACILITY_SUSPENDED, action, actor)
    return actor


async def _refuse(
    central: Central, refusal: Refusal, action: str | None, actor: Actor, key_prefix: str = ""
) -> None:
    if action is not None:
        detail = {"key_prefix": key_prefix} if key_prefix else None
        await central.audit.record(AuditEvent(actor, action, f"refused:{refusal.code}", detail=detail))
    raise AuthRefused(refusal)
