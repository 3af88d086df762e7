"""The hot path of the card reader's two calls on PostgreSQL: `POST /api/v1/card/challenges`
and `POST /api/v1/card/confirmations`.

The general routes cost ≈ 11–15 ms of Python per confirmation (challenge + confirm): FastAPI,
then 9 SQLAlchemy statements in 5 transactions. Here a plain request (an API key of an active
facility within its rate, a body that validates) is answered with raw asyncpg
(onshi.store.hot_card): a challenge is issued in the statement that reads the key (its
facility's old challenges are purged once a minute per worker, not on every issue); a
confirmation reads the key, then uses the challenge in one statement that also reads
everything the confirmation needs (the key must come first: the card signs the facility
code, and the signature is checked before the challenge is used). The confirmation itself is
the service's (services.card_confirmation.confirm_by_card with `RawCardReads`), the answer
the route's (onshi.central.card.answer): the checks, the audit record through the group
commit and the response document are the same code. Uses beyond the plain case — a first
registration, medical aid, a consent to store — continue in the same service on SQLAlchemy.

Keys that are not an active facility's, mutual TLS, bodies that do not validate and SQLite go
on to the FastAPI routes untouched. Nothing is cached but the certificate's chain check
(onshi.card.certificates): revocation, linkage and consent are read on every use.
"""

from __future__ import annotations

import time
from datetime import date, datetime

import asyncpg
from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from onshi.central import card
from onshi.central.auth import AuthRefused, presented_key, refusal_response, throttle
from onshi.central.context import Central
from onshi.central.hot_path import active_facility, read_body
from onshi.central.responses import TECHNICAL_FAILURES, technical_failure
from onshi.central.tls import client_certificate_der
from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst
from onshi.domain.eligibility import Verdict, successor_lookup, with_successors
from onshi.domain.public_expense import Findings
from onshi.domain.qualification import MemberKey
from onshi.services.card_confirmation import (
    ACTION,
    CHALLENGE_LIFETIME,
    CardReadsFailed,
    CardState,
    Challenge,
    SqlCardReads,
    new_nonce,
    no_periods,
    verdict_of,
)
from onshi.store import hot_card, hot_lookup
from onshi.store.cards import CHALLENGE_RETENTION
from onshi.store.raw_pg import RawPool

CHALLENGES = "/api/v1/card/challenges"
CONFIRMATIONS = "/api/v1/card/confirmations"
PATHS = frozenset({CHALLENGES, CONFIRMATIONS})
PURGE_EVERY_SECONDS = 60.0
_RAW_FAILED = (asyncpg.PostgresError, asyncpg.InterfaceError)


class HotCard:
    """ASGI middleware: answers the plain card calls itself, passes every other request on."""

    def __init__(self, app: ASGIApp, central: Central) -> None:
        self.app = app
        self.central = central
        self._purged: dict[str, float] = {}  # facility code → when this worker last purged for it

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = self.central.raw
        if raw is None or scope["type"] != "http" or scope["path"] not in PATHS or scope["method"] != "POST":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        secret = presented_key(request)
        if secret is None or client_certificate_der(request) is not None:
            await self.app(scope, receive, send)
            return
        replay: Receive = receive
        response: Response | None
        try:
            if scope["path"] == CHALLENGES:
                response = await self._challenge(raw, secret)
            else:
                response, replay = await self._confirmation(raw, request, secret, receive)
        except AuthRefused as refused:
            response = refusal_response(refused)
        except TECHNICAL_FAILURES as error:
            response = technical_failure(request, error)
        if response is None:
            await self.app(scope, replay, send)
            return
        await response(scope, receive, send)

    async def _actor(self, raw: RawPool, secret: str) -> Actor | None:
        """The active facility behind the key (its rate spent), or None: the route decides."""
        async with raw.connection() as conn:
            key = await hot_lookup.key(conn, secret)
        actor = active_facility(key) if key is not None else None
        if actor is not None:
            await throttle(self.central, actor, ACTION)
        return actor

    async def _challenge(self, raw: RawPool, secret: str) -> Response | None:
        """The key and the new challenge in one statement; the rate limit applied after it, as
        authenticate() would before storing (a refused challenge is withdrawn unseen)."""
        nonce, at = new_nonce(), now_jst()
        async with raw.connection() as conn:
            found = await hot_card.key_and_issue(conn, secret, nonce, at)
        actor = active_facility(found[0]) if found is not None else None
        if found is None or actor is None or not found[1]:
            if found is not None and found[1]:
                await self._withdraw(raw, nonce)  # (not expected: the same rule in SQL and here)
            return None
        try:
            await throttle(self.central, actor, ACTION)
        except AuthRefused:
            await self._withdraw(raw, nonce)
            raise
        if (purge_before := self._purge_before(actor.id, at)) is not None:
            async with raw.connection() as conn:
                await hot_card.purge_challenges(conn, actor.id, purge_before)
        return card.challenge_response(Challenge(nonce, actor.id, at))

    async def _withdraw(self, raw: RawPool, nonce: str) -> None:
        async with raw.connection() as conn:
            await hot_card.withdraw_challenge(conn, nonce)

    def _purge_before(self, facility_code: str, at: datetime) -> datetime | None:
        """The retention limit when this facility's old challenges are due for a purge, else None.
        Expired challenges are refused by their use, purged or not."""
        now = time.monotonic()
        if now - self._purged.get(facility_code, -PURGE_EVERY_SECONDS) < PURGE_EVERY_SECONDS:
            return None
        self._purged[facility_code] = now
        return at - CHALLENGE_RETENTION

    async def _confirmation(
        self, raw: RawPool, request: Request, secret: str, receive: Receive
    ) -> tuple[Response | None, Receive]:
        if not request.headers.get("content-type", "").startswith("application/json"):
            return None, receive
        body, replay = await read_body(receive)
        if body is None:
            return None, replay
        try:
            parsed = card.CardConfirmationBody.model_validate_json(body)
        except ValidationError:
            return None, replay  # FastAPI answers with its own 422
        actor = await self._actor(raw, secret)
        if actor is None:
            return None, replay
        reads = RawCardReads(self.central, raw)
        return await card.answer(self.central, request, actor, card.confirmation_of(parsed), reads), replay


class RawCardReads:
    """services.card_confirmation.CardReads for one request: the challenge's use and every read
    of a linked card in one statement; what it did not read (a person linked by this very use),
    SqlCardReads reads."""

    def __init__(self, central: Central, raw: RawPool) -> None:
        self._raw = raw
        self._general = SqlCardReads(central.db)
        self._used: hot_card.UsedChallenge | None = None
        self._decided_here = False

    async def consume_and_read(
        self, nonce: str, facility_code: str, serial: str, at: datetime
    ) -> CardState | None:
        try:
            async with self._raw.connection() as conn:
                used = await hot_card.use_challenge(
                    conn, nonce, facility_code, serial, at, CHALLENGE_LIFETIME
                )
        except _RAW_FAILED as error:
            raise CardReadsFailed(type(error).__name__) from error
        self._used = used
        return CardState(used.record, used.accepts_smartphone, used.link) if used is not None else None

    async def decide_for_person(
        self, actor: Actor, person: MemberKey, on: date
    ) -> tuple[Verdict, str | None]:
        used = self._used
        if used is None or used.link is None or used.link.person != person:
            return await self._general.decide_for_person(actor, person, on)
        self._decided_here = True
        verdict = verdict_of(person, used.family, on)
        if verdict is None:
            return no_periods(on), None
        if lookup := successor_lookup(verdict):
            try:
                async with self._raw.connection() as conn:
                    verdict = with_successors(verdict, await hot_lookup.successors(conn, lookup))
            except _RAW_FAILED as error:
                raise CardReadsFailed(type(error).__name__) from error
        return verdict, used.reference_number

    async def public_expense(
        self, verdict: Verdict, on: date, facility_code: str
    ) -> dict[MemberKey, Findings]:
        used = self._used if self._decided_here else None
        if used is not None and not hot_lookup.needs_public_expense(
            verdict, used.family, used.with_public_expense
        ):
            return {}  # the statement saw every person of the verdict, none with public expense
        return await self._general.public_expense(verdict, on, facility_code)
