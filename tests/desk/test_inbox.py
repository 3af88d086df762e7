"""What the desk takes from the terminal's folders, and what it leaves for other programs."""

from __future__ import annotations

import os
import time
from pathlib import Path

from onshi.desk import store
from onshi.desk.context import Desk, DeskSettings
from onshi.desk.inbox import Inbox, is_ours, request_name_of
from tests.desk.conftest import drop_face_file, face_document
from tests.terminal.conftest import FACILITY


def settle(path: Path) -> None:
    past = time.time() - 5
    os.utime(path, (past, past))


def test_result_names_lead_back_to_their_requests() -> None:
    assert request_name_of("OQSsiquc01res_desk2026x.xml") == "OQSsiquc01req_desk2026x.xml"
    assert request_name_of("OQSsiquc01res_desk2026x_reconciled.xml") == "OQSsiquc01req_desk2026x.xml"
    assert is_ours("OQSsiquc01res_desk2026x.xml") and is_ours("OQSsiquc01req_desk1.xml.err")
    assert not is_ours("OQSsiquc01res_vendor1.xml")


async def test_face_files_are_read_once_and_kept_in_trash_while_others_results_stay(
    database_url: str, tmp_path: Path
) -> None:
    desk = Desk(DeskSettings(tmp_path / "terminal", FACILITY, database_url))
    await store.prepare(desk.db)
    inbox = Inbox(desk)
    face = drop_face_file(desk.root, face_document())
    foreign = desk.folder("res") / "OQSsiquc01res_vendor1.xml"
    foreign.write_bytes(face.read_bytes())
    for path in (face, foreign):
        settle(path)
    with desk.events.subscription() as queue:
        await inbox.scan()
        await inbox.scan()
        notices = [queue.get_nowait() for _ in range(queue.qsize())]
    async with desk.db.read() as conn:
        arrivals = await store.arrivals_on(conn, store.now_jst().date())
    await desk.close()
    assert [a.filename for a in arrivals] == [face.name]
    assert [n["type"] for n in notices] == ["arrival"]
    assert (desk.root / "trash" / face.name).exists() and not face.exists()
    assert foreign.exists()  # not the desk's request: left for the program that asked


async def test_an_overdue_request_is_told_once_and_forgotten_once_answered(
    database_url: str, tmp_path: Path
) -> None:
    desk = Desk(DeskSettings(tmp_path / "terminal", FACILITY, database_url, answer_timeout=0))
    await store.prepare(desk.db)
    inbox = Inbox(desk)
    async with desk.db.write() as conn:
        await store.add_request(conn, "OQSsiquc01req_desk1.xml", "inquiry", "uketsuke")
    with desk.events.subscription() as queue:
        await inbox.tell_overdue()
        await inbox.tell_overdue()
        notices = [queue.get_nowait() for _ in range(queue.qsize())]
    assert [(n["type"], n["request"]) for n in notices] == [("overdue", "OQSsiquc01req_desk1.xml")]
    async with desk.db.write() as conn:
        await store.answer_request(conn, "OQSsiquc01req_desk1.xml", "valid")
    await inbox.tell_overdue()
    await desk.close()
    assert inbox._overdue_told == set()  # what was answered is not remembered for ever
