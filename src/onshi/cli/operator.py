"""Operator API keys."""

from __future__ import annotations

import typer

from onshi.cli._common import console, run
from onshi.domain.actors import ActorKind
from onshi.store import apikeys
from onshi.store.database import Database

app = typer.Typer(help="Operator (支払基金・国保中央会) credentials.", no_args_is_help=True)


@app.command("key")
def key_command(name: str = typer.Argument(..., help="operator user name"), label: str = "") -> None:
    """Create an operator API key (shown once)."""

    async def work(database: Database) -> str:
        async with database.write() as conn:
            key, _ = await apikeys.create(conn, ActorKind.OPERATOR, name, label)
        return key.secret

    console.print(run(work), highlight=False)
