"""The `onshi` command line (Typer). Each command group lives in its own module."""

from __future__ import annotations

import typer

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


def main() -> None:
    app()
