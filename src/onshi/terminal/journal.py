"""The terminal's journal: every request file is recorded before anything is done with it.

A request moves through states, each committed (SQLite, synchronous=FULL) before the step
it guards, so that a crash at any point is resumed on restart with no request lost and no
result written twice:

    received  the file's content is journaled (the file in `req` is removed after this)
    answered  central's result is journaled
    staged    the result is on disk under a temporary name in `res` (fsynced)
    done      the temporary file was renamed to the result's name
    refused   not a request file: moved to `res` beside a `.err` report

Recovery: received → send again (central answers a resend from its store); answered →
stage; staged → rename if the temporary file is still there, else the rename happened.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3
import threading
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any


class State(StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"
    STAGED = "staged"
    DONE = "done"
    REFUSED = "refused"


PENDING = (State.RECEIVED, State.ANSWERED, State.STAGED)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS requests (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    digest TEXT NOT NULL,
    content BLOB NOT NULL,
    state TEXT NOT NULL,
    consumed INTEGER NOT NULL DEFAULT 0,   -- the file in req was removed
    result_filename TEXT,
    result BLOB,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    received_at TEXT NOT NULL,
    done_at TEXT
);
CREATE INDEX IF NOT EXISTS ix_requests_state ON requests (state);
CREATE INDEX IF NOT EXISTS ix_requests_file ON requests (filename, digest, consumed);
CREATE TABLE IF NOT EXISTS status (name TEXT PRIMARY KEY, value TEXT NOT NULL);
"""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    filename: str
    content: bytes
    state: State
    consumed: bool
    result_filename: str | None
    result: bytes | None
    attempts: int
    last_error: str | None
    received_at: str


def digest(filename: str, content: bytes) -> str:
    return hashlib.sha256(filename.encode() + b"\0" + content).hexdigest()


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds")


class Journal:
    """One journal per terminal root. Thread-safe (calls are short; one lock)."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")  # a committed step survives power loss
        self._db.executescript(_SCHEMA)
        self._lock = threading.Lock()

    def close(self) -> None:
        self._db.close()

    def _write(self, sql: str, *params: object) -> None:
        with self._lock:
            self._db.execute(sql, params)

    def unconsumed(self, filename: str, content: bytes) -> Entry | None:
        """A journaled request for this very file whose removal from `req` did not happen yet
        (the terminal stopped in between): the file is that request, not a new one."""
        with self._lock:
            row = self._db.execute(
                "SELECT * FROM requests WHERE filename = ? AND digest = ? AND consumed = 0",
                (filename, digest(filename, content)),
            ).fetchone()
        return _entry(row) if row else None

    def receive(self, filename: str, content: bytes, state: State = State.RECEIVED) -> Entry:
        """Journal a new request file (a resent identical file is a new request: its own id)."""
        key = digest(filename, content)
        with self._lock:
            (count,) = self._db.execute("SELECT count(*) FROM requests WHERE digest = ?", (key,)).fetchone()
            request_id = f"{key[:32]}-{count}"
            now = _now()
            self._db.execute(
                "INSERT INTO requests (id, filename, digest, content, state, received_at) VALUES (?, ?, ?, ?, ?, ?)",
                (request_id, filename, key, content, state.value, now),
            )
        return Entry(request_id, filename, content, state, False, None, None, 0, None, now)

    def consumed(self, request_id: str) -> None:
        self._write("UPDATE requests SET consumed = 1 WHERE id = ?", request_id)

    def answered(self, request_id: str, result_filename: str, result: bytes) -> None:
        self._write(
            "UPDATE requests SET state = ?, result_filename = ?, result = ?, last_error = NULL WHERE id = ?",
            State.ANSWERED.value,
            result_filename,
            result,
            request_id,
        )

    def staged(self, request_id: str) -> None:
        self._write("UPDATE requests SET state = ? WHERE id = ?", State.STAGED.value, request_id)

    def done(self, request_id: str) -> None:
        self._write(
            "UPDATE requests SET state = ?, done_at = ? WHERE id = ?", State.DONE.value, _now(), request_id
        )

    def failed_attempt(self, request_id: str, error: str) -> None:
        self._write(
            "UPDATE requests SET attempts = attempts + 1, last_error = ? WHERE id = ?",
            error[:500],
            request_id,
        )
        self.set_status("last_error", f"{_now()} {error[:300]}")

    def pending(self) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM requests WHERE state IN (?, ?, ?) ORDER BY received_at", tuple(PENDING)
            ).fetchall()
        return [_entry(row) for row in rows]

    def counts(self) -> dict[str, int]:
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM requests GROUP BY state").fetchall()
        return {state: count for state, count in rows}

    def recent(self, limit: int = 10) -> list[Entry]:
        with self._lock:
            rows = self._db.execute(
                "SELECT * FROM requests ORDER BY received_at DESC LIMIT ?", (limit,)
            ).fetchall()
        return [_entry(row) for row in rows]

    def set_status(self, name: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO status (name, value) VALUES (?, ?)", name, value)

    def status(self) -> dict[str, str]:
        with self._lock:
            return dict(self._db.execute("SELECT name, value FROM status").fetchall())


def _entry(row: Any) -> Entry:
    (
        request_id,
        filename,
        _,
        content,
        state,
        consumed,
        result_name,
        result,
        attempts,
        last_error,
        received,
        _,
    ) = row
    return Entry(
        request_id,
        filename,
        bytes(content),
        State(state),
        bool(consumed),
        result_name,
        bytes(result) if result is not None else None,
        attempts,
        last_error,
        received,
    )
