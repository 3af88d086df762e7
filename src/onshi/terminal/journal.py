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

A single inquiry the terminal answered itself in emergency mode (緊急時資格確認機能) gets a row
in `emergency_answers`, written in the same transaction as its answer, and goes through the
same steps again for central's real answer (`…_reconciled.xml`):

    pending   answered by the terminal; central's answer not obtained yet (resend it)
    answered  central's answer is journaled
    staged    it is on disk under a temporary name in `res`
    done      renamed to its `…_reconciled.xml` name

`prechecks` keeps the latest batch pre-check unit per person and date (onshi.terminal.prechecks).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from onshi.terminal.prechecks import Precheck


class State(StrEnum):
    RECEIVED = "received"
    ANSWERED = "answered"
    STAGED = "staged"
    DONE = "done"
    REFUSED = "refused"


PENDING = (State.RECEIVED, State.ANSWERED, State.STAGED)


class Reconcile(StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    STAGED = "staged"
    DONE = "done"


# Pre-checks are for the day's appointments; a month of them is more than any outage needs
# and keeps the journal from growing without end.
PRECHECK_KEEP_DAYS = 31

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
CREATE TABLE IF NOT EXISTS emergency_answers (
    request_id TEXT PRIMARY KEY REFERENCES requests (id),
    state TEXT NOT NULL,
    answered_at TEXT NOT NULL,             -- when the terminal answered it itself
    result_filename TEXT,                  -- central's real answer, once obtained
    result BLOB,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT,
    reconciled_at TEXT
);
CREATE INDEX IF NOT EXISTS ix_emergency_answers_state ON emergency_answers (state);
CREATE TABLE IF NOT EXISTS prechecks (
    person TEXT NOT NULL,                  -- onshi.terminal.prechecks.person_key
    confirmation_date TEXT NOT NULL,       -- YYYYMMDD
    processed_at TEXT NOT NULL,            -- YYYYMMDDHHMMSS of the batch result: newest wins
    unit TEXT NOT NULL,                    -- the BulkConfirmUnit as JSON
    source TEXT NOT NULL,                  -- the result file it came from
    PRIMARY KEY (person, confirmation_date)
);
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


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """An emergency answer still to be reconciled with central's real answer."""

    request_id: str
    filename: str  # the request file's name
    content: bytes  # the request, resent with the same id: central runs and audits it once
    answer_filename: str  # the emergency answer's file name
    state: Reconcile
    result_filename: str | None  # central's answer, once journaled
    result: bytes | None
    attempts: int


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

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        """Several statements committed together (or not at all)."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

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

    # --- emergency answers and their reconciliation ----------------------------------------------

    def answered_in_emergency(self, request_id: str, result_filename: str, result: bytes) -> None:
        """The terminal answered the request itself: the answer and the duty to reconcile it
        are journaled together, so neither exists without the other."""
        with self._transaction() as db:
            db.execute(
                "UPDATE requests SET state = ?, result_filename = ?, result = ?, last_error = NULL WHERE id = ?",
                (State.ANSWERED.value, result_filename, result, request_id),
            )
            db.execute(
                "INSERT OR IGNORE INTO emergency_answers (request_id, state, answered_at) VALUES (?, ?, ?)",
                (request_id, Reconcile.PENDING.value, _now()),
            )

    def reconciliations(self) -> list[Reconciliation]:
        """Emergency answers not reconciled yet whose own result is already in `res` (central's
        answer never appears before the answer it corrects)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT e.request_id, r.filename, r.content, r.result_filename, e.state, e.result_filename,"
                " e.result, e.attempts FROM emergency_answers e JOIN requests r ON r.id = e.request_id"
                " WHERE e.state != ? AND r.state = ? ORDER BY e.answered_at",
                (Reconcile.DONE.value, State.DONE.value),
            ).fetchall()
        return [_reconciliation(row) for row in rows]

    def reconciled(self, request_id: str, result_filename: str, result: bytes) -> None:
        self._write(
            "UPDATE emergency_answers SET state = ?, result_filename = ?, result = ?, last_error = NULL"
            " WHERE request_id = ?",
            Reconcile.ANSWERED.value,
            result_filename,
            result,
            request_id,
        )

    def reconciliation_staged(self, request_id: str) -> None:
        self._write(
            "UPDATE emergency_answers SET state = ? WHERE request_id = ?", Reconcile.STAGED.value, request_id
        )

    def reconciliation_done(self, request_id: str) -> None:
        self._write(
            "UPDATE emergency_answers SET state = ?, reconciled_at = ? WHERE request_id = ?",
            Reconcile.DONE.value,
            _now(),
            request_id,
        )

    def reconciliation_failed(self, request_id: str, error: str) -> None:
        self._write(
            "UPDATE emergency_answers SET attempts = attempts + 1, last_error = ? WHERE request_id = ?",
            error[:500],
            request_id,
        )

    def emergency_counts(self) -> dict[str, int]:
        """Emergency answers by reconciliation state."""
        with self._lock:
            rows = self._db.execute("SELECT state, count(*) FROM emergency_answers GROUP BY state").fetchall()
        return {state: count for state, count in rows}

    # --- batch pre-checks ------------------------------------------------------------------------

    def remember_prechecks(self, prechecks: Sequence[Precheck], today: dt.date) -> None:
        """Keep each unit unless a newer result for the person and date is kept already
        (delivering the same file again changes nothing)."""
        cutoff = (today - dt.timedelta(days=PRECHECK_KEEP_DAYS)).strftime("%Y%m%d")
        with self._transaction() as db:
            db.executemany(
                "INSERT INTO prechecks (person, confirmation_date, processed_at, unit, source)"
                " VALUES (?, ?, ?, ?, ?) ON CONFLICT (person, confirmation_date) DO UPDATE SET"
                " processed_at = excluded.processed_at, unit = excluded.unit, source = excluded.source"
                " WHERE excluded.processed_at >= prechecks.processed_at",
                [
                    (
                        p.person,
                        p.confirmation_date,
                        p.processed_at,
                        json.dumps(p.unit, ensure_ascii=False),
                        p.source,
                    )
                    for p in prechecks
                ],
            )
            db.execute("DELETE FROM prechecks WHERE confirmation_date < ?", (cutoff,))

    def precheck(self, person: str, confirmation_date: str) -> Precheck | None:
        with self._lock:
            row = self._db.execute(
                "SELECT processed_at, unit, source FROM prechecks WHERE person = ? AND confirmation_date = ?",
                (person, confirmation_date),
            ).fetchone()
        if row is None:
            return None
        processed_at, unit, source = row
        return Precheck(person, confirmation_date, processed_at, json.loads(unit), source)


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


def _reconciliation(row: Any) -> Reconciliation:
    request_id, filename, content, answer_name, state, result_name, result, attempts = row
    return Reconciliation(
        request_id, filename, bytes(content), answer_name, Reconcile(state), result_name,
        bytes(result) if result is not None else None, attempts,
    )  # fmt: skip
