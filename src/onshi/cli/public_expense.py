"""`onshi public-expense import FEED FILE` and payers' API keys (docs/public-expense.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import orjson
import typer

from onshi.cli._common import console, fail, operator_actor, parse_or_fail, run
from onshi.domain.actors import ActorKind
from onshi.domain.public_expense import PayerNumber
from onshi.feeds.public_expense_csv import FEEDS, FeedFormatError
from onshi.feeds.text import NotUtf8, open_feed
from onshi.services.insurer_import import ImportReport
from onshi.services.public_expense_import import import_public_expense
from onshi.store import apikeys
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

app = typer.Typer(
    help="Public expense (公費負担医療・医療扶助): payers, recipients, medical-aid tickets.",
    no_args_is_help=True,
)


@app.command("import")
def import_command(
    feed: str = typer.Argument(..., help=f"which feed: {' / '.join(FEEDS)} (docs/public-expense.md)"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="UTF-8 CSV with a header row"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Load payers, recipients or medical-aid tickets. Bad rows are reported with their line and
    reasons and the rest load; exits with status 1 when any row was rejected."""
    if feed not in FEEDS:
        fail(f"unknown feed {feed!r}: one of {', '.join(FEEDS)}")

    async def work(database: Database) -> ImportReport:
        with open_feed(file) as lines:
            audit = DirectAuditLog(database.engine)
            return await import_public_expense(database, audit, feed, lines, operator_actor(), str(file))

    try:
        report = run(work)
    except (FeedFormatError, NotUtf8) as error:
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
            f"{report.unchanged} repeated, {len(report.rejected)} rejected"
        )
    if report.rejected:
        raise typer.Exit(1)


@app.command("key")
def key_command(
    payer_number: str = typer.Argument(..., help="公費負担者番号 the key may load data for"),
    label: str = typer.Option("", help="a note to tell keys apart"),
) -> None:
    """Create an API key for a payer's feeds (shown once; only its hash is stored)."""
    number = parse_or_fail(lambda: PayerNumber.parse(payer_number))

    async def work(database: Database) -> str:
        async with database.write() as conn:
            key, _ = await apikeys.create(conn, ActorKind.PAYER, number.digits, label)
        return key.secret

    console.print(run(work), highlight=False)
