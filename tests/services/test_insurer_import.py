"""The insurer feed import on both databases: loads, history, rejections, idempotence."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from sqlalchemy import func, select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.services.insurer_import import ImportReport, import_feed
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import (
    audit_events,
    import_rejections,
    insurers,
    qualification_history,
    qualifications,
)
from tests.factories import KENPO, feed_lines, feed_row

OPERATOR = Actor(ActorKind.OPERATOR, "tester", Channel.CLI)


async def load(
    db: Database, rows: list[dict[str, str]], chunk_size: int = 1000, **extra: Any
) -> ImportReport:
    return await import_feed(
        db, DirectAuditLog(db.engine), feed_lines(rows), OPERATOR, "test.csv", chunk_size=chunk_size, **extra
    )


async def count(db: Database, table: Any) -> int:
    async with db.read() as conn:
        return int((await conn.execute(select(func.count()).select_from(table))).scalar_one())


async def test_loads_valid_rows_and_reports_bad_ones(db: Database) -> None:
    rows = [
        feed_row(),
        feed_row(insured_identification_number="457", birthdate="19900230"),
        feed_row(insured_identification_number="458", insurer_number="01130013"),
        feed_row(insured_identification_number="459"),
    ]
    report = await load(db, rows)
    assert (report.total, report.loaded, report.unchanged) == (4, 2, 0)
    assert [r.line for r in report.rejected] == [3, 4]
    assert await count(db, qualifications) == 2
    assert await count(db, import_rejections) == 2
    async with db.read() as conn:
        audit = (await conn.execute(select(audit_events.c.action, audit_events.c.outcome))).all()
    assert audit == [("insurer.import", "done:2/4")]


async def test_same_file_twice_changes_nothing(db: Database) -> None:
    rows = [feed_row(), feed_row(insured_identification_number="457")]
    await load(db, rows)
    again = await load(db, rows)
    assert (again.loaded, again.unchanged, len(again.rejected)) == (0, 2, 0)
    assert await count(db, qualification_history) == 0


async def test_a_later_row_records_a_change_in_history(db: Database) -> None:
    await load(db, [feed_row()])
    report = await load(db, [feed_row(disqualification_date="20240401", reason_of_loss="03")])
    assert report.loaded == 1
    async with db.read() as conn:
        current = (await conn.execute(select(qualifications))).mappings().one()
        history = (await conn.execute(select(qualification_history))).mappings().all()
    assert (current["version"], str(current["disqualification_date"])) == (2, "2024-04-01")
    assert len(history) == 1
    assert (history[0]["version"], history[0]["disqualification_date"]) == (1, None)


async def test_rows_for_one_period_within_one_file_keep_their_order(db: Database) -> None:
    rows = [feed_row(), feed_row(address="東京都新宿区"), feed_row(address="東京都中野区")]
    report = await load(db, rows, chunk_size=2)  # the change spans two chunks too
    assert report.loaded == 3
    async with db.read() as conn:
        current = (await conn.execute(select(qualifications))).mappings().one()
        history = (
            await conn.execute(select(qualification_history).order_by(qualification_history.c.id))
        ).mappings()
        versions = [(h["version"], h["address"]) for h in history]
    assert (current["version"], current["address"]) == (3, "東京都中野区")
    assert versions == [(1, None), (2, "東京都新宿区")]


async def test_new_periods_and_family_members(db: Database) -> None:
    rows = [
        feed_row(disqualification_date="20150401", reason_of_loss="99"),
        feed_row(qualification_date="20160401"),
        feed_row(
            insured_branch_number="01", name="山田　花子", birthdate="20120101", qualification_date="20120101"
        ),
    ]
    assert (await load(db, rows)).loaded == 3
    assert await count(db, qualifications) == 3


async def test_unknown_insurer_needs_a_name(db: Database) -> None:
    report = await load(db, [feed_row(insurer_number=KENPO.digits, insurer_name="")])
    assert report.loaded == 0
    assert [r.line for r in report.rejected] == [2]
    assert "insurer_name" in report.rejected[0].reason_en
    assert await count(db, insurers) == 0


async def test_insurer_credentials_may_only_load_their_own_rows(db: Database) -> None:
    rows = [feed_row(), feed_row(insurer_number=KENPO.digits, insurer_name="テスト健保")]
    report = await load(db, rows, allowed_insurers={KENPO.digits})
    assert report.loaded == 1
    assert [r.line for r in report.rejected] == [2]


async def test_individual_key_given_later_links_the_member(db: Database) -> None:
    await load(db, [feed_row()])
    await load(db, [feed_row(individual_key="P-0001")])
    async with db.read() as conn:
        assert (await conn.execute(select(qualifications.c.individual_key))).scalar_one() == "P-0001"


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 100])
@pytest.mark.parametrize(
    "addresses",
    [["A", "A", "B", "B", "A"], ["X", "A"], ["X", "X", "X"], ["B", "X", "B", "C"]],
)
async def test_repeated_rows_of_a_period_version_like_one_by_one(
    db: Database, addresses: list[str], chunk_size: int
) -> None:
    """Whatever the chunking, a file's rows for one period make the versions and history
    that loading them one at a time would make: a version per change, repeats skipped."""
    await load(db, [feed_row(address="X")])
    report = await load(db, [feed_row(address=a) for a in addresses], chunk_size=chunk_size)
    seen = ["X", *addresses]
    changes = sum(1 for before, after in itertools.pairwise(seen) if before != after)
    assert (report.loaded, report.unchanged) == (changes, len(addresses) - changes)
    async with db.read() as conn:
        current = (await conn.execute(select(qualifications))).mappings().one()
        history = (
            await conn.execute(select(qualification_history).order_by(qualification_history.c.id))
        ).mappings()
        versions = [(h["version"], h["address"]) for h in history]
    distinct = [address for before, address in itertools.pairwise(["", *seen]) if before != address]
    assert (current["version"], current["address"]) == (len(distinct), addresses[-1])
    assert versions == [(n, address) for n, address in enumerate(distinct[:-1], start=1)]


def _versions_one_by_one(
    rows: list[tuple[str, str]],
) -> tuple[dict[str, tuple[int, str]], list[tuple[str, int, str]]]:
    """The reference: rows (person's number, address) applied one at a time to an empty
    registry — each person's current (version, address) and the history, in file order."""
    current: dict[str, tuple[int, str]] = {}
    history: list[tuple[str, int, str]] = []
    for number, address in rows:
        if number in current and current[number][1] == address:
            continue
        if number in current:
            history.append((number, *current[number]))
        current[number] = (current[number][0] + 1 if number in current else 1, address)
    return current, history


def _scenarios() -> list[list[tuple[str, str]]]:
    import random

    fixed = [
        [("1", "A"), ("2", "A"), ("3", "A")],  # every period new: the direct insert
        [("1", "A"), ("1", "A"), ("1", "B"), ("2", "X"), ("1", "B"), ("1", "A")],
        [("1", "A"), ("2", "B"), ("3", "C"), ("1", "D")],  # a period met again in a later chunk
    ]
    chance = random.Random(7)
    drawn = [
        [(str(chance.randint(1, 4)), chance.choice("ABC")) for _ in range(chance.randint(1, 12))]
        for _ in range(5)
    ]
    return fixed + drawn


@pytest.mark.parametrize("chunk_size", [1, 2, 5, 100])
@pytest.mark.parametrize("rows", _scenarios())
async def test_a_first_load_versions_like_one_by_one(
    db: Database, rows: list[tuple[str, str]], chunk_size: int
) -> None:
    """Into an empty registry (where chunks are inserted directly until one meets a period
    already loaded), any file and chunking make the versions and history of one-by-one loading."""
    feed = [feed_row(insured_identification_number=number, address=address) for number, address in rows]
    report = await load(db, feed, chunk_size=chunk_size)
    current, history = _versions_one_by_one(rows)
    assert report.loaded == len(current) + len(history)
    assert report.unchanged == len(rows) - report.loaded
    async with db.read() as conn:
        stored = (await conn.execute(select(qualifications))).mappings().all()
        old = (
            (await conn.execute(select(qualification_history).order_by(qualification_history.c.id)))
            .mappings()
            .all()
        )
    assert {q["number"]: (q["version"], q["address"]) for q in stored} == current
    assert sorted((h["number"], h["version"], h["address"]) for h in old) == sorted(history)
    assert all(h["superseded_by_import_id"] == report.import_id for h in old)
