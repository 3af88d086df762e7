"""一括申請 on both databases: a pharmacy chain's CSV files (accounts, applications, operation
start) — every bad row reported with its line and reason, the others applied with their
milestones and audit records; the same file again changes nothing; unusable files refused."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import today_jst
from onshi.domain.portal.onboarding import Application, Stage
from onshi.domain.portal.registration import read_registration
from onshi.domain.portal.roles import Role
from onshi.feeds.portal_csv import FeedFormatError
from onshi.services import portal_accounts, portal_bulk, portal_onboarding
from onshi.services.insurer_import import ImportReport
from onshi.store import portal_onboarding as store
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import audit_events, facility_milestones, import_rejections
from tests.portal.support import PASSWORD

CHAIN = "sakura-chain"
OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)
PHARMACIES = {"connected_1": "1341000011", "connected_2": "1341000029", "connected_3": "1341000037",
              "registered": "1341000045"}  # fmt: skip
DETAILS = {
    Application.CARD_READER: {"readers": "2", "contact_name": "薬局 太郎", "phone": "03-1111-2222"},
    Application.USAGE: {
        "representative": "薬局 太郎",
        "contact_name": "薬局 太郎",
        "phone": "03-1111-2222",
        "email": "chain@example.jp",
        "vendor": "チェーンシステム",
    },
    Application.CERTIFICATE: {"contact_name": "薬局 太郎"},
}


async def chain_with_connected_pharmacies(db: Database, ca_dir: Path) -> dict[str, str]:
    """A chain (login CHAIN, PASSWORD) with three connected pharmacies and one just registered."""
    await portal_accounts.create_corporation(
        db, OPERATOR, CHAIN, "さくら薬局チェーン", "chain@example.jp", PASSWORD
    )
    for name, code in PHARMACIES.items():
        form = {
            "facility_code": code,
            "name": f"さくら薬局 {name}",
            "facility_type": "pharmacy",
            "email": "p@example.jp",
        }
        await portal_accounts.register_facility(db, OPERATOR, read_registration(form), None, CHAIN)
        if name.startswith("connected"):
            await _connect(db, ca_dir, code)
    return PHARMACIES


async def _connect(db: Database, ca_dir: Path, code: str) -> None:
    chain = Actor(ActorKind.CORPORATION, CHAIN, Channel.WEB)
    for application, details in DETAILS.items():
        record = await portal_onboarding.submit(db, chain, code, application, details)
        await portal_onboarding.decide(db, OPERATOR, record.id, True)
    download = await portal_onboarding.download_certificate(db, ca_dir, chain, code)
    terminal = Actor(ActorKind.FACILITY, code, Channel.TERMINAL)
    await portal_onboarding.connection_test(db, terminal, download.issued.serial)


async def _bulk(db: Database, feed: str, text: str, login: str = CHAIN) -> ImportReport:
    async with db.read() as conn:
        principal = await portal_accounts.principal(conn, Role.CORPORATION, login, Channel.API)
    return await portal_bulk.import_bulk(
        db, DirectAuditLog(db.engine), feed, text.splitlines(), principal, "test.csv"
    )


async def test_operation_start_file_reports_bad_rows_and_applies_the_rest(
    db: Database, tmp_path: Path
) -> None:
    codes = await chain_with_connected_pharmacies(db, tmp_path / "ca")
    today = today_jst().isoformat()
    text = (
        "facility_code,operation_start_date\n"
        f"{codes['connected_1']},{today}\n"
        f"{codes['connected_2']},{(today_jst() + timedelta(days=1)).isoformat()}\n"
        f"{codes['registered']},{today}\n"
        "1310000017,2024-04-01\n"  # no account, and not the chain's
        f"{codes['connected_3']},{(today_jst() - timedelta(days=400)).isoformat()}\n"  # before the connection test
        "\n"
        f"{codes['connected_3']},{today},extra\n"
        f"{codes['connected_2']},{today}\n"
    )
    report = await _bulk(db, "operation_start", text)
    assert (report.total, report.loaded, report.unchanged) == (7, 2, 0)
    assert [r.line for r in report.rejected] == [3, 4, 5, 6, 8]
    reasons = {r.line: r.reason_ja for r in report.rejected}
    assert "未来の日付" in reasons[3] and "運用開始日の登録はできません" in reasons[4]
    assert (
        "この法人の医療機関等ではありません" in reasons[5]
        and "接続確認日" in reasons[6]
        and "列数" in reasons[8]
    )
    async with db.read() as conn:
        operating = {r.code for r in await store.listing(conn, stage=Stage.OPERATING)}
        milestones = (await conn.execute(select(facility_milestones.c.facility_code)
                                         .where(facility_milestones.c.milestone == "operating"))).scalars().all()  # fmt: skip
        stored = (await conn.execute(select(import_rejections.c.line)
                                     .where(import_rejections.c.import_id == report.import_id))).scalars().all()  # fmt: skip
        audited = (await conn.execute(select(audit_events.c.outcome)
                                      .where(audit_events.c.action == "portal.operation_start"))).scalars().all()  # fmt: skip
    assert operating == {codes["connected_1"], codes["connected_2"]} == set(milestones)
    assert sorted(stored) == [3, 4, 5, 6, 8] and audited == ["started", "started"]
    again = await _bulk(db, "operation_start", text)  # the same file: nothing new
    assert (again.loaded, again.unchanged, len(again.rejected)) == (0, 2, 5)


async def test_accounts_and_applications_files(db: Database, tmp_path: Path) -> None:
    await portal_accounts.create_corporation(
        db, OPERATOR, CHAIN, "さくら薬局チェーン", "chain@example.jp", PASSWORD
    )
    await portal_accounts.create_corporation(
        db, OPERATOR, "other-chain", "ほかのチェーン", "o@example.jp", PASSWORD
    )
    accounts = (
        "医療機関等コード,名称,施設の種類,メールアドレス,開設日\n"
        "1341000011,さくら薬局 本店,pharmacy,a@example.jp,\n"
        "1341000029,さくら薬局 駅前店,pharmacy,b@example.jp,2025-01-15\n"
        "1311000011,さくら薬局?,pharmacy,c@example.jp,\n"  # a medical code for a pharmacy
        "1341000011,さくら薬局 本店,pharmacy,a@example.jp,\n"  # twice
        "1341000037,さくら薬局 北店,pharmacy,not-an-address,\n"
    )
    report = await _bulk(db, "accounts", accounts)
    assert report.loaded == 2 and [r.line for r in report.rejected] == [4, 5, 6]
    assert "登録済み" in report.rejected[1].reason_ja
    applications = (
        "facility_code,kind,readers,contact_name,phone\n"
        "1341000011,card_reader,2,薬局 太郎,03-1111-2222\n"
        "1341000029,card_reader,9,薬局 太郎,03-1111-2222\n"  # more readers than a pharmacy may ask for
        "1341000029,usage,,薬局 太郎,03-1111-2222\n"  # usage before the reader
        "1341000029,card_reader,1,薬局 太郎,03-1111-2222\n"
        "1341000011,scanner,1,薬局 太郎,03-1111-2222\n"
    )
    report = await _bulk(db, "applications", applications)
    assert report.loaded == 2 and [r.line for r in report.rejected] == [3, 4, 6]
    async with db.read() as conn:
        rows = await store.listing(conn, codes={"1341000011", "1341000029"})
        obligated = {row.code: row.obligated_from for row in rows}
    assert {row.stage for row in rows} == {Stage.CARD_READER_REVIEW}
    assert {row.corporation_login for row in rows} == {CHAIN}
    assert str(obligated["1341000029"]) == "2025-01-15"  # opened after the obligation date
    others = await _bulk(db, "applications", applications, login="other-chain")
    assert others.loaded == 0 and len(others.rejected) == 5


async def test_unusable_files_are_refused(db: Database) -> None:
    await portal_accounts.create_corporation(
        db, OPERATOR, CHAIN, "さくら薬局チェーン", "chain@example.jp", PASSWORD
    )
    for feed, text in [
        ("operation_start", "facility_code,start\n1341000011,2024-01-01\n"),
        ("operation_start", "facility_code\n1341000011\n"),
        ("operation_start", ""),
        ("nonsense", "facility_code\n"),
    ]:
        with pytest.raises(FeedFormatError):
            await _bulk(db, feed, text)
