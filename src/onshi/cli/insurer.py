"""`onshi insurer import FILE` and insurer API keys."""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from onshi.cli._common import console, errors, fail, operator_actor, parse_or_fail, run
from onshi.domain.actors import ActorKind
from onshi.domain.insurer import InsurerNumber
from onshi.feeds.insurer_csv import FeedFormatError
from onshi.feeds.text import NotUtf8
from onshi.services.insurer_import import ImportReport
from onshi.services.parallel_import import import_file
from onshi.store import apikeys
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

app = typer.Typer(help="Insurers: qualification feeds and API keys.", no_args_is_help=True)


def count_data_lines(path: Path) -> int:
    with path.open("rb") as stream:
        lines = sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))
    return max(lines - 1, 0)


@app.command("import")
def import_command(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="UTF-8 CSV (docs/insurer-feed.md)"),
    report: Path | None = typer.Option(None, help="also write every rejected row to this CSV file"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Load qualification data. Bad rows are reported with their line number and reason and the
    rest still load; exits with status 1 when any row was rejected."""
    total = count_data_lines(file)

    async def work(database: Database) -> ImportReport:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=errors, disable=as_json) as progress:
            task = progress.add_task(f"importing {file.name}", total=total)
            return await import_file(
                database,
                DirectAuditLog(database.engine),
                file,
                operator_actor(),
                str(file),
                progress=lambda rows: progress.advance(task, rows),
            )

    try:
        result = run(work)
    except (FeedFormatError, NotUtf8) as error:
        fail(f"{file}: {error}")
        return
    _print_report(result, as_json)
    if report is not None:
        _write_report(result, report)
    if result.rejected:
        raise typer.Exit(1)


def _print_report(result: ImportReport, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(result.as_dict(), option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    for row in result.rejected:
        console.print(f"[red]line {row.line}[/]: {row.reason_en}  [dim]({row.reason_ja})[/]", highlight=False)
    console.print(
        f"import {result.import_id}: {result.total} rows, {result.loaded} loaded, "
        f"{result.unchanged} unchanged, {len(result.rejected)} rejected"
    )


def _write_report(result: ImportReport, path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["line", "fields", "reason_ja", "reason_en"])
        for row in result.rejected:
            writer.writerow([row.line, " ".join(e.field for e in row.errors), row.reason_ja, row.reason_en])


@app.command("key")
def key_command(
    insurer_number: str = typer.Argument(..., help="保険者番号 the key may load data for"),
    label: str = typer.Option("", help="a note to tell keys apart"),
) -> None:
    """Create an API key for an insurer's feeds (shown once; only its hash is stored)."""
    number = parse_or_fail(lambda: InsurerNumber.parse(insurer_number))

    async def work(database: Database) -> str:
        async with database.write() as conn:
            key, _ = await apikeys.create(conn, ActorKind.INSURER, number.digits, label)
        return key.secret

    console.print(run(work), highlight=False)
