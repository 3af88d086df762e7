"""The batch worker loop: answer pending chunks until stopped, wait when there are none,
ride out database outages. Run as many as wanted (`onshi worker --processes N
--concurrency C`): on PostgreSQL they share the work through SKIP LOCKED; on SQLite they
take turns."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.exc import SQLAlchemyError

from onshi.services.batches import work_one
from onshi.store.database import Database
from onshi.waiting import within

log = logging.getLogger("onshi.worker")
IDLE_SECONDS = 0.2  # how soon a new upload is picked up
MAX_BACKOFF_SECONDS = 5.0


async def run_worker(db: Database, stop: asyncio.Event, until_idle: bool = False) -> int:
    """Answer chunks until `stop` is set (or, with `until_idle`, until none is pending).
    Returns how many chunks this worker answered."""
    answered = 0
    backoff = IDLE_SECONDS
    while not stop.is_set():
        try:
            worked = await work_one(db)
        except (SQLAlchemyError, OSError) as error:
            log.warning("database unavailable, retrying in %.1fs: %s", backoff, error)
            await _wait(stop, backoff)
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
            continue
        backoff = IDLE_SECONDS
        if worked:
            answered += 1
            continue
        if until_idle:
            break
        await _wait(stop, IDLE_SECONDS)
    return answered


async def run_workers(db: Database, stop: asyncio.Event, concurrency: int, until_idle: bool = False) -> int:
    """`concurrency` worker loops in this process, each on its own connection: while one
    waits for the database (a chunk is ten round trips and a commit), another computes, so a
    process keeps its core busy. On SQLite one loop: its writers take turns anyway."""
    loops = 1 if db.url.is_sqlite else max(1, concurrency)
    answered = await asyncio.gather(*(run_worker(db, stop, until_idle) for _ in range(loops)))
    return sum(answered)


async def _wait(stop: asyncio.Event, seconds: float) -> None:
    await within(seconds, stop.wait())
