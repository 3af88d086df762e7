"""Shared CLI plumbing: settings, the database, running coroutines, output."""

from __future__ import annotations

import asyncio
import getpass
from collections.abc import Awaitable, Callable
from typing import TypeVar

import typer
from rich.console import Console

from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.errors import InvalidValue
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl

T = TypeVar("T")
# soft_wrap: long messages and keys stay on one line, so they can be copied and grepped.
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def settings() -> Settings:
    return Settings.from_env()


def run(work: Callable[[Database], Awaitable[T]], url: str | None = None) -> T:
    """Run `work` against the configured database (schema must be current)."""
    raw = url or settings().database_url
    ensure_schema(DatabaseUrl.parse(raw))

    async def main() -> T:
        database = Database.open(raw)
        try:
            return await work(database)
        finally:
            await database.close()

    return asyncio.run(main())


def ensure_schema(url: DatabaseUrl) -> None:
    from onshi.store.migrate import current_revision, head_revision  # Alembic: only when needed

    if current_revision(url) != head_revision():
        fail(f"the database schema is not current: run `onshi db upgrade` ({url.render()})")


def operator_actor() -> Actor:
    """Whoever runs the CLI on the server acts as an operator, named after the OS user."""
    return Actor(ActorKind.OPERATOR, getpass.getuser(), Channel.CLI)


def fail(message: str, code: int = 1) -> None:
    errors.print(f"[bold red]error:[/] {message}")
    raise typer.Exit(code)


def parse_or_fail(parse: Callable[[], T]) -> T:
    try:
        return parse()
    except InvalidValue as error:
        fail(f"{error.field}: {error.message_en} ({error.message_ja})", 2)
        raise AssertionError from error  # unreachable: fail raises
