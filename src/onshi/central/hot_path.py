"""The hot path of `POST /api/v1/confirmations` on PostgreSQL (95 % of the traffic).

The general route costs ≈ 3 ms of Python per request: FastAPI's request handling, then three
SQLAlchemy transactions (API key, qualification periods, public expense). Here the same
request is answered with one prepared statement on a raw asyncpg connection
(onshi.store.hot_lookup: key, facility status and the card number's periods, each flagged
when the person has public expense), the same domain rules, the same audit record through the
group commit, and the same response — byte for byte. A JSON answer without public expense
is built straight from the verdict (confirmations.json_answer_body, onshi.wire.verdict_json)
and sent as the two ASGI messages, with no Starlette Request or Response on the way; XML
answers and those with public expense take the general `confirmations.answer`.

Only the plain case is taken: a JSON body that validates, keys that parse, an API key of an
active facility within its rate. Everything else — refusals, rejected keys, mutual TLS,
SQLite — goes on to the FastAPI route untouched, which answers and audits it as always. No
result is cached: a revoked key or a suspended facility is refused on its very next request.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from onshi.central.auth import AuthRefused, key_of, refusal_response, throttle
from onshi.central.confirmations import (
    NumberConfirmationBody,
    answer,
    json_answer_body,
    number_confirmation,
)
from onshi.central.context import Central
from onshi.central.responses import XML_TYPES, send_json, technical_failure
from onshi.central.tls import client_cert_chain
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import now_jst
from onshi.domain.eligibility import decide, successor_lookup, with_successors
from onshi.domain.facility import FacilityStatus
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey
from onshi.services.confirmation import (
    ACTION,
    Confirmed,
    InputErrors,
    NumberConfirmation,
    build_query,
    verdict_event,
)
from onshi.services.public_expense import findings_of
from onshi.store import hot_lookup
from onshi.store.raw_pg import UNAVAILABLE, RawPool

PATH = "/api/v1/confirmations"
MAX_BODY = 64 * 1024  # a confirmation is a few hundred bytes; larger bodies take the general route


class HotConfirmations:
    """ASGI middleware: answers the plain confirmations itself, passes every other request on."""

    def __init__(self, app: ASGIApp, central: Central) -> None:
        self.app = app
        self.central = central

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = self.central.raw
        if raw is None or scope["type"] != "http" or scope["path"] != PATH or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        headers = _Headers(scope)
        secret = key_of(headers.authorization, headers.x_api_key)
        json_body = (headers.content_type or "").startswith("application/json")
        if secret is None or not json_body or client_cert_chain(scope):
            await self.app(scope, receive, send)
            return
        body, replay = await read_body(receive)
        handled = body is not None and await self._answer(raw, scope, headers, secret, body, receive, send)
        if not handled:
            await self.app(scope, replay, send)

    async def _answer(
        self,
        raw: RawPool,
        scope: Scope,
        headers: _Headers,
        secret: str,
        body: bytes,
        receive: Receive,
        send: Send,
    ) -> bool:
        """Answers the request (True), or leaves it to the general route (False)."""
        try:
            parsed = NumberConfirmationBody.model_validate_json(body)
        except ValidationError:
            return False  # FastAPI answers with its own 422
        confirmation = number_confirmation(parsed)
        response: Response | None = None
        try:
            confirmed = await confirm(self.central, raw, secret, confirmation)
        except AuthRefused as refused:
            response = refusal_response(refused)
        except UNAVAILABLE as error:
            response = technical_failure(Request(scope), error)
        else:
            if confirmed is None:
                return False
            actor, outcome = confirmed
            content = None if _asks_xml(headers) else json_answer_body(actor, parsed, confirmation, outcome)
            if content is not None:
                await send_json(send, content)
                return True
            response = answer(Request(scope), actor, parsed, confirmation, outcome)
        await response(scope, receive, send)
        return True


class _Headers:
    """The four request headers the hot path reads, as Starlette's `Headers.get` reads them
    (the first of each name; the server hands the names in lower case)."""

    __slots__ = ("accept", "authorization", "content_type", "x_api_key")

    def __init__(self, scope: Scope) -> None:
        found: dict[bytes, str] = {}
        for name, value in scope["headers"]:
            if name in _READ and name not in found:
                found[name] = value.decode("latin-1")
        self.authorization = found.get(b"authorization")
        self.x_api_key = found.get(b"x-api-key")
        self.content_type = found.get(b"content-type")
        self.accept = found.get(b"accept")


_READ = frozenset({b"authorization", b"x-api-key", b"content-type", b"accept"})


def _asks_xml(headers: _Headers) -> bool:
    """responses.wants_xml for this route (JSON unless XML is asked for)."""
    accept = headers.accept or ""
    return any(kind in accept for kind in XML_TYPES)


async def read_body(receive: Receive) -> tuple[bytes | None, Receive]:
    """The whole request body (None when it is too large for the hot path) and a `receive`
    that hands the messages read so far to the next application before reading on."""
    messages: list[Message] = []
    size, more = 0, True
    while more:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break
        size += len(message.get("body", b""))
        more = message.get("more_body", False)
        if size > MAX_BODY:
            break
    pending = list(messages)

    async def replay() -> MutableMapping[str, Any]:
        return pending.pop(0) if pending else await receive()

    complete = not more and messages[-1]["type"] == "http.request"
    body = b"".join(m.get("body", b"") for m in messages) if complete else None
    return body, replay


async def confirm(
    central: Central, raw: RawPool, secret: str, request: NumberConfirmation
) -> tuple[Actor, Confirmed] | None:
    """services.confirmation.confirm_by_numbers for an active facility's key, or None when the
    request must take the general route (keys that do not parse, any credential problem)."""
    processed_at = now_jst()
    try:
        query = build_query(request)
    except InputErrors:
        return None
    async with raw.connection() as conn:
        found = await hot_lookup.key_and_family(
            conn, secret, query.insurer_number, query.symbol, query.number
        )
    actor = active_facility(found.key) if found is not None else None
    if found is None or actor is None:
        return None
    # (Never awaiting the audit log while holding a connection: its commits need one too.)
    await throttle(central, actor, ACTION)
    verdict = decide(query, found.family)
    if lookup := successor_lookup(verdict):
        async with raw.connection() as conn:
            verdict = with_successors(verdict, await hot_lookup.successors(conn, lookup))
    public_expense: dict[MemberKey, Findings] = {}
    if hot_lookup.needs_public_expense(verdict, found.family, found.with_public_expense):
        public_expense = await findings_of(central.db, verdict, query.on, actor.id)
    await central.audit.record(verdict_event(actor, query, verdict, processed_at, ACTION))
    consent_at = processed_at if request.limit_consent else None
    return actor, Confirmed(query, verdict, processed_at, consent_at, public_expense)


def active_facility(key: hot_lookup.KeyRow) -> Actor | None:
    """The actor of a facility key that authenticate() would let through, else None."""
    if (
        key.revoked
        or key.actor_kind != ActorKind.FACILITY.value
        or key.facility_status != FacilityStatus.ACTIVE.value
    ):
        return None
    return Actor(ActorKind(key.actor_kind), key.actor_id, Channel.API, key.credential_id)
