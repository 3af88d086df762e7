"""Reading what the terminal writes: face files (`face`) and answers to the desk's requests (`res`).

Each file is recorded in the desk's database, then moved to `trash` (the place receipt
computers put files they have read, wire-spec.md §1) — never deleted, so nothing the
terminal wrote is lost. A file is read once: its name is unique in desk_arrivals, and a
request's answer is recorded once. Every new arrival is pushed to the open pages at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import watchfiles

from onshi import wire
from onshi.desk import appointments, store
from onshi.desk.context import TRASH_FOLDER, Desk
from onshi.desk.outbox import DESK_SUFFIX_PREFIX
from onshi.desk.results import Confirmation, Outcome, bulk_results, single_result
from onshi.desk.service import open_arrival, person_to_json
from onshi.domain.dates import now_jst, today_jst
from onshi.terminal.files import read_settled

log = logging.getLogger("onshi.desk")

RECONCILED_SUFFIX = "_reconciled"  # the terminal's answer from central after an emergency answer
K = wire.MessageKind


def request_name_of(result_name: str) -> str:
    """`OQSsiquc01res_<s>.xml` (or `…_<s>_reconciled.xml`) answers `OQSsiquc01req_<s>.xml`."""
    stem = result_name[: -len(".xml")] if result_name.lower().endswith(".xml") else result_name
    stem = stem.removesuffix(RECONCILED_SUFFIX)
    return f"{stem[:10]}req{stem[13:]}.xml"


def is_ours(result_name: str) -> bool:
    """A result (or `.err` report) answering a request this desk wrote: the suffix it chose."""
    return result_name[13:].startswith(f"_{DESK_SUFFIX_PREFIX}")


class Inbox:
    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self._overdue_told: set[str] = set()
        self._retries: set[asyncio.Task[None]] = set()

    async def run(self, stop: asyncio.Event) -> None:
        """Read what is there, then watch `face` and `res` until `stop` is set."""
        folders = [self.desk.folder("face"), self.desk.folder("res")]
        await self.resume()
        await self.scan()
        async for _ in watchfiles.awatch(*folders, stop_event=stop, yield_on_timeout=True, rust_timeout=500):
            await self.scan()
            await self.tell_overdue()
        for task in list(self._retries):
            task.cancel()

    async def resume(self) -> None:
        """After a restart: ask again for results of accepted batches whose download was lost."""
        async with self.desk.db.read() as conn:
            waiting = await appointments.waiting_batches(conn)
        for batch in waiting:
            await appointments.ask_for_results(self.desk, batch.id, batch.reception_number)

    async def scan(self) -> None:
        for folder in ("face", "res"):
            for path in sorted(self.desk.folder(folder).iterdir()):
                if path.is_file() and not path.name.startswith((".", "~")):
                    try:
                        await self.take(path)
                    except Exception:  # one bad file must not stop the desk; it stays for a look
                        log.exception("could not read %s", path)

    async def take(self, path: Path) -> None:
        name = path.name
        if path.parent.name == "res" and not is_ours(name):
            return  # another program's request shares the terminal: its result stays for it
        content = read_settled(path)
        if content is None:
            return
        if name.endswith(".err"):
            await self._refused_request(name[: -len(".err")], content.decode("utf-8", "replace").strip())
        elif name.lower().endswith(".xml") and "req_" not in name[10:14]:
            await self._result(name, content)
        self._to_trash(path)

    def _to_trash(self, path: Path) -> None:
        trash = self.desk.folder(TRASH_FOLDER)
        with contextlib.suppress(FileNotFoundError):
            path.replace(trash / path.name)

    async def _result(self, name: str, content: bytes) -> None:
        try:
            kind = wire.kind_of_filename(name)
            document = wire.parse(content, kind, lenient=True).document
        except wire.WireError as error:
            log.warning("unreadable result %s: %s", name, error.message)
            await self._unreadable(name, content, error.message)
            return
        if kind is K.SINGLE_INQUIRY_RESULT:
            await self._confirmation(name, content, single_result(document))
        elif kind is K.REFERENCE_NUMBER_RESULT:
            await self._reference_registered(name, document)
        elif kind is K.BULK_INQUIRY_RECEIPT:
            await self._batch_receipt(name, document)
        elif kind is K.BULK_INQUIRY_RESULT:
            await self._batch_results(name, document)

    async def _unreadable(self, name: str, content: bytes, reason: str) -> None:
        request = request_name_of(name)
        async with self.desk.db.write() as conn:
            if await store.find_request(conn, request) is not None:
                await store.answer_request(conn, request, Outcome.ERROR.value)
        self.desk.events.publish(
            {"type": "request", "request": request, "outcome": "error", "message": reason}
        )

    async def _confirmation(self, name: str, content: bytes, confirmation: Confirmation) -> None:
        is_face = name.startswith(wire.FACE_PREFIX)
        request_name = None if is_face else request_name_of(name)
        source = "face" if is_face else "reconciled" if RECONCILED_SUFFIX in name else "inquiry"
        if confirmation.emergency:
            source = "emergency"
        async with self.desk.db.write() as conn:
            request = await store.find_request(conn, request_name) if request_name else None
            if request_name and request is None:
                log.info("%s answers no request of this desk; kept as an arrival", name)
            arrival_id, new = await store.add_arrival(
                conn, self._arrival(name, content, source, confirmation, request)
            )
            if new and request is not None and request.answered_at is None:
                await store.answer_request(conn, request.filename, confirmation.outcome.value, arrival_id)
        if not new:
            return
        view = await open_arrival(self.desk, arrival_id)  # links the patient when it is certain
        person = view.person
        self.desk.events.publish(
            {
                "type": "arrival",
                "id": arrival_id,
                "source": source,
                "outcome": view.outcome.value,
                "outcome_label": view.outcome.label,
                "name": person.name if person else None,
                "name_kana": person.name_kana if person else None,
                "birthdate": person.birthdate if person else None,
                "patient_id": view.patient.id if view.patient else None,
                "patient_name": view.patient.name if view.patient else None,
                "request": request_name,
                "message": view.message,
                "differences": len(view.differences),
                "time": f"{now_jst():%H:%M:%S}",
            }
        )

    def _arrival(
        self, name: str, content: bytes, source: str, confirmation: Confirmation, request: Any
    ) -> dict[str, Any]:
        person = confirmation.person
        return {
            "filename": name,
            "received_at": now_jst(),
            "day": today_jst(),
            "source": source,
            "outcome": confirmation.outcome.value,
            "validity": confirmation.validity,
            "code": confirmation.code,
            "message": confirmation.message,
            "person": person_to_json(person) if person else None,
            "candidates": len(confirmation.people),
            "patient_id": request.patient_id if request is not None else None,
            "content": content,
        }

    async def _refused_request(self, request_name: str, reason: str) -> None:
        """The terminal refused a file the desk wrote (`<name>.err` in `res`)."""
        async with self.desk.db.write() as conn:
            request = await store.find_request(conn, request_name)
            if request is None or request.answered_at is not None:
                return
            await store.answer_request(conn, request_name, Outcome.ERROR.value)
        if request.batch_id is not None and request.kind == "bulk_upload":
            await appointments.refused(self.desk, request.batch_id, reason)
        self.desk.events.publish(
            {"type": "request", "request": request_name, "outcome": "error", "message": reason}
        )

    async def _answered(self, name: str, outcome: str) -> Any:
        """The request a result answers, marked answered (None: not ours, or read before)."""
        async with self.desk.db.write() as conn:
            request = await store.find_request(conn, request_name_of(name))
            if request is None or request.answered_at is not None:
                return None
            await store.answer_request(conn, request.filename, outcome)
        return request

    async def _reference_registered(self, name: str, document: dict[str, Any]) -> None:
        header, body = document.get("MessageHeader") or {}, document.get("MessageBody") or {}
        ok = header.get("SegmentOfResult", "1") == "1" and body.get("ProcessingResultStatus") == "1"
        request = await self._answered(name, "valid" if ok else "error")
        if request is None or request.patient_id is None:
            return
        if ok:
            async with self.desk.db.write() as conn:
                patient = await store.get_patient(conn, request.patient_id)
                await store.set_reference_number(conn, patient.id, patient.patient_number)
        message = body.get("ProcessingResultMessage") or header.get("ErrorMessage")
        self.desk.events.publish(
            {"type": "reference", "patient_id": request.patient_id, "ok": ok, "message": message}
        )

    async def _batch_receipt(self, name: str, document: dict[str, Any]) -> None:
        header, body = document.get("MessageHeader") or {}, document.get("MessageBody") or {}
        number = body.get("ReceptionNumber")
        request = await self._answered(name, "valid" if number else "error")
        if request is None or request.batch_id is None:
            return
        if number:
            await appointments.accepted(self.desk, request.batch_id, str(number))
        else:
            reason = (
                header.get("ErrorMessage") or body.get("ProcessingResultMessage") or "受付されませんでした"
            )
            await appointments.refused(self.desk, request.batch_id, str(reason))
            self.desk.events.publish({"type": "batch", "id": request.batch_id, "state": "refused"})

    async def _batch_results(self, name: str, document: dict[str, Any]) -> None:
        unprocessed, units = bulk_results(document)
        request = await self._answered(name, unprocessed.outcome.value if unprocessed else "valid")
        if request is None or request.batch_id is None:
            return
        if unprocessed is not None and unprocessed.outcome is Outcome.IN_PROGRESS:
            self._retry_later(request.batch_id)
            return
        if unprocessed is not None:
            await appointments.refused(self.desk, request.batch_id, unprocessed.message or "エラー")
        else:
            await appointments.record_results(self.desk, request.batch_id, units)
        self.desk.events.publish({"type": "batch", "id": request.batch_id, "state": "done"})

    def _retry_later(self, batch_id: int) -> None:
        async def later() -> None:
            await asyncio.sleep(self.desk.settings.download_retry)
            async with self.desk.db.read() as conn:
                batch, _ = await appointments.batch(conn, batch_id)
            await appointments.ask_for_results(self.desk, batch_id, batch.reception_number)

        task = asyncio.create_task(later())
        self._retries.add(task)
        task.add_done_callback(self._retries.discard)

    async def tell_overdue(self) -> None:
        """Requests unanswered for longer than the timeout: offer staff the fallback (once each)."""
        cutoff = now_jst() - timedelta(seconds=self.desk.settings.answer_timeout)
        async with self.desk.db.read() as conn:
            waiting = await store.unanswered_since(conn, cutoff)
        for request in waiting:
            if request.kind == "inquiry" and request.filename not in self._overdue_told:
                self._overdue_told.add(request.filename)
                self.desk.events.publish(
                    {"type": "overdue", "request": request.filename, "patient_id": request.patient_id}
                )
        # Forget the ones answered since: the set holds only what is still waiting, so it does
        # not grow for as long as the desk runs.
        self._overdue_told &= {request.filename for request in waiting}
