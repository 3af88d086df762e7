"""Who is calling the portal.

- API (`/api/v1/portal/…`): `Authorization: Bearer` with a portal session token (from
  `POST /api/v1/portal/sessions`, prefix `onshi_ps_`) or an API key of a facility, corporation or
  operator (onshi.central.auth: unknown, revoked and suspended ones refused). The API never reads
  the cookie, so a page's session cannot be used cross-site against it.
- Pages (`/portal/…`): the HttpOnly, SameSite=Strict session cookie only; no key opens them.

Every portal call counts against the caller's rate limit, like the rest of central.
"""

from __future__ import annotations

import math

from starlette.requests import Request

from onshi.central.auth import RATE_LIMITED, WRONG_KIND, AuthRefused, Refusal, authenticate, presented_key
from onshi.domain.actors import ActorKind, Channel
from onshi.portal.views import PORTAL_COOKIE, central_of
from onshi.services import portal_accounts
from onshi.services.portal_common import Principal
from onshi.store import portal_accounts as accounts
from onshi.store.portal_accounts import SESSION_PREFIX

PORTAL_KINDS = frozenset({ActorKind.FACILITY, ActorKind.CORPORATION, ActorKind.OPERATOR})
INVALID_SESSION = Refusal(
    401, "invalid_session", "ポータルのセッションが無効です。もう一度ログインしてください"
)
CORPORATION_UNKNOWN = Refusal(403, "corporation_unknown", "法人が登録されていません")
CORPORATION_SUSPENDED = Refusal(403, "corporation_suspended", "この法人の利用は停止されています")


async def api_principal(request: Request) -> Principal:
    """The caller of a portal API route, or AuthRefused (answered 401/403 by central)."""
    central = central_of(request)
    token = presented_key(request) or ""
    if token.startswith(SESSION_PREFIX):
        found = await portal_accounts.principal_for_session(central.db, token, Channel.API)
        if found is None:
            raise AuthRefused(INVALID_SESSION, {"WWW-Authenticate": 'Bearer realm="onshi-portal"'})
        _throttle(request, found)
        return found
    actor = await authenticate(central, request, PORTAL_KINDS, None)
    role = portal_accounts.role_of(actor.kind)
    if role is None:
        raise AuthRefused(WRONG_KIND)
    async with central.db.read() as conn:
        if actor.kind is ActorKind.CORPORATION:
            corporation = await accounts.corporation(conn, actor.id)
            if corporation is None:
                raise AuthRefused(CORPORATION_UNKNOWN)
            if corporation.status != accounts.ACTIVE:
                raise AuthRefused(CORPORATION_SUSPENDED)
        return await portal_accounts.principal(conn, role, actor.id, Channel.API, actor.credential_id)


def _throttle(request: Request, principal: Principal) -> None:
    throttled = central_of(request).limiter.take(f"{principal.actor.kind.value}:{principal.actor.id}")
    if throttled is not None:
        raise AuthRefused(RATE_LIMITED, {"Retry-After": str(max(1, math.ceil(throttled.retry_after)))})


async def page_principal(request: Request) -> Principal | None:
    token = request.cookies.get(PORTAL_COOKIE, "")
    if not token:
        return None
    return await portal_accounts.principal_for_session(central_of(request).db, token, Channel.WEB)
