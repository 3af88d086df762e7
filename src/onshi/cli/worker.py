"""`onshi worker`: the processes that answer batches (一括照会・照会番号一括登録)."""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import signal
from collections.abc import Sequence

import typer

from onshi.cli._common import console, ensure_schema, settings
from onshi.services.batch_worker import run_workers
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl

# More loops pay when PostgreSQL is across a network; on 2 local cores the CPU is the limit
# and 1 or 2 measured the same (bench/README.md, batch inquiry).
DEFAULT_CONCURRENCY = 1


def worker(
    processes: int = typer.Option(1, min=1, max=64, help="worker processes"),
    concurrency: int = typer.Option(
        DEFAULT_CONCURRENCY,
        min=1,
        max=16,
        help="chunks each process answers at once, on connections of its own (PostgreSQL; SQLite: 1)",
    ),
    until_idle: bool = typer.Option(
        False, "--until-idle", help="stop when no batch is pending (for cron and scripts)"
    ),
) -> None:
    """Answer pending batches on $ONSHI_DATABASE_URL until stopped (Ctrl-C / SIGTERM).
    Batches survive restarts: a worker killed mid-chunk leaves the chunk for the others."""
    url = settings().database_url
    ensure_schema(DatabaseUrl.parse(url))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(processName)s %(name)s %(message)s")
    if processes == 1:
        console.print(f"{_run(url, until_idle, concurrency)} chunks answered")
        return
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(target=_run, args=(url, until_idle, concurrency), name=f"worker-{n}")
        for n in range(processes)
    ]
    for child in children:
        child.start()
    # Ctrl-C reaches the whole process group: each child finishes its chunk and stops.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, lambda *_: _stop(children))
    for child in children:
        child.join()
    if any(child.exitcode for child in children):
        raise typer.Exit(1)


# A chunk allocates a few hundred thousand short-lived objects (rows, domain objects, unit
# dicts): with the default threshold (700) the collector runs thousands of times per chunk,
# its older generations over every module object loaded at start. Frozen start-up objects
# and a larger first generation cut that to a few dozen runs (cycles are still collected).
GC_THRESHOLD = (50_000, 20, 100)


def _run(url: str, until_idle: bool, concurrency: int) -> int:
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLD)

    async def main() -> int:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        db = Database.open(url, pool_size=concurrency + 1)
        try:
            return await run_workers(db, stop, concurrency, until_idle)
        finally:
            await db.close()

    return asyncio.run(main())


def _stop(children: Sequence[multiprocessing.process.BaseProcess]) -> None:
    for child in children:
        child.terminate()  # SIGTERM: the child finishes its chunk and stops
