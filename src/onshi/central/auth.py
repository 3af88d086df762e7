"""Authentication of every API call: a terminal's client certificate (mutual TLS) or an
API key per facility, insurer or operator.

A client certificate, when presented, has already been verified against the facility CA by
the TLS layer (`central.tls`); here it is looked up on every request, so a revoked one
stops working at once. Keys come as `Authorization: Bearer <key>` or `X-API-Key: <key>`.
Unknown, revoked, expired or wrong-kind credentials and those of unregistered or suspended
facilities are refused; refusals on confirmation endpoints are audited like any other
confirmation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import Response

from onshi.central.context import Central
from onshi.central.responses import problem
from onshi.central.tls import client_certificate_der
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityStatus
from onshi.security.facility_ca import fingerprint_der
from onshi.store import apikeys, certificates


@dataclass(frozen=True, slots=True)
class Refusal:
    status: int
    code: str
    message: str


class AuthRefused(Exception):
    def __init__(self, refusal: Refusal, headers: dict[str, str] | None = None) -> None:
        super().__init__(refusal.message)
        self.refusal = refusal
        self.headers = headers or {}


MISSING = Refusal(401, "missing_key", "APIキーが必要です（Authorization: Bearer <key>）")
UNKNOWN = Refusal(401, "unknown_key", "APIキーが無効です")
REVOKED = Refusal(401, "revoked_key", "このAPIキーは失効しています")
WRONG_KIND = Refusal(403, "forbidden", "このAPIキーではこの操作はできません")
FACILITY_UNKNOWN = Refusal(403, "facility_unknown", "医療機関等が登録されていません")
FACILITY_SUSPENDED = Refusal(403, "facility_suspended", "医療機関等の利用が停止されています")
CERTIFICATE_UNKNOWN = Refusal(401, "unknown_certificate", "この電子証明書は発行記録がありません")
CERTIFICATE_REVOKED = Refusal(401, "revoked_certificate", "この電子証明書は失効しています")
RATE_LIMITED = Refusal(
    429, "rate_limited", "要求が多すぎます。しばらく待ってから再度お試しください（Retry-After 秒後）"
)
CERTIFICATE_EXPIRED = Refusal(401, "expired_certificate", "この電子証明書は有効期間外です。更新してください")


def refusal_response(error: AuthRefused) -> Response:
    headers = dict(error.headers)
    if error.refusal.status == 401:
        headers["WWW-Authenticate"] = 'Bearer realm="onshi"'
    return problem(error.refusal.status, error.refusal.code, error.refusal.message, headers or None)


def presented_key(request: Request) -> str | None:
    return key_of(request.headers.get("authorization"), request.headers.get("x-api-key"))


def key_of(authorization: str | None, x_api_key: str | None) -> str | None:
    """The key of a request with these two headers (the hot path reads them itself)."""
    header = authorization or ""
    if header[:7].lower() == "bearer ":
        return header[7:].strip() or None
    return x_api_key or None


async def authenticate(
    central: Central, request: Request, allowed: frozenset[ActorKind], action: str | None
) -> Actor:
    """The actor behind the request's key, or AuthRefused. `action` names the audited action
    (confirmations), None for calls whose refusals need not be audited. A caller over its
    rate limit is refused with 429 (onshi.central.ratelimit)."""
    actor = await _identify(central, request, allowed, action)
    await throttle(central, actor, action)
    return actor


async def throttle(central: Central, actor: Actor, action: str | None) -> None:
    """Spend one of the caller's tokens, or refuse with 429 (the first refusal each minute audited)."""
    throttled = central.limiter.take(f"{actor.kind.value}:{actor.id}")
    if throttled is not None:
        retry = str(max(1, math.ceil(throttled.retry_after)))
        if throttled.audit:
            detail = {"refused_since_last_record": throttled.refused_since_audit, "retry_after": retry}
            event = AuditEvent(actor, action or "api.call", f"refused:{RATE_LIMITED.code}", detail=detail)
            await central.audit.record(event)
        raise AuthRefused(RATE_LIMITED, {"Retry-After": retry})


async def _identify(
    central: Central, request: Request, allowed: frozenset[ActorKind], action: str | None
) -> Actor:
    der = client_certificate_der(request)
    if der is not None:
        return await _certificate_actor(central, der, allowed, action)
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


async def _certificate_actor(
    central: Central, der: bytes, allowed: frozenset[ActorKind], action: str | None
) -> Actor:
    anonymous = Actor(ActorKind.ANONYMOUS, "-", Channel.TERMINAL)
    async with central.db.read() as conn:
        found = await certificates.by_fingerprint(conn, fingerprint_der(der))
    if found is None:
        await _refuse(central, CERTIFICATE_UNKNOWN, action, anonymous)
    assert found is not None
    actor = Actor(ActorKind.FACILITY, found.facility_code, Channel.TERMINAL)
    if found.revoked_at is not None:
        await _refuse(central, CERTIFICATE_REVOKED, action, actor)
    if not found.valid_at(now_jst()):
        await _refuse(central, CERTIFICATE_EXPIRED, action, actor)
    if ActorKind.FACILITY not in allowed:
        await _refuse(central, WRONG_KIND, action, actor)
    if found.facility_status is None:
        await _refuse(central, FACILITY_UNKNOWN, action, actor)
    if found.facility_status != FacilityStatus.ACTIVE.value:
        await _refuse(central, FACILITY_SUSPENDED, action, actor)
    return actor


async def _refuse(
    central: Central, refusal: Refusal, action: str | None, actor: Actor, key_prefix: str = ""
) -> None:
    if action is not None:
        detail = {"key_prefix": key_prefix} if key_prefix else None
        await central.audit.record(AuditEvent(actor, action, f"refused:{refusal.code}", detail=detail))
    raise AuthRefused(refusal)
