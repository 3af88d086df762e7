"""Reading and writing the desk's tables (SQLAlchemy Core, SQLite and PostgreSQL alike)."""

from __future__ import annotations

import dataclasses
import hashlib
import secrets
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Row, and_, delete, func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.desk import schema as t
from onshi.desk.patients import Patient
from onshi.desk.results import Person
from onshi.domain.dates import now_jst
from onshi.security.passwords import hash_password, password_matches
from onshi.store.database import Database
from onshi.store.dialect import aware_jst

SESSION_HOURS = 12  # one working day at the counter


class DeskError(Exception):
    """Something staff asked for that cannot be done; the message is shown as is."""


async def prepare(db: Database) -> None:
    """Create the desk's tables if needed and refuse a database written by a newer desk."""
    async with db.write() as conn:
        await conn.run_sync(t.metadata.create_all)
        stored = (
            await conn.execute(select(t.settings.c.value).where(t.settings.c.name == "schema_version"))
        ).scalar_one_or_none()
        if stored is None:
            await conn.execute(insert(t.settings).values(name="schema_version", value=str(t.SCHEMA_VERSION)))
        elif int(stored) > t.SCHEMA_VERSION:
            raise DeskError(f"この受付データベースは新しい版（{stored}）で作成されています")
        elif int(stored) < 2:
            await conn.execute(text("ALTER TABLE desk_patients ADD COLUMN public_expense TEXT"))
            await conn.execute(
                update(t.settings)
                .where(t.settings.c.name == "schema_version")
                .values(value=str(t.SCHEMA_VERSION))
            )


# --- staff and sessions -------------------------------------------------------------------


async def add_staff(conn: AsyncConnection, login: str, display_name: str, password: str) -> None:
    if not login or len(password) < 8:
        raise DeskError("ログイン名と8文字以上のパスワードが必要です")
    values = {"display_name": display_name or login, "password_hash": hash_password(password)}
    exists = (await conn.execute(select(t.staff.c.login).where(t.staff.c.login == login))).first()
    if exists:
        await conn.execute(update(t.staff).where(t.staff.c.login == login).values(**values))
    else:
        await conn.execute(insert(t.staff).values(login=login, created_at=now_jst(), **values))


async def staff_name(conn: AsyncConnection, login: str) -> str | None:
    query = select(t.staff.c.display_name).where(t.staff.c.login == login)
    name: str | None = (await conn.execute(query)).scalar_one_or_none()
    return name


async def log_in(conn: AsyncConnection, login: str, password: str) -> str | None:
    """A new session token for correct credentials, else None."""
    row = (await conn.execute(select(t.staff.c.password_hash).where(t.staff.c.login == login))).first()
    if row is None or not password_matches(password, row.password_hash):
        return None
    token = secrets.token_urlsafe(32)
    expires = now_jst() + timedelta(hours=SESSION_HOURS)
    await conn.execute(
        insert(t.sessions).values(token_hash=_token_hash(token), login=login, expires_at=expires)
    )
    return token


async def session_login(conn: AsyncConnection, token: str) -> str | None:
    query = select(t.sessions.c.login, t.sessions.c.expires_at).where(
        t.sessions.c.token_hash == _token_hash(token)
    )
    row = (await conn.execute(query)).first()
    if row is None or aware_jst(row.expires_at) < now_jst():
        return None
    login: str = row.login
    return login


async def log_out(conn: AsyncConnection, token: str) -> None:
    await conn.execute(delete(t.sessions).where(t.sessions.c.token_hash == _token_hash(token)))


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- patients ------------------------------------------------------------------------------

PATIENT_FIELDS = tuple(f.name for f in dataclasses.fields(Patient) if f.name != "id")


def _patient(row: Row[Any]) -> Patient:
    return Patient(id=row.id, **{name: getattr(row, name) for name in PATIENT_FIELDS})


async def add_patient(conn: AsyncConnection, values: dict[str, Any]) -> Patient:
    now = now_jst()
    clean = {k: v for k, v in values.items() if k in PATIENT_FIELDS}
    result = await conn.execute(
        insert(t.patients).values(created_at=now, updated_at=now, **clean).returning(t.patients.c.id)
    )
    patient_id: int = result.scalar_one()
    return await get_patient(conn, patient_id)


async def get_patient(conn: AsyncConnection, patient_id: int) -> Patient:
    row = (await conn.execute(select(t.patients).where(t.patients.c.id == patient_id))).first()
    if row is None:
        raise DeskError(f"患者 {patient_id} は登録されていません")
    return _patient(row)


async def set_reference_number(conn: AsyncConnection, patient_id: int, reference: str) -> None:
    await conn.execute(
        update(t.patients).where(t.patients.c.id == patient_id).values(reference_number=reference)
    )


async def candidates_for(conn: AsyncConnection, person: Person) -> list[Patient]:
    """Patients that could be this person: same 照会番号, numbers or birth date (indexed lookups)."""
    conditions = []
    if person.reference_number:
        conditions.append(t.patients.c.reference_number == person.reference_number)
    if person.number:
        conditions.append(t.patients.c.number == person.number)
    if person.birthdate:
        conditions.append(t.patients.c.birthdate == person.birthdate)
    if not conditions:
        return []
    rows = (await conn.execute(select(t.patients).where(or_(*conditions)).limit(200))).all()
    return [_patient(row) for row in rows]


async def search_patients(conn: AsyncConnection, text: str, limit: int = 50) -> list[Patient]:
    query = select(t.patients).order_by(t.patients.c.id).limit(limit)
    text = text.strip()
    if text:
        like = f"%{text}%"
        query = query.where(
            or_(
                t.patients.c.name.like(like),
                t.patients.c.name_kana.like(like),
                t.patients.c.number == text,
                t.patients.c.reference_number == text,
                t.patients.c.id == (int(text) if text.isdecimal() else -1),
            )
        )
    return [_patient(row) for row in (await conn.execute(query)).all()]


def _stored_text(value: object) -> str | None:
    return None if value is None else value.isoformat() if isinstance(value, date) else str(value)


async def correct_patient(
    conn: AsyncConnection, patient: Patient, changes: dict[str, Any], by: str, arrival_id: int | None
) -> int:
    """Apply field changes and record each one (who, when, old → new). Returns how many."""
    changes = {k: v for k, v in changes.items() if k in PATIENT_FIELDS and getattr(patient, k) != v}
    if not changes:
        return 0
    now = now_jst()
    await conn.execute(
        update(t.patients).where(t.patients.c.id == patient.id).values(updated_at=now, **changes)
    )
    rows = [
        {
            "patient_id": patient.id,
            "arrival_id": arrival_id,
            "field": name,
            "old_value": _stored_text(getattr(patient, name)),
            "new_value": _stored_text(value),
            "applied_by": by,
            "applied_at": now,
        }
        for name, value in changes.items()
    ]
    await conn.execute(insert(t.corrections), rows)
    return len(rows)


async def corrections_of(conn: AsyncConnection, patient_id: int) -> list[Row[Any]]:
    query = (
        select(t.corrections)
        .where(t.corrections.c.patient_id == patient_id)
        .order_by(t.corrections.c.applied_at.desc(), t.corrections.c.id.desc())
    )
    return list((await conn.execute(query)).all())


# --- arrivals (result files read) ------------------------------------------------------------


async def add_arrival(conn: AsyncConnection, values: dict[str, Any]) -> tuple[int, bool]:
    """(id, True) for a new file; (id, False) when this file name was read before."""
    existing = (
        await conn.execute(select(t.arrivals.c.id).where(t.arrivals.c.filename == values["filename"]))
    ).scalar_one_or_none()
    if existing is not None:
        return existing, False
    result = await conn.execute(insert(t.arrivals).values(**values).returning(t.arrivals.c.id))
    arrival_id: int = result.scalar_one()
    return arrival_id, True


async def get_arrival(conn: AsyncConnection, arrival_id: int) -> Row[Any]:
    row = (await conn.execute(select(t.arrivals).where(t.arrivals.c.id == arrival_id))).first()
    if row is None:
        raise DeskError(f"受付 {arrival_id} はありません")
    return row


async def link_arrival(conn: AsyncConnection, arrival_id: int, patient_id: int) -> None:
    await conn.execute(update(t.arrivals).where(t.arrivals.c.id == arrival_id).values(patient_id=patient_id))


async def arrivals_on(conn: AsyncConnection, day: date) -> list[Row[Any]]:
    query = (
        select(*[c for c in t.arrivals.c if c.name != "content"], t.patients.c.name.label("patient_name"))
        .select_from(t.arrivals.outerjoin(t.patients, t.arrivals.c.patient_id == t.patients.c.id))
        .where(t.arrivals.c.day == day)
        .order_by(t.arrivals.c.received_at.desc(), t.arrivals.c.id.desc())
    )
    return list((await conn.execute(query)).all())  # type: ignore[arg-type]


async def latest_arrival_of(conn: AsyncConnection, patient_id: int) -> Row[Any] | None:
    query = (
        select(t.arrivals)
        .where(t.arrivals.c.patient_id == patient_id)
        .order_by(t.arrivals.c.received_at.desc(), t.arrivals.c.id.desc())
        .limit(1)
    )
    row: Row[Any] | None = (await conn.execute(query)).first()
    return row


# --- request files written --------------------------------------------------------------------


async def add_request(conn: AsyncConnection, filename: str, kind: str, by: str | None, **links: Any) -> None:
    await conn.execute(
        insert(t.requests).values(filename=filename, kind=kind, written_at=now_jst(), written_by=by, **links)
    )


async def find_request(conn: AsyncConnection, filename: str) -> Row[Any] | None:
    row: Row[Any] | None = (
        await conn.execute(select(t.requests).where(t.requests.c.filename == filename))
    ).first()
    return row


async def answer_request(
    conn: AsyncConnection, filename: str, outcome: str, arrival_id: int | None = None
) -> None:
    await conn.execute(
        update(t.requests)
        .where(t.requests.c.filename == filename)
        .values(answered_at=now_jst(), outcome=outcome, arrival_id=arrival_id)
    )


async def unanswered_since(conn: AsyncConnection, before: datetime) -> list[Row[Any]]:
    query = select(t.requests).where(
        and_(t.requests.c.answered_at.is_(None), t.requests.c.written_at < before)
    )
    return list((await conn.execute(query)).all())


async def count_requests(conn: AsyncConnection) -> int:
    return int((await conn.execute(select(func.count()).select_from(t.requests))).scalar_one())
