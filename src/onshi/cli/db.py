"""`onshi db upgrade` / `onshi db current`."""

from __future__ import annotations

import typer

from onshi.cli._common import console, run, settings
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl
from onshi.store.integrity import Check, run_checks
from onshi.store.migrate import current_revision, head_revision, upgrade

app = typer.Typer(help="Database schema (Alembic migrations).", no_args_is_help=True)


@app.command("upgrade")
def upgrade_command() -> None:
    """Create or migrate the schema of $ONSHI_DATABASE_URL to the newest version."""
    url = DatabaseUrl.parse(settings().database_url)
    upgrade(url)
    console.print(f"schema at revision {current_revision(url)} ({url.render()})")


@app.command("current")
def current_command() -> None:
    """Show the schema revision of the database and the newest one onshi knows."""
    url = DatabaseUrl.parse(settings().database_url)
    console.print(f"database: {current_revision(url) or '(empty)'}; newest: {head_revision()}")


@app.command("check")
def check_command() -> None:
    """Verify the registry's integrity (references, copied keys, periods, versions); exit 1 on any problem."""

    async def work(database: Database) -> list[Check]:
        async with database.read() as conn:
            return await run_checks(conn)

    results = run(work)
    for check in results:
        status = "[green]ok[/]" if not check.violations else f"[bold red]{check.violations} violations[/]"
        console.print(f"{check.name:<24} {status}  {check.description}")
    if any(check.violations for check in results):
        raise typer.Exit(1)
