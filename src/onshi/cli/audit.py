"""`onshi audit tail`: the newest audit events."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from onshi.cli._common import console, run
from onshi.store.audit import recent_events
from onshi.store.database import Database

app = typer.Typer(help="The append-only audit trail.", no_args_is_help=True)


@app.command("tail")
def tail_command(limit: int = typer.Option(20, help="how many events")) -> None:
    """Show the newest audit events."""

    async def work(database: Database) -> list[dict[str, Any]]:
        async with database.read() as conn:
            return await recent_events(conn, limit)

    table = Table("id", "when", "actor", "channel", "action", "subject", "outcome")
    for event in reversed(run(work)):
        table.add_row(
            str(event["id"]),
            str(event["occurred_at"])[:19],
            f"{event['actor_kind']}:{event['actor_id']}",
            event["channel"],
            event["action"],
            event["subject_key"] or "",
            event["outcome"],
        )
    console.print(table)
