"""The merge's direct insert of new periods: taken while every period is new, given up (and
the chunk merged the general way, nothing lost) at the first chunk that meets a registered one."""

from __future__ import annotations

from sqlalchemy import func, select

from onshi.domain.dates import now_jst
from onshi.feeds.insurer_csv import FeedReader
from onshi.store.database import Database
from onshi.store.importer import MergeMemory, QualificationLoader, staging_records
from onshi.store.schema import qualification_history, qualifications
from tests.factories import feed_lines, feed_row


def _records(numbers_and_addresses: list[tuple[str, str]]) -> list[tuple[object, ...]]:
    rows = [feed_row(insured_identification_number=n, address=a) for n, a in numbers_and_addresses]
    block = FeedReader(feed_lines(rows)).next_block()
    assert block is not None and not block.rejected
    return staging_records(block)


async def _merge(db: Database, memory: MergeMemory, rows: list[tuple[str, str]]) -> tuple[int, int]:
    async with db.write() as conn:
        loader = QualificationLoader(conn, 1, now_jst(), memory)
        await loader.prepare()
        result = await loader.load(_records(rows))
    return result.loaded, result.unchanged


async def test_new_periods_go_in_directly_until_one_is_registered(db: Database) -> None:
    memory = MergeMemory()
    assert await _merge(db, memory, [("1", "A"), ("2", "A"), ("2", "B")]) == (3, 0)
    assert memory.all_new  # nothing registered was met: the direct insert stays on
    assert await _merge(db, memory, [("3", "A"), ("1", "C"), ("2", "B")]) == (2, 1)
    assert not memory.all_new  # period 1 was registered: this chunk, and the rest, merge in full
    async with db.read() as conn:
        current = dict((await conn.execute(select(qualifications.c.number, qualifications.c.address))).all())
        versions = dict((await conn.execute(select(qualifications.c.number, qualifications.c.version))).all())
        history = (await conn.execute(select(func.count()).select_from(qualification_history))).scalar_one()
    assert current == {"1": "C", "2": "B", "3": "A"}
    assert versions == {"1": 2, "2": 2, "3": 1}
    assert history == 2  # 1's "A" and 2's "A": superseded, never overwritten


async def test_a_general_merge_is_not_tried_directly_again(db: Database) -> None:
    memory = MergeMemory(all_new=False)
    assert await _merge(db, memory, [("1", "A")]) == (1, 0)
    assert await _merge(db, memory, [("2", "A"), ("1", "A")]) == (1, 1)
    assert not memory.all_new
