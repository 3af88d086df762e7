"""`onshi db upgrade` / `onshi db current`."""

from __future__ import annotations

import typer

from onshi.cli._common import console, settings
from onshi.store.engine import DatabaseUrl
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
