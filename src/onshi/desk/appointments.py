"""(f) Pre-checking an appointment list: CSV in, one 一括照会 through the terminal, results per patient.

The CSV (UTF-8, with or without BOM, or Shift_JIS) has a header row; columns, in any order
(Japanese or English names):

    予約日時 appointment · 患者番号 patient_number · 氏名 name · 生年月日 birthdate ·
    保険者番号 insurer_number · 記号 symbol · 番号 number · 枝番 branch

A row with a 患者番号 takes what it lacks from the registry. A row that cannot be sent (no
numbers, bad insurer number, bad date) is kept and shown with its reason — it does not
stop the others. The file's entries go out as one OQSmuquc01req; the terminal's receipt
(受付番号) is followed by OQSmuquc02req until the results are there.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.desk import outbox, store
from onshi.desk import schema as t
from onshi.desk.context import Desk
from onshi.desk.patients import Patient
from onshi.desk.results import Confirmation
from onshi.desk.service import person_to_json
from onshi.desk.store import DeskError
from onshi.domain.batch import MAX_ENTRIES
from onshi.domain.dates import now_jst, parse_flexible_date
from onshi.domain.errors import InvalidValue
from onshi.feeds.text import FeedFormatError, csv_records

COLUMNS = {
    "予約日時": "appointment",
    "予約": "appointment",
    "患者番号": "patient_number",
    "診察券番号": "patient_number",
    "氏名": "name",
    "生年月日": "birthdate",
    "保険者番号": "insurer_number",
    "記号": "symbol",
    "番号": "number",
    "被保険者証番号": "number",
    "枝番": "branch",
}
ENGLISH = {
    "appointment",
    "patient_number",
    "name",
    "birthdate",
    "insurer_number",
    "symbol",
    "number",
    "branch",
}


@dataclass(slots=True)
class ListRow:
    line: int
    values: dict[str, str]
    patient: Patient | None = None
    problem: str | None = None
    keys: outbox.InsuredKeys | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "cp932"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DeskError("CSVの文字コードがUTF-8でもShift_JISでもありません")


def read_rows(text: str) -> list[ListRow]:
    try:
        return _read_rows(text)
    except FeedFormatError as error:  # a record the csv module cannot read
        raise DeskError(f"CSVを読めません: {error}") from None


def _read_rows(text: str) -> list[ListRow]:
    reader = csv.reader(io.StringIO(text, newline=""))
    records = csv_records(reader)
    header = next(records, None)
    if header is None:
        raise DeskError("CSVが空です")
    names = [COLUMNS.get(h.strip(), h.strip() if h.strip() in ENGLISH else "") for h in header]
    if "birthdate" not in names and "patient_number" not in names:
        raise DeskError("見出し行に「生年月日」または「患者番号」の列が必要です")
    rows = []
    ended = reader.line_num
    for cells in records:
        line, ended = ended + 1, reader.line_num  # where the record starts (a cell may span lines)
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            name: cell.strip() for name, cell in zip(names, cells, strict=False) if name and cell.strip()
        }
        rows.append(ListRow(line, values))
    if not rows:
        raise DeskError("CSVに予約患者の行がありません")
    if len(rows) > MAX_ENTRIES:
        raise DeskError(f"一度に照会できるのは {MAX_ENTRIES:,} 件までです（{len(rows):,} 件あります）")
    return rows


async def _resolve(conn: AsyncConnection, row: ListRow) -> None:
    """Fill the row from the registry and check it can be sent; sets `keys` or `problem`."""
    values = row.values
    number = values.get("patient_number", "")
    if number:
        if not number.isdecimal():
            row.problem = f"患者番号が数字ではありません: {number}"
            return
        try:
            row.patient = await store.get_patient(conn, int(number))
        except DeskError as error:
            row.problem = str(error)
            return
    patient = row.patient

    def pick(name: str) -> Any:
        return values.get(name) or (getattr(patient, name) if patient else None)

    try:
        raw_birth = values.get("birthdate")
        birthdate = (
            parse_flexible_date(raw_birth, "birthdate")
            if raw_birth
            else (patient.birthdate if patient else None)
        )
        insurer, card_number = pick("insurer_number"), pick("number")
        if birthdate is None or not insurer or not card_number:
            row.problem = "保険者番号・番号・生年月日がそろっていないため照会できません"
            return
        row.keys = outbox.InsuredKeys(
            str(insurer), pick("symbol"), str(card_number), pick("branch"), birthdate
        )
        row.keys.search_info()  # validates the insurer number
    except InvalidValue as error:
        row.keys, row.problem = None, error.message_ja


async def submit(desk: Desk, filename: str, data: bytes, on: date, by: str) -> int:
    """Record the list, send what can be sent as one bulk inquiry; returns the batch id."""
    rows = read_rows(decode(data))
    async with desk.db.write() as conn:
        for row in rows:
            await _resolve(conn, row)
        sendable = [row for row in rows if row.keys is not None]
        state = "sent" if sendable else "refused"
        message = None if sendable else "照会できる行がありません"
        batch_id = await _create(conn, filename, on, by, state, message, rows)
        if sendable:
            suffix = outbox.new_suffix(now_jst())
            entries = [(f"L{row.line}", row.keys) for row in sendable if row.keys is not None]
            name, content = outbox.bulk_inquiry(desk.facility_code, entries, on, suffix)
            await store.add_request(conn, name, "bulk_upload", by, batch_id=batch_id)
    if sendable:
        outbox.drop(desk.root, name, content)
    return batch_id


async def _create(
    conn: AsyncConnection,
    filename: str,
    on: date,
    by: str,
    state: str,
    message: str | None,
    rows: list[ListRow],
) -> int:
    result = await conn.execute(
        insert(t.batches)
        .values(
            created_at=now_jst(),
            created_by=by,
            source_name=filename[:200],
            confirmation_date=on,
            state=state,
            message=message,
        )
        .returning(t.batches.c.id)
    )
    batch_id: int = result.scalar_one()
    await conn.execute(insert(t.batch_entries), [_entry(batch_id, row) for row in rows])
    return batch_id


def _entry(batch_id: int, row: ListRow) -> dict[str, Any]:
    keys, patient = row.keys, row.patient
    return {
        "batch_id": batch_id,
        "line": row.line,
        "identifier": f"L{row.line}",
        "appointment": row.values.get("appointment"),
        "patient_id": patient.id if patient else None,
        "name": row.values.get("name") or (patient.name if patient else None),
        "birthdate": keys.birthdate if keys else None,
        "insurer_number": keys.insurer_number if keys else row.values.get("insurer_number"),
        "symbol": keys.symbol if keys else None,
        "number": keys.number if keys else row.values.get("number"),
        "branch": keys.branch if keys else None,
        "outcome": "error" if row.problem else None,
        "message": row.problem,
    }


async def accepted(desk: Desk, batch_id: int, reception_number: str) -> None:
    """The terminal took the upload: ask for the results."""
    async with desk.db.write() as conn:
        await conn.execute(
            update(t.batches)
            .where(t.batches.c.id == batch_id)
            .values(state="accepted", reception_number=reception_number)
        )
    await ask_for_results(desk, batch_id, reception_number)


async def ask_for_results(desk: Desk, batch_id: int, reception_number: str) -> None:
    suffix = outbox.new_suffix(now_jst())
    name, content = outbox.bulk_download(desk.facility_code, reception_number, suffix)
    async with desk.db.write() as conn:
        await store.add_request(conn, name, "bulk_download", None, batch_id=batch_id)
    outbox.drop(desk.root, name, content)


async def refused(desk: Desk, batch_id: int, message: str) -> None:
    async with desk.db.write() as conn:
        await conn.execute(
            update(t.batches).where(t.batches.c.id == batch_id).values(state="refused", message=message)
        )


async def record_results(desk: Desk, batch_id: int, units: list[Confirmation]) -> int:
    """Each unit onto its entry (matched by ArbitraryIdentifier); the batch is done."""
    async with desk.db.write() as conn:
        for unit in units:
            if unit.identifier is None:
                continue
            person = unit.person
            await conn.execute(
                update(t.batch_entries)
                .where(
                    t.batch_entries.c.batch_id == batch_id, t.batch_entries.c.identifier == unit.identifier
                )
                .values(
                    outcome=unit.outcome.value,
                    validity=unit.validity,
                    code=unit.code,
                    message=unit.message,
                    person=person_to_json(person) if person else None,
                )
            )
        await conn.execute(update(t.batches).where(t.batches.c.id == batch_id).values(state="done"))
    return len(units)


async def waiting_batches(conn: AsyncConnection) -> list[Row[Any]]:
    """Accepted batches with no download request outstanding (resumed after a restart)."""
    outstanding = select(t.requests.c.batch_id).where(
        t.requests.c.kind == "bulk_download",
        t.requests.c.answered_at.is_(None),
        t.requests.c.batch_id.is_not(None),
    )
    query = select(t.batches).where(t.batches.c.state == "accepted", t.batches.c.id.not_in(outstanding))
    return list((await conn.execute(query)).all())


async def batches(conn: AsyncConnection, limit: int = 30) -> list[Row[Any]]:
    query = select(t.batches).order_by(t.batches.c.id.desc()).limit(limit)
    return list((await conn.execute(query)).all())


async def batch(conn: AsyncConnection, batch_id: int) -> tuple[Row[Any], list[Row[Any]]]:
    row = (await conn.execute(select(t.batches).where(t.batches.c.id == batch_id))).first()
    if row is None:
        raise DeskError(f"一括照会 {batch_id} はありません")
    entries = (
        await conn.execute(
            select(t.batch_entries)
            .where(t.batch_entries.c.batch_id == batch_id)
            .order_by(t.batch_entries.c.line)
        )
    ).all()
    return row, list(entries)
