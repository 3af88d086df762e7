"""`onshi clinical import FEED FILE`: medication, procedure (treatment and surgery) and checkup
records from insurers' claims and checkup data (docs/clinical-feed.md)."""

from __future__ import annotations

from pathlib import Path

import typer

from onshi.cli._common import console, operator_actor, run
from onshi.cli._feeds import import_file
from onshi.domain.dates import today_jst
from onshi.feeds.clinical_csv import FEEDS, FeedFormatError
from onshi.services.clinical_import import import_clinical, purge_expired
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

app = typer.Typer(help="Clinical information (薬剤・診療・手術・特定健診): feeds.", no_args_is_help=True)


@app.command("import")
def import_command(
    feed: str = typer.Argument(..., help=f"which feed: {' / '.join(FEEDS)} (docs/clinical-feed.md)"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="UTF-8 CSV with a header row"),
    as_json: bool = typer.Option(False, "--json", help="print the report as JSON"),
) -> None:
    """Load clinical records. Bad rows (and rows naming no insured person) are reported with
    their line and reasons and the rest load; exits with status 1 when any row was rejected."""
    import_file(feed, file, FEEDS, import_clinical, (FeedFormatError,), as_json)


@app.command("purge")
def purge_command() -> None:
    """Delete records older than the system keeps them (medication and treatment 3 years,
    surgery and checkups 5 years); run daily. Audited with the counts."""

    async def work(database: Database) -> dict[str, int]:
        return await purge_expired(database, DirectAuditLog(database.engine), operator_actor(), today_jst())

    removed = run(work)
    console.print(
        "removed: " + ", ".join(f"{kind} {count}" for kind, count in removed.items()), highlight=False
    )
