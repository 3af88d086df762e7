"""The `onshi` command line (Typer). Each command group lives in its own module."""

from __future__ import annotations

import sys

import typer
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError

from onshi.cli import (
    audit,
    calc,
    card,
    clinical,
    confirm,
    db,
    demo,
    desk,
    facility,
    help,
    insurer,
    operator,
    portal,
    public_expense,
    reader,
    seed,
    serve,
    stats,
    terminal,
    worker,
)
from onshi.cli._common import errors, settings
from onshi.store.engine import DatabaseUrl

app = typer.Typer(
    name="onshi",
    help="オンライン資格確認等システム (onshi). Database: $ONSHI_DATABASE_URL (default sqlite:///onshi.db).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(insurer.app, name="insurer")
app.add_typer(clinical.app, name="clinical")
app.add_typer(public_expense.app, name="public-expense")
app.add_typer(facility.app, name="facility")
app.add_typer(operator.app, name="operator")
app.add_typer(audit.app, name="audit")
app.add_typer(card.app, name="card")
app.add_typer(terminal.app, name="terminal")
app.add_typer(desk.app, name="desk")
app.add_typer(calc.app, name="calc")
app.add_typer(portal.app, name="portal")
app.add_typer(stats.app, name="stats")
app.command("seed")(seed.seed)
app.command("serve")(serve.serve)
app.command("demo")(demo.demo)
app.command("confirm")(confirm.confirm)
app.command("reader")(reader.reader)
app.command("worker")(worker.worker)
app.command("help")(help.help_command)


DATABASE_UNREACHABLE = 3  # exit status: nothing was done, try again when the database is up


def main() -> None:
    try:
        app()
    except (OperationalError, InterfaceError) as error:
        # One clear line for the operator, not a driver traceback (the cause's first line says why).
        reason = str(error.orig or error).strip().splitlines()[0]
        errors.print(
            f"[red]データベースに接続できません / cannot reach the database {_shown(settings().database_url)}: "
            f"{reason}[/red]",
            markup=True,
            highlight=False,
        )
        sys.exit(DATABASE_UNREACHABLE)


def _shown(url: str) -> str:
    """The database URL without its password."""
    try:
        return DatabaseUrl.parse(url).render()
    except (ArgumentError, ValueError):
        return "(ONSHI_DATABASE_URL)"
