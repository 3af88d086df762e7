"""`onshi desk`: the reception desk (受付) web app, beside a terminal's folders."""

from __future__ import annotations

import asyncio
import getpass
from pathlib import Path

import typer

from onshi.cli._common import console
from onshi.desk import store
from onshi.desk.context import Desk, DeskSettings

app = typer.Typer(
    help="受付 (reception desk): patients, card-reader arrivals, pre-checks, fallback.", no_args_is_help=True
)
DEFAULT_DB = "sqlite:///onshi-desk.db"

TerminalOption = typer.Option(..., "--terminal", help="the terminal's folder (holding req/, res/, face/)")
FacilityOption = typer.Option(..., "--facility", help="10-digit 医療機関等コード written into request files")
DatabaseOption = typer.Option(
    DEFAULT_DB, "--database", envvar="ONSHI_DESK_DATABASE_URL", help="the desk's own database"
)


@app.command("serve")
def serve(
    terminal: Path = TerminalOption,
    facility: str = FacilityOption,
    database: str = DatabaseOption,
    facility_name: str = typer.Option("", help="printed on the 申立書"),
    host: str = typer.Option("127.0.0.1", help="interface (the desk is for the facility's own network)"),
    port: int = typer.Option(8780, help="TCP port"),
    answer_timeout: float = typer.Option(15.0, help="seconds before staff are offered the fallback"),
) -> None:
    """Serve the desk: it reads face/ and res/ and writes requests into req/."""
    import uvicorn  # here: other commands start faster without the server

    from onshi.desk.web import create_app

    settings = DeskSettings(terminal, facility, database, facility_name, answer_timeout)
    uvicorn.run(create_app(Desk(settings)), host=host, port=port, log_level="info")


@app.command("staff")
def add_staff(
    login: str = typer.Argument(..., help="login name"),
    display_name: str = typer.Option("", "--name", help="name shown in the correction history"),
    database: str = DatabaseOption,
    password: str = typer.Option("", help="(prompted when omitted)"),
) -> None:
    """Add a staff account (or set its password)."""
    secret = password or getpass.getpass("パスワード: ")

    async def work() -> None:
        from onshi.store.database import Database

        db = Database.open(database)
        try:
            await store.prepare(db)
            async with db.write() as conn:
                await store.add_staff(conn, login, display_name, secret)
        finally:
            await db.close()

    try:
        asyncio.run(work())
    except store.DeskError as error:
        console.print(f"[red]{error}[/red]")
        raise typer.Exit(2) from error
    console.print(f"受付担当者 {login} を登録しました。")
