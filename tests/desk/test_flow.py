"""The desk through the terminal's files against a real central: register, re-confirm, correct, pre-check."""

from __future__ import annotations

import asyncio
import re

from sqlalchemy import select

from onshi.desk import schema as t
from onshi.store.database import Database
from tests.desk.conftest import Stack, wait_for
from tests.factories import KYOKAI_TOKYO

PATIENT = {
    "name": "山田　太朗",  # registered with a typo: the confirmation says 山田　太郎
    "name_kana": "ヤマダ タロウ",
    "birthdate": "1980-04-01",
    "sex": "1",
    "insurer_number": KYOKAI_TOKYO.digits,
    "symbol": "123",
    "number": "456",
    "branch": "00",
}


def rows(stack: Stack, table: t.Table) -> list[object]:
    async def work() -> list[object]:
        db = Database.open(stack.database_url, pool_size=1)
        try:
            async with db.read() as conn:
                return list((await conn.execute(select(table))).all())
        finally:
            await db.close()

    return asyncio.run(work())


def test_register_reconfirm_and_correct_through_the_terminal(stack: Stack) -> None:
    with stack.client() as client:
        page = client.post("/patients/new", data=PATIENT)
        assert page.status_code == 200 and "00000001" in page.text
        # The patient number went to central as 照会番号 (OQSsiimm01req → OQSsiimm01res).
        wait_for(lambda: "未登録" not in client.get("/patients/1").text)
        page = client.post("/patients/1/reconfirm")
        assert "資格確認端末に照会しています" in page.text
        answered = wait_for(
            lambda: [r for r in rows(stack, t.requests) if r.kind == "inquiry" and r.answered_at]
        )
        arrival_id = answered[0].arrival_id  # type: ignore[index]
        page = client.get(f"/patients/1?arrival={arrival_id}")
        assert "資格有効" in page.text
        assert 'data-field="name"' in page.text and "山田　太郎" in page.text
        page = client.post(
            "/patients/1/corrections", data={"arrival_id": arrival_id, "field": ["name", "insurer_name"]}
        )
        assert "2 項目を修正しました" in page.text
        history = rows(stack, t.corrections)
        assert {(h.field, h.new_value, h.applied_by) for h in history} == {  # type: ignore[attr-defined]
            ("name", "山田　太郎", "uketsuke"),
            ("insurer_name", "全国健康保険協会東京支部", "uketsuke"),
        }
        page = client.get(f"/patients/1?arrival={arrival_id}")
        assert 'data-field="name"' not in page.text
        remaining = re.findall(r'data-field="(\w+)"', page.text)
        client.post("/patients/1/corrections", data={"arrival_id": arrival_id, "field": remaining})
        assert "登録内容と確認結果に相違はありません" in client.get(f"/patients/1?arrival={arrival_id}").text
        # Every file the terminal wrote was read and kept in trash, none left behind.
        assert not [p for p in (stack.root / "res").iterdir() if not p.name.startswith(".")]


def test_appointment_list_precheck_flags_the_invalid(stack: Stack) -> None:
    with stack.client() as client:
        client.post("/patients/new", data=PATIENT)
        csv = (
            "予約日時,患者番号,氏名,生年月日,保険者番号,記号,番号,枝番\n"
            "09:00,00000001,,,,,,\n"
            f"09:30,,喪失　花子,1980-04-01,{KYOKAI_TOKYO.digits},123,457,00\n"
            f"10:00,,不明　一郎,1990-01-01,{KYOKAI_TOKYO.digits},999,999,\n"
            "10:30,,番号なし,1990-01-01,,,,\n"
        )
        page = client.post(
            "/batches",
            files={"appointments_csv": ("yoyaku.csv", csv.encode("cp932"), "text/csv")},
            data={"confirmation_date": "2026-11-24"},
        )
        assert page.status_code == 200
        page = wait_for(lambda: (p := client.get("/batches/1")).text.count("件に確認が必要です") and p)
        text = page.text  # type: ignore[attr-defined]
        assert '4 件中 <strong id="invalid-count">3</strong>' in text
        assert "資格(無効)" in text and "資格情報なし" in text and "そろっていないため照会できません" in text
