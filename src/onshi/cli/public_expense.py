"""`onshi public-expense import FEED FILE` and payers' API keys (docs/public-expense.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from onshi.cli._common import console, parse_or_fail, run
from onshi.cli._feeds import import_file
from onshi.cli.copay import copay_command
from onshi.domain.actors import ActorKind
from onshi.domain.public_expense import PayerNumber
from onshi.feeds.public_expense_csv import FEEDS, FeedFormatError
from onshi.services.public_expense_import import import_public_expense
from onshi.store import apikeys
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
    import_file(feed, file, FEEDS, import_public_expense, (FeedFormatError,), as_json)


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


app.command("copay")(copay_command)
