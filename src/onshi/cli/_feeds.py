"""The row-by-row CSV feeds from the command line (clinical records, public expense): one way
to load a file and report it — bad rows with line and reasons, exit 1 when any was rejected."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, Iterable, Sequence
from pathlib import Path

import orjson
import typer

from onshi.cli._common import console, fail, operator_actor, run
from onshi.domain.actors import Actor
from onshi.feeds.text import NotUtf8, open_feed
from onshi.services.insurer_import import ImportReport
from onshi.store.audit import AuditLog, DirectAuditLog
from onshi.store.database import Database

# (database, audit, feed, lines, actor, source) → the report
Importer = Callable[[Database, AuditLog, str, Iterable[str], Actor, str], Awaitable[ImportReport]]


def import_file(
    feed: str,
    file: Path,
    feeds: Sequence[str],
    importer: Importer,
    format_errors: tuple[type[Exception], ...],
    as_json: bool,
) -> None:
    if feed not in feeds:
        fail(f"unknown feed {feed!r}: one of {', '.join(feeds)}")

    async def work(database: Database) -> ImportReport:
        with open_feed(file) as lines:
            audit = DirectAuditLog(database.engine)
            return await importer(database, audit, feed, lines, operator_actor(), str(file))

    refused: tuple[type[Exception], ...] = (*format_errors, NotUtf8)
    try:
        report = run(work)
    except refused as error:
        fail(f"{file}: {error}")
        return
    if as_json:
        sys.stdout.write(orjson.dumps(report.as_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        for row in report.rejected:
            console.print(
                f"[red]line {row.line}[/]: {row.reason_en}  [dim]({row.reason_ja})[/]", highlight=False
            )
        console.print(
            f"{feed} import {report.import_id}: {report.total} rows, {report.loaded} loaded, "
            f"{report.unchanged} already stored, {len(report.rejected)} rejected"
        )
    if report.rejected:
        raise typer.Exit(1)
