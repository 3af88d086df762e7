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
from onshi.terminal.agent import EMERGENCY_POLL_SECONDS, Folders, TerminalAgent
from onshi.terminal.bulk import download_request_for
from onshi.terminal.client import CentralClient, Credentials, Refused, Unavailable
from onshi.terminal.emergency import STATUS_NAME, EmergencyState
from onshi.terminal.files import write_atomically
from onshi.terminal.journal import Journal, Reconcile

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
    emergency_poll: float = typer.Option(
        EMERGENCY_POLL_SECONDS, help="seconds between asking central about the emergency function"
    ),
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
    client = CentralClient(central, credentials, api_key)
    asyncio.run(_run(root, code.digits, client, concurrency, emergency_poll))


async def _run(
    root: Path, facility_code: str, client: CentralClient, concurrency: int, emergency_poll: float
) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    agent = TerminalAgent(root, facility_code, client, concurrency, emergency_poll)
    try:
        await agent.run(stop)
    finally:
        await client.close()


@app.command("test")
def connection_test_command(
    central: str = typer.Option(..., help="central's URL, e.g. https://127.0.0.1:8443"),
    cert: Path = typer.Option(..., help="the facility's terminal certificate (terminal.crt)"),
    key: Path = typer.Option(..., help="its private key (terminal.key)"),
    ca: Path | None = typer.Option(
        None, help="CA of central's server certificate (default: ca.crt beside --cert)"
    ),
) -> None:
    """接続確認: connect to central over mutual TLS with the facility's certificate (the portal's
    connection test; central records it). Exit 0 connected, 3 refused, 4 central unreachable."""
    credentials = Credentials(cert, key, ca or cert.with_name("ca.crt"))
    try:
        answer = asyncio.run(_connection_test(CentralClient(central, credentials)))
    except Refused as refused:
        fail(f"central refused the terminal: {refused.code} {refused.message}", 3)
        return
    except (Unavailable, OSError, ValueError) as error:
        fail(f"central could not be reached: {error}", 4)
        return
    console.print(
        f"{answer.get('message', '')} ({answer.get('facility_code')}, certificate {answer.get('certificate_serial')})",
        highlight=False,
    )
    console.print(f"stage: {answer.get('stage') or '—'}", highlight=False)


async def _connection_test(client: CentralClient) -> dict[str, object]:
    try:
        answer = await client.connection_test()
    finally:
        await client.close()
    return answer if isinstance(answer, dict) else {}


@app.command("status")
def status_command(root: Path = typer.Option(..., help="the terminal's folder")) -> None:
    """Requests by state, the last ones, and when central last answered."""
    folders = Folders(root)
    if not folders.journal.exists():
        fail(f"no terminal journal under {root}")
    journal = Journal(folders.journal)
    try:
        counts, status, recent = journal.counts(), journal.status(), journal.recent()
        emergency_counts = journal.emergency_counts()
    finally:
        journal.close()
    summary = ", ".join(f"{state} {count}" for state, count in sorted(counts.items())) or "no requests yet"
    console.print(f"requests: {summary}")
    console.print(f"last answer from central: {status.get('last_success', '—')}")
    if "last_error" in status:
        console.print(f"last error: {status['last_error']}")
    _print_emergency(EmergencyState.from_json(status.get(STATUS_NAME)), emergency_counts)
    table = Table("received", "file", "state", "result", "attempts", "last error")
    for entry in recent:
        table.add_row(
            entry.received_at, entry.filename, entry.state.value, entry.result_filename or "", str(entry.attempts),
            entry.last_error or "",
        )  # fmt: skip
    console.print(table)


def _print_emergency(state: EmergencyState, counts: dict[str, int]) -> None:
    """The switch as central last said it, and the answers the terminal gave itself."""
    checked = f"（{state.checked_at} 確認）" if state.checked_at else "（未確認 / never checked）"
    console.print(f"緊急時資格確認機能 emergency function: {state.label_ja}{checked}", highlight=False)
    answered = sum(counts.values())
    reconciled = counts.get(Reconcile.DONE.value, 0)
    console.print(
        f"緊急時回答 answered in emergency mode: {answered}、照合済み reconciled: {reconciled}、"
        f"照合待ち waiting: {answered - reconciled}",
        highlight=False,
    )


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
