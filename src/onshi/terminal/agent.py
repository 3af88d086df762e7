"""The terminal agent: request files from `req` to central, result files into `res`.

Receipt computers drop `<prefix>req_<suffix>.xml` into `req` and expect
`<prefix>res_<suffix>.xml` in `res` (wire-spec.md §1–2). The agent journals each file
before removing it (`journal`), sends it to central over mutual TLS, retries with backoff
while central is unreachable, and writes the result atomically. Requests run
concurrently; each result is tied to its own journal entry, so results never mix.

The emergency function (緊急時資格確認機能, onshi.terminal.emergency): the agent keeps every
batch pre-check result it delivers, polls central for the operator's switch, and while the
switch is on and central cannot be reached answers a single inquiry from the person's
pre-check at once (marked ONSW3001); `outage.Reconciler` writes central's real answer beside
it as `…_reconciled.xml` once central is back.
"""

from __future__ import annotations

import asyncio
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path

import watchfiles

from onshi import wire
from onshi.domain.dates import now_jst
from onshi.terminal import files
from onshi.terminal.client import CentralClient, Refused, Unavailable
from onshi.terminal.emergency import answer_from_precheck
from onshi.terminal.journal import Entry, Journal, State
from onshi.terminal.local_results import refusal_result
from onshi.terminal.outage import EmergencyWatch, Reconciler
from onshi.terminal.prechecks import prechecks_in

log = logging.getLogger("onshi.terminal")

REQUEST_FOLDER, RESULT_FOLDER, FACE_FOLDER = "req", "res", "face"  # the real terminal's names
STATE_FOLDER = ".onshi"
MAX_BACKOFF_SECONDS = 30.0
EMERGENCY_POLL_SECONDS = 30.0


@dataclass(frozen=True, slots=True)
class Answer:
    result_filename: str
    result: bytes
    by_terminal: bool = False  # answered in emergency mode from a pre-check, to be reconciled


@dataclass(frozen=True, slots=True)
class Folders:
    root: Path

    @property
    def requests(self) -> Path:
        return self.root / REQUEST_FOLDER

    @property
    def results(self) -> Path:
        return self.root / RESULT_FOLDER

    @property
    def face(self) -> Path:
        return self.root / FACE_FOLDER

    @property
    def journal(self) -> Path:
        return self.root / STATE_FOLDER / "journal.sqlite3"

    def create(self) -> None:
        for folder in (self.requests, self.results, self.face, self.journal.parent):
            folder.mkdir(parents=True, exist_ok=True)


def is_candidate(name: str) -> bool:
    """Names the agent takes: XML files, not hidden or temporary ones."""
    return name.lower().endswith(".xml") and not name.startswith((".", "~"))


class TerminalAgent:
    def __init__(
        self,
        root: Path,
        facility_code: str,
        client: CentralClient,
        concurrency: int = 4,
        emergency_poll_seconds: float = EMERGENCY_POLL_SECONDS,
    ) -> None:
        self.folders = Folders(root)
        self.folders.create()
        self.facility_code = facility_code
        self.client = client
        self.journal = Journal(self.folders.journal)
        self._slots = asyncio.Semaphore(concurrency)
        self._tasks: set[asyncio.Task[None]] = set()
        self.reconciler = Reconciler(self.folders.results, self.journal, client, emergency_poll_seconds)
        self.emergency = EmergencyWatch(client, self.journal, emergency_poll_seconds, self.reconciler.poke)

    async def run(self, stop: asyncio.Event | None = None) -> None:
        """Resume what the journal holds, then watch `req` until `stop` is set."""
        stop = stop or asyncio.Event()
        log.info("terminal %s watching %s", self.facility_code, self.folders.requests)
        for entry in self.journal.pending():
            self._start(entry)
        background = [
            asyncio.create_task(self.emergency.run(), name="emergency-watch"),
            asyncio.create_task(self.reconciler.run(), name="reconcile"),
        ]
        await self.scan()
        try:
            async for _ in watchfiles.awatch(
                self.folders.requests, stop_event=stop, yield_on_timeout=True, rust_timeout=200
            ):
                await self.scan()  # on every change, and every 0.2 s for files still settling
        finally:
            for task in [*self._tasks, *background]:
                task.cancel()
            await asyncio.gather(*self._tasks, *background, return_exceptions=True)
            self.journal.close()

    async def drain(self) -> None:
        """Wait until every started request is finished (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def scan(self) -> None:
        for path in sorted(self.folders.requests.iterdir()):
            if path.is_file() and is_candidate(path.name):
                entry = await asyncio.to_thread(self._intake, path)
                if entry is not None:
                    self._start(entry)

    def _intake(self, path: Path) -> Entry | None:
        """Journal a request file and take it out of `req` (None: not ready, or refused)."""
        content = files.read_settled(path)
        if content is None:
            return None
        try:
            wire.result_filename(path.name)
        except wire.WireError as error:
            self._refuse_file(path, content, error.message)
            return None
        entry = self.journal.unconsumed(path.name, content) or self.journal.receive(path.name, content)
        path.unlink(missing_ok=True)
        files.sync_directory(path.parent)
        self.journal.consumed(entry.id)
        log.info("received %s (%s)", path.name, entry.id)
        return entry

    def _refuse_file(self, path: Path, content: bytes, reason: str) -> None:
        """Not a request file: move it to `res` with a `.err` report beside it (the convention
        clients watch for), so it is neither lost nor retried forever."""
        entry = self.journal.receive(path.name, content, State.REFUSED)
        results = self.folders.results
        files.write_atomically(results / f"{path.name}.err", f"{reason}\n".encode())
        path.replace(results / path.name)
        files.sync_directory(path.parent)
        self.journal.consumed(entry.id)
        log.warning("refused %s: %s", path.name, reason)

    def _start(self, entry: Entry) -> None:
        task = asyncio.create_task(self._process(entry), name=f"request-{entry.id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _process(self, entry: Entry) -> None:
        async with self._slots:
            started = time.monotonic()
            state, result_name, result = entry.state, entry.result_filename, entry.result
            if state is State.RECEIVED:
                answer = await self._answer(entry)
                result_name, result = answer.result_filename, answer.result
                if answer.by_terminal:
                    self.journal.answered_in_emergency(entry.id, result_name, result)
                else:
                    self.journal.answered(entry.id, result_name, result)
                state = State.ANSWERED
            assert result_name is not None and result is not None
            await asyncio.to_thread(self._deliver, entry, state, result_name, result)
            elapsed = (time.monotonic() - started) * 1000
            log.info("%s -> %s %.0f ms", entry.filename, result_name, elapsed)

    async def _answer(self, entry: Entry) -> Answer:
        """Central's result, retried with backoff for as long as central is unavailable —
        unless the emergency function is on and a pre-check can answer it meanwhile."""
        attempt = 0
        while True:
            try:
                result_name, result = await self.client.send(entry.id, entry.filename, entry.content)
                self.journal.set_status("last_success", now_jst().isoformat())
                self.emergency.poke()
                self.reconciler.poke()
                return Answer(result_name, result)
            except Unavailable as error:
                attempt += 1
                self.journal.failed_attempt(entry.id, str(error))
                emergency = self._emergency_answer(entry)
                if emergency is not None:
                    return emergency
                delay = min(MAX_BACKOFF_SECONDS, 0.25 * 2**attempt) * random.uniform(0.5, 1.0)
                log.warning(
                    "%s: central unavailable (%s); retry %d in %.1f s", entry.filename, error, attempt, delay
                )
                await asyncio.sleep(delay)
            except Refused as refused:
                # Final: the counter needs an answer it can show, not a request left hanging.
                self.journal.failed_attempt(entry.id, f"refused {refused.status} {refused.code}")
                log.error("%s: central refused this terminal: %s", entry.filename, refused.message)
                return Answer(*refusal_result(entry.filename, entry.content, self.facility_code, refused))

    def _emergency_answer(self, entry: Entry) -> Answer | None:
        """The pre-check's answer while the switch is on (as central last said), else None."""
        if not self.emergency.state.active:
            return None
        found = answer_from_precheck(
            self.journal, self.facility_code, entry.filename, entry.content, now_jst()
        )
        if found is None:
            return None
        log.warning(
            "%s: 緊急時資格確認機能により一括照会結果から回答 / answered from a pre-check", entry.filename
        )
        return Answer(*found, by_terminal=True)

    def _deliver(self, entry: Entry, state: State, result_name: str, result: bytes) -> None:
        folder = self.folders.results
        temporary = files.staged_path(folder, entry.id)
        if state is State.ANSWERED:
            files.stage(folder, entry.id, result)
            self.journal.staged(entry.id)
        if temporary.exists():
            files.publish(temporary, folder / result_name)
        # else: renamed before a crash (and perhaps already picked up): never written twice
        # Before `done`: a crash in between delivers (and remembers) the result again.
        prechecks = prechecks_in(result_name, result)
        if prechecks:
            self.journal.remember_prechecks(prechecks, now_jst().date())
        self.journal.done(entry.id)
