"""オンライン診療等: an online-care application hands the patient a one-time URL; the patient gives
consent and proves identity with card and PIN on their own device; the browser goes back to
the app with a session id, and the app fetches the outcome server to server with its key.

Authorization-code style (docs/consent-web.md): the browser only ever carries the session id
and the app's `state`, never the qualification; the outcome is handed once, only to the
facility that created the session, within minutes of completion, and then erased.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.store import online_care
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.online_care import OnlineCareSession, Status
from onshi.store.web_sessions import token_hash

SESSION_LIFETIME = timedelta(minutes=30)  # to open the URL and finish
FETCH_WINDOW = timedelta(minutes=10)  # for the app to fetch a finished outcome
CREATE_ACTION = "online_care.create"
FETCH_ACTION = "online_care.fetch"
MAX_STATE = 512
MAX_URL = 2000
LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True, slots=True)
class Created:
    id: str
    start_token: str  # in the one-time URL, shown once
    expires_at: datetime


def validate_return_url(url: str) -> str:
    """An absolute https URL (http only to a loopback address, for development), without
    credentials or a fragment. Raises InvalidValue."""
    parts = urlsplit(url)
    secure = parts.scheme == "https" or (parts.scheme == "http" and parts.hostname in LOOPBACK)
    if len(url) > MAX_URL or not parts.hostname or not secure or parts.username or parts.fragment:
        raise InvalidValue(
            "return_url",
            Problem.INCONSISTENT,
            "return_url は https の絶対URL（認証情報・#なし）で指定してください",
            "return_url must be an absolute https URL without credentials or fragment",
        )
    return url


def redirect_url(session: OnlineCareSession) -> str:
    """The app's return URL with `session` and `state` added to its query."""
    parts = urlsplit(session.return_url)
    query = [
        (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in ("session", "state")
    ]
    query += [("session", session.id), ("state", session.state)]
    return urlunsplit(parts._replace(query=urlencode(query)))


async def create_session(db: Database, audit: AuditLog, actor: Actor, return_url: str, state: str) -> Created:
    validate_return_url(return_url)
    if len(state) > MAX_STATE:
        raise InvalidValue("state", Problem.TOO_LONG, f"state は{MAX_STATE}文字までです", "state too long")
    at = now_jst()
    session_id, start = secrets.token_urlsafe(16), secrets.token_urlsafe(32)
    async with db.write() as conn:
        await online_care.create(
            conn, session_id, actor.id, token_hash(start), return_url, state, at, SESSION_LIFETIME
        )
    await audit.record(
        AuditEvent(actor, CREATE_ACTION, "created", detail={"session": session_id}, occurred_at=at)
    )
    return Created(session_id, start, at + SESSION_LIFETIME)


async def open_session(db: Database, start_token: str) -> tuple[OnlineCareSession, str] | None:
    """The session of a one-time URL and a token binding it to this browser; None when the URL
    is unknown, expired or was opened before."""
    browser = secrets.token_urlsafe(32)
    async with db.write() as conn:
        found = await online_care.open_once(conn, token_hash(start_token), token_hash(browser), now_jst())
    return (found, browser) if found else None


async def current(db: Database, browser_token: str) -> OnlineCareSession | None:
    if not browser_token or len(browser_token) > 128:
        return None
    async with db.read() as conn:
        return await online_care.by_browser(conn, token_hash(browser_token), now_jst())


async def finish(db: Database, session: OnlineCareSession, outcome: dict[str, Any]) -> bool:
    """Store what the app will fetch: `{"status": "completed", …}` or a refusal/cancellation."""
    status = Status.COMPLETED if outcome.get("status") == "completed" else Status.REFUSED
    async with db.write() as conn:
        return await online_care.finish(
            conn, session.id, status, json.dumps(outcome, ensure_ascii=False), now_jst()
        )


async def fetch(db: Database, audit: AuditLog, actor: Actor, session_id: str) -> dict[str, Any] | None:
    """The outcome for the facility that created the session — once; None otherwise."""
    at = now_jst()
    async with db.write() as conn:
        found = await online_care.take_outcome(conn, session_id[:64], actor.id, at, FETCH_WINDOW)
    outcome = "fetched" if found else "refused:not_available"
    await audit.record(
        AuditEvent(actor, FETCH_ACTION, outcome, detail={"session": session_id[:64]}, occurred_at=at)
    )
    if found is None or found.outcome is None:
        return None
    return {"session": found.id, "state": found.state, **json.loads(found.outcome)}
