"""`onshi demo --dir DIR --port P`: central on an embedded SQLite file under DIR, seeded,
with a demo clinic, its API key and copy-paste confirmations; serves until Ctrl-C."""

from __future__ import annotations

import asyncio
import json
import logging
import shlex
import socket
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import typer

from onshi.cli._common import console
from onshi.config import Settings
from onshi.desk import store as desk_store
from onshi.desk.context import Desk, DeskSettings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import format_wire_date, today_jst
from onshi.services import facility_certificates
from onshi.services.demo import (
    DEMO_FACILITY,
    DEMO_PIN,
    Example,
    demo_facility_key,
    examples,
    is_seeded,
    issue_demo_card,
    sample_bulk_request,
    sample_request,
)
from onshi.services.seeding import seed_facilities, seed_population
from onshi.store import apikeys
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl
from onshi.store.migrate import upgrade

if TYPE_CHECKING:
    import uvicorn

DEMO_SEED = 20261123
DEMO_OPERATOR = "demo-operator"


def demo(
    directory: Path = typer.Option(Path(".demo"), "--dir", help="everything the demo writes goes here"),
    port: int = typer.Option(8765, help="TCP port on 127.0.0.1"),
    persons: int = typer.Option(3000, help="people to seed on first run"),
    facilities: int = typer.Option(300, help="facilities to seed on first run"),
) -> None:
    """Run the demo central (SQLite under DIR) and print how to try it."""
    listeners = _bind_ports(port)  # first: a busy port is a clear error, not a hang after seeding
    directory.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{(directory / 'onshi.db').resolve()}"
    upgrade(DatabaseUrl.parse(url))
    settings = Settings(database_url=url, pool_size=4, pki_dir=directory / "pki")
    key, found = asyncio.run(_prepare(url, persons, facilities))
    operator_key = asyncio.run(_operator_key(url))
    terminal = asyncio.run(_prepare_terminal(settings, directory, found))
    card = asyncio.run(_prepare_card(settings, directory, found))
    asyncio.run(_prepare_desk(directory))
    base = f"http://127.0.0.1:{port}"
    instructions = (
        _instructions(base, key, found)
        + _terminal_instructions(directory, terminal)
        + _reader_instructions(directory, base, key, card, found)
        + _desk_instructions(port + DESK_PORT_OFFSET)
        + _operator_instructions(base, url, operator_key, key)
    )
    (directory / "demo.txt").write_text(instructions + "\n", encoding="utf-8")
    print(instructions, flush=True)  # plain: commands must stay copy-pasteable (no wrapping)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    failed = asyncio.run(_serve(settings, listeners, directory))
    if failed:
        console.print(
            f"[red]デモを起動できませんでした / the demo could not start: {', '.join(failed)} "
            "failed to start (its error is logged above); everything else was stopped[/red]"
        )
        raise typer.Exit(1)


DEMO_PORTS = 3  # central (API keys), central (mutual TLS, for the terminal), the desk


def _bind_ports(port: int) -> list[socket.socket]:
    """Listen on `port` … `port`+2 now and hand the sockets to the servers later, so another
    program cannot take one in between."""
    listeners: list[socket.socket] = []
    for offset in range(DEMO_PORTS):
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            listener.bind(("127.0.0.1", port + offset))
        except OSError as error:
            listener.close()
            for taken in listeners:
                taken.close()
            console.print(
                f"[red]port {port + offset} is in use ({error.strerror}); the demo needs "
                f"{port}–{port + DEMO_PORTS - 1}: pass another --port[/red]"
            )
            raise typer.Exit(2) from None
        listener.listen(128)
        listeners.append(listener)
    return listeners


async def _serve(settings: Settings, listeners: list[socket.socket], directory: Path) -> list[str]:
    """Central for API keys on the first listener, central with mutual TLS for the terminal on
    the second, the desk on the third, and the demo clinic's terminal — until Ctrl-C, or until
    one server fails to start (then all stop). The names of the servers that did not start."""
    # Imported here, not at the top: every other `onshi` command starts faster without them.
    import uvicorn

    from onshi.central.app import create_app
    from onshi.cli.serve import TLS_HTTP_PROTOCOL, tls_options
    from onshi.desk.web import create_app as create_desk
    from onshi.services.batch_worker import run_worker
    from onshi.terminal.agent import TerminalAgent
    from onshi.terminal.client import CentralClient, Credentials

    plain_socket, secure_socket, desk_socket = listeners
    port = plain_socket.getsockname()[1]
    ssl = tls_options(settings.facility_ca_dir, settings.pki_dir, "127.0.0.1", None, None)
    plain = uvicorn.Server(
        uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    )
    secure_config = uvicorn.Config(
        create_app(settings),
        host="127.0.0.1",
        port=port + 1,
        log_level="warning",
        http=TLS_HTTP_PROTOCOL,
        **ssl,
    )
    secure = uvicorn.Server(secure_config)
    credentials = directory / "terminal-credentials"
    client = CentralClient(
        f"https://127.0.0.1:{port + 1}",
        Credentials(credentials / "terminal.crt", credentials / "terminal.key", credentials / "ca.crt"),
    )
    agent = TerminalAgent(directory / "terminal", DEMO_FACILITY.code.digits, client)
    stop = asyncio.Event()
    terminal = asyncio.create_task(agent.run(stop))
    worker_db = Database.open(settings.database_url, pool_size=2)
    worker = asyncio.create_task(run_worker(worker_db, stop))  # answers 一括照会 uploads
    desk = uvicorn.Server(
        uvicorn.Config(
            create_desk(Desk(_desk_settings(directory))),
            host="127.0.0.1",
            port=port + DESK_PORT_OFFSET,
            log_level="warning",
        )
    )

    servers = {"central": plain, "central (mutual TLS)": secure, "desk": desk}

    async def shutdown() -> None:
        """Ctrl-C reaches one server's signal handler, and a server whose start-up fails asks
        itself to exit: stop the terminal first (its keep-alive connection would hold the TLS
        server open), then every server."""
        await until_one_exits(list(servers.values()))
        stop.set()
        await terminal
        await worker
        await worker_db.close()
        await client.close()
        for server in servers.values():
            server.should_exit = True

    await asyncio.gather(
        _serving(plain, plain_socket),
        _serving(secure, secure_socket),
        _serving(desk, desk_socket),
        shutdown(),
    )
    return [name for name, server in servers.items() if not server.started]


async def _serving(server: uvicorn.Server, listener: socket.socket) -> None:
    """`server.serve`, except that a failed start-up (uvicorn raises SystemExit for it, which
    would tear the event loop down under the other servers) asks this server to exit, and so,
    through `shutdown`, all of them."""
    try:
        await server.serve([listener])
    except SystemExit:
        server.should_exit = True
    finally:
        listener.close()  # a server that never started never took it over


class _Stoppable(Protocol):
    should_exit: bool


async def until_one_exits(servers: Sequence[_Stoppable], poll: float = 0.2) -> None:
    """Until any of `servers` is asked to exit (uvicorn sets a flag, not an event)."""
    while not any(server.should_exit for server in servers):  # noqa: ASYNC110
        await asyncio.sleep(poll)


DESK_PORT_OFFSET = 2
DESK_LOGIN, DESK_PASSWORD = "uketsuke", "demo-desk"


async def _operator_key(url: str) -> str:
    """A fresh key for the demo operator on every run (keys are shown once, stored hashed);
    the previous runs' keys are revoked."""
    database = Database.open(url)
    try:
        async with database.write() as conn:
            for old in await apikeys.for_actor(conn, ActorKind.OPERATOR, DEMO_OPERATOR):
                if not old.revoked:
                    await apikeys.revoke(conn, old.id)
            secret, _ = await apikeys.create(conn, ActorKind.OPERATOR, DEMO_OPERATOR, "onshi demo")
        return secret.secret
    finally:
        await database.close()


def _operator_instructions(base: str, url: str, operator_key: str, clinic_key: str) -> str:
    database = shlex.quote(url)
    lines = [
        "The portal, the operator's statistics and the clinic's my page (in a browser):",
        f"  {base}/portal/login       operator {DEMO_OPERATOR}, key {operator_key}",
        "      (or register a new clinic there: its applications come to the operator's review queue)",
        f"  {base}/operator/stats/login   key {operator_key}",
        f"  {base}/mypage/login          clinic {DEMO_FACILITY.code}, key {clinic_key}",
        "  Usage and the utilisation rate come from the audit trail: after trying the commands above,",
        f"  ONSHI_DATABASE_URL={database} .venv/bin/onshi stats rebuild",
        f"  ONSHI_DATABASE_URL={database} .venv/bin/onshi stats adoption --by type",
        "",
    ]
    return "\n".join(lines)


def _desk_settings(directory: Path) -> DeskSettings:
    url = f"sqlite:///{(directory / 'desk.db').resolve()}"
    return DeskSettings(directory / "terminal", DEMO_FACILITY.code.digits, url, DEMO_FACILITY.name)


async def _prepare_desk(directory: Path) -> None:
    """The desk's database and a staff account (the password is the demo's, printed)."""
    database = Database.open(_desk_settings(directory).database_url)
    try:
        await desk_store.prepare(database)
        async with database.write() as conn:
            await desk_store.add_staff(conn, DESK_LOGIN, "受付（デモ）", DESK_PASSWORD)
    finally:
        await database.close()


def _desk_instructions(port: int) -> str:
    lines = [
        f"The reception desk (受付) of the demo clinic: http://127.0.0.1:{port}/  (login {DESK_LOGIN} / {DESK_PASSWORD})",
        "  It reads the terminal's face and res folders as a receipt computer does: a card-reader",
        "  confirmation appears there at once; re-confirm, compare, correct, pre-check a CSV of",
        "  appointments, or take a 被保険者資格申立書 when confirmation fails.",
        "",
    ]
    return "\n".join(lines)


async def _prepare_terminal(settings: Settings, directory: Path, found: list[Example]) -> Path:
    """The demo clinic's terminal certificate (once) and sample request files to drop."""
    credentials = directory / "terminal-credentials"
    if not (credentials / "terminal.crt").exists():
        database = Database.open(settings.database_url)
        try:
            await facility_certificates.issue(
                database, settings.facility_ca_dir, DEMO_FACILITY.code, credentials
            )
        finally:
            await database.close()
    samples = directory / "terminal-samples"
    samples.mkdir(parents=True, exist_ok=True)
    for number, example in enumerate(found, start=1):
        name = f"OQSsiquc01req_demo{number}.xml"
        (samples / name).write_bytes(sample_request(example, today_jst(), f"demo-{number}"))
    tomorrow = today_jst() + timedelta(days=1)
    (samples / BULK_SAMPLE).write_bytes(sample_bulk_request(found, tomorrow, "demo-appointments"))
    return samples


BULK_SAMPLE = "OQSmuquc01req_demo.xml"
CARD_FILE = "demo-card.card"


async def _prepare_card(settings: Settings, directory: Path, found: list[Example]) -> Path | None:
    """A My Number Card for the valid example patient (issued on the first run)."""
    path = directory / CARD_FILE
    valid = [example for example in found if example.expected == "1"]
    if path.exists():
        return path
    if not valid:
        return None
    database = Database.open(settings.database_url)
    try:
        audit = DirectAuditLog(database.engine)
        issued = await issue_demo_card(database, audit, settings.jlis_dir, path, valid[0])
    finally:
        await database.close()
    return path if issued else None


def _reader_instructions(
    directory: Path, base: str, key: str, card: Path | None, found: list[Example]
) -> str:
    valid = [example for example in found if example.expected == "1"]
    if card is None or not valid:
        return ""
    numbers = _body(valid[0])
    terminal = directory / "terminal"
    command = [
        ".venv/bin/onshi", "reader", "--card", str(card), "--root", str(terminal),
        "--central", base, "--key", key,
    ]  # fmt: skip
    lines = [
        f"The card reader (顔認証付きカードリーダー) with a demo My Number Card (PIN {DEMO_PIN}):",
        f"  {shlex.join(command)}",
        f"  (non-interactive: add --pin {DEMO_PIN} --consent all --register); the result appears in {terminal / 'face'}",
        "  and at once on the desk below, which keeps the file in trash/ once read",
        "With the patient's consent (診療情報および薬剤情報, given at the reader), the clinic may view medication",
        "for 24 hours (refused with 403 no_consent before; every view is audited):",
        f"  curl -s -H 'Authorization: Bearer {key}' -H 'Content-Type: application/json' "
        f"-d {shlex.quote(json.dumps(numbers, ensure_ascii=False))} {base}/api/v1/clinical/medication/search",
        "",
    ]
    return "\n".join(lines)


def _terminal_instructions(directory: Path, samples: Path) -> str:
    terminal = directory / "terminal"
    lines = [
        "The demo clinic's terminal (資格確認端末) watches these folders, as a receipt computer sees them:",
        f"  requests: {terminal / 'req'}   results: {terminal / 'res'}   card reader: {terminal / 'face'}",
        "Drop a request file (Shift_JIS, as receipt computers write them) and its result appears within a second:",
        f"  cp {samples / 'OQSsiquc01req_demo2.xml'} {terminal / 'req'}/",
        f"  cat {terminal / 'res' / 'OQSsiquc01res_demo2.xml'} | iconv -f CP932 -t UTF-8",
        "Batch inquiry (一括照会) of tomorrow's appointments: upload, then fetch with the ReceptionNumber:",
        f"  cp {samples / BULK_SAMPLE} {terminal / 'req'}/",
        f"  .venv/bin/onshi terminal fetch {terminal / 'res' / 'OQSmuquc01res_demo.xml'} --root {terminal}",
        f"  ls {terminal / 'res'}   # OQSmuquc02res_… holds one BulkConfirmUnit per patient",
        f"Terminal state: .venv/bin/onshi terminal status --root {terminal}",
        "",
    ]
    return "\n".join(lines)


async def _prepare(url: str, persons: int, facility_count: int) -> tuple[str, list[Example]]:
    database = Database.open(url)
    try:
        if not await is_seeded(database):
            console.print(f"seeding {persons} persons and {facility_count} facilities (first run only) …")
            actor = Actor(ActorKind.OPERATOR, "demo", Channel.CLI)
            audit = DirectAuditLog(database.engine)
            await seed_population(database, audit, actor, persons, DEMO_SEED, today_jst())
            await seed_facilities(database, facility_count, DEMO_SEED, as_of=today_jst())
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
