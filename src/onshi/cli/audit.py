"""`onshi audit tail` (the newest audit events), `seal` and `verify` (the hash chain)."""

from __future__ import annotations

from typing import Any

import typer
from rich.table import Table

from onshi.cli._common import console, errors, run
from onshi.services import audit_chain
from onshi.store.audit import recent_events
from onshi.store.audit_chain import SETTLE_SECONDS, Seal
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


@app.command("seal")
def seal_command(
    settle: float = typer.Option(SETTLE_SECONDS, help="seconds an event must be old to be sealed"),
) -> None:
    """Chain the settled audit events into new seals (central also does this every 10 s)."""

    async def work(database: Database) -> list[Seal]:
        made = []
        while (found := await audit_chain.seal(database, settle)) is not None:
            made.append(found)
        return made

    for found in run(work):
        console.print(f"seal {found.seq}: {found.events} events through #{found.through_id}", highlight=False)


@app.command("verify")
def verify_command() -> None:
    """Recompute the hash chain over every seal: exit 1 when any sealed event was changed,
    deleted or inserted afterwards."""
    result = run(audit_chain.verify)
    for problem in result.problems:
        errors.print(f"[bold red]tampered:[/] {problem}", highlight=False)
    console.print(
        f"{result.seals} seals, {result.events} sealed events checked, {result.unsealed} not yet sealed: "
        + ("OK" if result.ok else f"{len(result.problems)} problem(s)"),
        highlight=False,
    )
    if not result.ok:
        raise typer.Exit(1)
