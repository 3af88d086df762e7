"""`onshi terminal …`: the qualification-confirmation terminal agent and its state."""

from __future__ import annotations

import asyncio
import logging
import signal
from pathlib import Path

import typer
from rich.table import Table

from onshi import wire
from onshi.cli._common import console, fail, parse_or_fail
from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityCode
from onshi.terminal.agent import Folders, TerminalAgent
from onshi.terminal.bulk import download_request_for
from onshi.terminal.client import CentralClient, Credentials
from onshi.terminal.files import write_atomically
from onshi.terminal.journal import Journal

app = typer.Typer(help="The terminal (資格確認端末): req/res/face folders ↔ central.", no_args_is_help=True)


@app.command("run")
def run_command(
    facility: str = typer.Option(..., help="10-digit 医療機関等コード of this terminal"),
    central: str = typer.Option(..., help="central's URL, e.g. https://127.0.0.1:8443"),
    root: Path = typer.Option(..., help="the terminal's folder (holds req, res, face)"),
    cert: Path | None = typer.Option(None, help="the facility's terminal certificate (mutual TLS)"),
    key: Path | None = typer.Option(None, help="its private key"),
    ca: Path | None = typer.Option(
        None, help="CA of central's server certificate (default: ca.crt beside --cert)"
    ),
    api_key: str | None = typer.Option(
        None, help="instead of a certificate: a facility API key (no mutual TLS)"
    ),
    concurrency: int = typer.Option(4, help="requests in flight at once"),
) -> None:
    """Watch ROOT/req, send each request file to central, write results into ROOT/res."""
    code = parse_or_fail(lambda: FacilityCode.parse(facility))
    credentials = None
    if cert is not None or key is not None:
        if cert is None or key is None:
            fail("--cert and --key go together", 2)
            return
        credentials = Credentials(cert, key, ca or cert.with_name("ca.crt"))
    elif api_key is None:
        fail("give --cert and --key (mutual TLS) or --api-key", 2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    asyncio.run(_run(root, code.digits, CentralClient(central, credentials, api_key), concurrency))


async def _run(root: Path, facility_code: str, client: CentralClient, concurrency: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    agent = TerminalAgent(root, facility_code, client, concurrency)
    try:
        await agent.run(stop)
    finally:
        await client.close()


@app.command("status")
def status_command(root: Path = typer.Option(..., help="the terminal's folder")) -> None:
    """Requests by state, the last ones, and when central last answered."""
    folders = Folders(root)
    if not folders.journal.exists():
        fail(f"no terminal journal under {root}")
    journal = Journal(folders.journal)
    try:
        counts, status, recent = journal.counts(), journal.status(), journal.recent()
    finally:
        journal.close()
    summary = ", ".join(f"{state} {count}" for state, count in sorted(counts.items())) or "no requests yet"
    console.print(f"requests: {summary}")
    console.print(f"last answer from central: {status.get('last_success', '—')}")
    if "last_error" in status:
        console.print(f"last error: {status['last_error']}")
    table = Table("received", "file", "state", "result", "attempts", "last error")
    for entry in recent:
        table.add_row(
            entry.received_at, entry.filename, entry.state.value, entry.result_filename or "", str(entry.attempts),
            entry.last_error or "",
        )  # fmt: skip
    console.print(table)


@app.command("fetch")
def fetch_command(
    receipt: Path = typer.Argument(..., exists=True, dir_okay=False, help="an …01res receipt file"),
    root: Path = typer.Option(..., help="the terminal's folder (the request goes into ROOT/req)"),
) -> None:
    """Write the …02req that fetches a bulk upload's results, as a receipt computer would.
    Its result appears in ROOT/res under the matching …02res name (処理中 until ready)."""
    try:
        name, data = download_request_for(receipt.name, receipt.read_bytes(), now_jst())
    except wire.WireError as error:
        fail(error.message, 2)
        return
    folders = Folders(root)
    folders.requests.mkdir(parents=True, exist_ok=True)
    write_atomically(folders.requests / name, data)
    console.print(f"wrote {folders.requests / name}; result: {folders.results / wire.result_filename(name)}")
