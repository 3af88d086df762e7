"""The desk's own tables, on SQLite and PostgreSQL: staff sessions, patients, recorded corrections."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.desk import store
from onshi.store.database import Database


@pytest.fixture
async def desk_db(db: Database) -> Database:
    await store.prepare(db)
    await store.prepare(db)  # idempotent: a restarted desk opens the same database
    return db


async def test_staff_log_in_with_their_password_only(desk_db: Database) -> None:
    async with desk_db.write() as conn:
        await store.add_staff(conn, "hanako", "受付 花子", "correct horse")
        assert await store.log_in(conn, "hanako", "wrong password") is None
        token = await store.log_in(conn, "hanako", "correct horse")
        assert token is not None
        assert await store.session_login(conn, token) == "hanako"
        await store.log_out(conn, token)
        assert await store.session_login(conn, token) is None
    with pytest.raises(store.DeskError):
        async with desk_db.write() as conn:
            await store.add_staff(conn, "short", "", "1234")


async def test_corrections_change_the_patient_and_record_who_did_what(desk_db: Database) -> None:
    async with desk_db.write() as conn:
        patient = await store.add_patient(conn, {"name": "山田　太朗", "birthdate": date(1980, 4, 1)})
        changed = await store.correct_patient(
            conn,
            patient,
            {"name": "山田　太郎", "copay_percent": 30, "birthdate": date(1980, 4, 1)},
            "hanako",
            None,
        )
        assert changed == 2  # an unchanged value is not a correction
        assert (await store.get_patient(conn, patient.id)).name == "山田　太郎"
        history = await store.corrections_of(conn, patient.id)
    assert {(h.field, h.old_value, h.new_value, h.applied_by) for h in history} == {
        ("name", "山田　太朗", "山田　太郎", "hanako"),
        ("copay_percent", None, "30", "hanako"),
    }


async def test_a_result_file_is_recorded_once(desk_db: Database) -> None:
    values = {
        "filename": "OQSsiquc01res_face_x_20261124090000.xml", "received_at": store.now_jst(),
        "day": date(2026, 11, 24), "source": "face", "outcome": "valid", "candidates": 1, "content": b"<XmlMsg/>",
    }  # fmt: skip
    async with desk_db.write() as conn:
        first, new = await store.add_arrival(conn, values)
        again, new_again = await store.add_arrival(conn, values)
        listed = await store.arrivals_on(conn, date(2026, 11, 24))
    assert (new, new_again, again) == (True, False, first)
    assert [row.id for row in listed] == [first]
