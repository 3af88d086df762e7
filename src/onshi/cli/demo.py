"""`onshi demo --dir DIR --port P`: central on an embedded SQLite file under DIR, seeded,
with a demo clinic, its API key and copy-paste confirmations; serves until Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import shlex
from pathlib import Path

import typer
import uvicorn

from onshi.cli._common import console
from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import format_wire_date, today_jst
from onshi.services.demo import DEMO_FACILITY, Example, demo_facility_key, examples, is_seeded
from onshi.services.seeding import seed_facilities, seed_population
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl
from onshi.store.migrate import upgrade

DEMO_SEED = 20261123


def demo(
    directory: Path = typer.Option(Path(".demo"), "--dir", help="everything the demo writes goes here"),
    port: int = typer.Option(8765, help="TCP port on 127.0.0.1"),
    persons: int = typer.Option(3000, help="people to seed on first run"),
    facilities: int = typer.Option(300, help="facilities to seed on first run"),
) -> None:
    """Run the demo central (SQLite under DIR) and print how to try it."""
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(directory / 'onshi.db').resolve()}"
    upgrade(DatabaseUrl.parse(url))
    key, found = asyncio.run(_prepare(url, persons, facilities))
    base = f"http://127.0.0.1:{port}"
    instructions = _instructions(base, key, found)
    (directory / "demo.txt").write_text(instructions + "\n", encoding="utf-8")
    print(instructions, flush=True)  # plain: commands must stay copy-pasteable (no wrapping)
    settings = Settings(database_url=url, pool_size=4)
    from onshi.central.app import create_app  # after seeding: the app opens its own engine

    uvicorn.run(create_app(settings), host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def _prepare(url: str, persons: int, facility_count: int) -> tuple[str, list[Example]]:
    database = Database.open(url)
    try:
        if not await is_seeded(database):
            console.print(f"seeding {persons} persons and {facility_count} facilities (first run only) …")
            actor = Actor(ActorKind.OPERATOR, "demo", Channel.CLI)
            audit = DirectAuditLog(database.engine)
            await seed_population(database, audit, actor, persons, DEMO_SEED, today_jst())
            await seed_facilities(database, facility_count, DEMO_SEED)
        key = await demo_facility_key(database)
        return key, await examples(database, today_jst())
    finally:
        await database.close()


def _body(example: Example) -> dict[str, str]:
    body = {
        "insurer_number": example.insurer_number,
        "insured_card_symbol": example.symbol,
        "insured_identification_number": example.number,
        "birthdate": format_wire_date(example.birthdate),
    }
    if example.branch:
        body["insured_branch_number"] = example.branch
    return body


def _instructions(base: str, key: str, found: list[Example]) -> str:
    lines = [
        "",
        f"onshi demo — central at {base}  (API docs: {base}/docs)",
        f"demo clinic {DEMO_FACILITY.code} {DEMO_FACILITY.name}; its API key:",
        f"  {key}",
        "",
        "Try these in another terminal (expected QualificationValidity in brackets):",
    ]
    for example in found:
        body = json.dumps(_body(example), ensure_ascii=False)
        cli = [
            ".venv/bin/onshi",
            "confirm",
            "--central",
            base,
            "--key",
            key,
            "--insurer-number",
            example.insurer_number,
            "--number",
            example.number,
            "--birthdate",
            format_wire_date(example.birthdate),
        ]
        if example.symbol:
            cli += ["--symbol", example.symbol]
        if example.branch:
            cli += ["--branch", example.branch]
        lines += [
            "",
            f"# {example.label}  [{example.expected}]",
            f"curl -s -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' "
            f"-d {shlex.quote(body)} {base}/api/v1/confirmations",
            shlex.join(cli),
        ]
    lines += ["", "Ctrl-C stops the demo. Data stays in the --dir folder for the next run.", ""]
    return "\n".join(lines)
