"""Confirmation by numbers against a real database (both backends), audit included."""

from __future__ import annotations

import asyncio
from datetime import date, datetime

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.codes import Validity
from onshi.domain.dates import JST
from onshi.domain.eligibility import Reason
from onshi.services.confirmation import (
    Confirmed,
    InputRejected,
    NumberConfirmation,
    confirm_by_numbers,
    result_document,
    search_echo,
)
from onshi.store.audit import DirectAuditLog, GroupCommitAuditLog
from onshi.store.database import Database
from onshi.store.schema import audit_events
from onshi.wire.qualification import ResultHeader
from tests.factories import KENPO, KYOKAI_TOKYO, feed_row
from tests.services.test_insurer_import import load

CLINIC = Actor(ActorKind.FACILITY, "1310000017", Channel.API, credential_id=1)
TODAY = date(2026, 11, 23)
TODAY_TIME = datetime(2026, 11, 23, 9, 0, tzinfo=JST)

POPULATION = [
    feed_row(insured_identification_number="1", individual_key="A"),
    # a job changer: lost at 協会けんぽ, new at a 健保組合 the same day
    feed_row(
        insured_identification_number="2",
        disqualification_date="20240401",
        reason_of_loss="03",
        individual_key="B",
    ),
    feed_row(
        insurer_number=KENPO.digits,
        insurer_name="テスト健康保険組合",
        insured_card_symbol="77",
        insured_identification_number="9",
        qualification_date="20240401",
        individual_key="B",
    ),
    feed_row(
        insured_identification_number="3",
        disqualification_date="20250101",
        reason_of_loss="01",
        individual_key="C",
    ),
    # twins under one card number
    feed_row(
        insured_identification_number="4",
        insured_branch_number="01",
        birthdate="20150505",
        qualification_date="20150505",
        name="山田　一郎",
    ),
    feed_row(
        insured_identification_number="4",
        insured_branch_number="02",
        birthdate="20150505",
        qualification_date="20150505",
        name="山田　二郎",
    ),
    feed_row(
        insured_identification_number="5",
        name="髙橋　𠮷子",
        name_kana="ﾀｶﾊｼ ﾖｼｺ",
        limit_application_certificate_classification="01",
        limit_application_certificate_classification_flag="A03",
        limit_application_certificate_valid_start_date="20260101",
    ),
]


@pytest.fixture
async def populated(db: Database) -> Database:
    report = await load(db, POPULATION)
    assert report.ok, report.rejected
    return db


async def confirm(db: Database, number: str, birthdate: str = "19800401", **extra: object) -> Confirmed:
    request = NumberConfirmation(KYOKAI_TOKYO.digits, number, birthdate, TODAY, symbol="１２３", **extra)  # type: ignore[arg-type]
    outcome = await confirm_by_numbers(db, DirectAuditLog(db.engine), CLINIC, request)
    assert isinstance(outcome, Confirmed)
    return outcome


@pytest.mark.parametrize(
    ("number", "birthdate", "branch", "validity", "reason"),
    [
        ("1", "19800401", None, Validity.VALID, Reason.VALID),
        ("2", "19800401", None, Validity.INVALID_NEWER_EXISTS, Reason.LOST_NEWER_EXISTS),
        ("3", "19800401", None, Validity.INVALID, Reason.LOST),
        ("404", "19800401", None, Validity.NOT_FOUND, Reason.NO_SUCH_NUMBERS),
        ("1", "19800402", None, Validity.NOT_FOUND, Reason.BIRTHDATE_MISMATCH),
        ("4", "20150505", None, Validity.MULTIPLE, Reason.AMBIGUOUS),
        ("4", "20150505", "02", Validity.VALID, Reason.VALID),
    ],
)
async def test_each_validity(
    populated: Database, number: str, birthdate: str, branch: str | None, validity: Validity, reason: Reason
) -> None:
    outcome = await confirm(populated, number, birthdate, branch=branch)
    assert (outcome.verdict.validity, outcome.verdict.reason) == (validity, reason)


async def test_names_come_back_exactly(populated: Database) -> None:
    outcome = await confirm(populated, "5")
    assert outcome.verdict.subject is not None
    assert outcome.verdict.subject.name == "髙橋\u3000𠮷子"


async def test_limit_certificate_only_with_consent(populated: Database) -> None:
    header = ResultHeader("1310000017", TODAY_TIME)
    without = await confirm(populated, "5")
    body = result_document(without, header, None)["MessageBody"]["ResultList"][0][
        "ResultOfQualificationConfirmation"
    ]
    assert "LimitApplicationCertificateRelatedInfo" not in body
    consented = await confirm(populated, "5", limit_consent=True)
    body = result_document(consented, header, None)["MessageBody"]["ResultList"][0][
        "ResultOfQualificationConfirmation"
    ]
    assert (
        body["LimitApplicationCertificateRelatedInfo"]["LimitApplicationCertificateClassificationFlag"]
        == "A03"
    )
    assert body["LimitApplicationCertificateRelatedConsFlg"] == "1"


async def test_bad_keys_are_rejected_with_every_reason(populated: Database) -> None:
    request = NumberConfirmation("01130013", "", "19800230", "2026-13-01")
    outcome = await confirm_by_numbers(populated, DirectAuditLog(populated.engine), CLINIC, request)
    assert isinstance(outcome, InputRejected)
    assert {e.field for e in outcome.errors} == {
        "insurer_number",
        "insured_identification_number",
        "birthdate",
        "qualification_confirmation_date",
    }
    echo = search_echo(request)
    body = result_document(outcome, ResultHeader("1310000017", TODAY_TIME), echo)["MessageBody"]
    assert body["ProcessingResultStatus"] == "2"
    assert body["ProcessingResultCode"].startswith("ONSP1")


async def test_every_confirmation_is_audited_without_patient_data(populated: Database) -> None:
    await confirm(populated, "1")
    await confirm(populated, "404")
    await confirm_by_numbers(
        populated, DirectAuditLog(populated.engine), CLINIC, NumberConfirmation("bad", "1", "19800401", TODAY)
    )
    async with populated.read() as conn:
        rows = (
            (await conn.execute(select(audit_events).where(audit_events.c.action == "confirm.numbers")))
            .mappings()
            .all()
        )
    assert [r["outcome"] for r in rows] == ["validity:1", "validity:4", "rejected:bad_format"]
    assert rows[0]["subject_key"] == f"{KYOKAI_TOKYO.digits}:123:1:00"  # the matched person's full key
    assert rows[1]["subject_key"] == f"{KYOKAI_TOKYO.digits}:123:404:"  # as searched
    assert all(r["actor_kind"] == "facility" and r["actor_id"] == "1310000017" for r in rows)
    flattened = " ".join(str(value) for row in rows for value in row.values())
    for private in ("山田", "19800401", "1980-04-01", "ﾔﾏﾀﾞ"):
        assert private not in flattened


async def test_group_commit_writes_every_event_of_concurrent_requests(populated: Database) -> None:
    audit = GroupCommitAuditLog(populated.engine, max_batch=16)
    await audit.start()
    try:
        requests = [
            NumberConfirmation(KYOKAI_TOKYO.digits, "1", "19800401", TODAY, "123") for _ in range(100)
        ]
        outcomes = await asyncio.gather(*(confirm_by_numbers(populated, audit, CLINIC, r) for r in requests))
    finally:
        await audit.stop()
    assert all(isinstance(o, Confirmed) for o in outcomes)
    async with populated.read() as conn:
        rows = (
            await conn.execute(
                select(audit_events.c.outcome).where(audit_events.c.action == "confirm.numbers")
            )
        ).all()
    assert len(rows) == 100


async def test_audit_failure_means_no_answer(populated: Database) -> None:
    audit = GroupCommitAuditLog(populated.engine)
    with pytest.raises(RuntimeError, match="not running"):
        await confirm_by_numbers(
            populated, audit, CLINIC, NumberConfirmation(KYOKAI_TOKYO.digits, "1", "19800401")
        )
