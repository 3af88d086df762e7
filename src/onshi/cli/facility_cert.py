"""`onshi facility cert …`: terminal certificates (電子証明書) for mutual TLS."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer
from rich.table import Table

from onshi.cli._common import console, fail, parse_or_fail, run, settings
from onshi.domain.facility import FacilityCode
from onshi.services import facility_certificates
from onshi.store import certificates
from onshi.store.database import Database

app = typer.Typer(help="Terminal certificates of facilities (mutual TLS).", no_args_is_help=True)


@app.command("issue")
def issue_command(
    code: str = typer.Argument(..., help="10-digit 医療機関等コード"),
    out: Path = typer.Option(..., help="folder for terminal.crt, terminal.key and ca.crt"),
    days: int = typer.Option(730, help="validity in days"),
    starts: str | None = typer.Option(None, help="validity start, YYYY-MM-DD (default now)"),
) -> None:
    """Issue a terminal certificate (the key is written once, into OUT, never stored centrally)."""
    facility_code = parse_or_fail(lambda: FacilityCode.parse(code))
    not_before = dt.datetime.fromisoformat(starts).replace(tzinfo=dt.UTC) if starts else None

    async def work(database: Database) -> facility_certificates.IssuedCertificate | None:
        try:
            issued, *_ = await facility_certificates.issue(
                database, settings().facility_ca_dir, facility_code, out, days, not_before
            )
        except facility_certificates.FacilityNotRegistered:
            return None
        return issued

    issued = run(work)
    if issued is None:
        fail(f"facility {facility_code} is not registered: `onshi facility add` first")
        return
    console.print(f"certificate {issued.serial} for {facility_code}, valid until {issued.not_after:%Y-%m-%d}")
    console.print(f"written to {out}/terminal.crt, terminal.key, ca.crt")


@app.command("revoke")
def revoke_command(serial: str, reason: str = typer.Option("revoked", help="why (shown in audits)")) -> None:
    """Revoke a certificate: the terminal using it is refused from its next request."""

    async def work(database: Database) -> bool:
        async with database.write() as conn:
            return await certificates.revoke(conn, serial, reason)

    if not run(work):
        fail(f"no active certificate {serial}")
    console.print(f"certificate {serial} revoked")


@app.command("list")
def list_command(code: str) -> None:
    """A facility's certificates."""
    facility_code = parse_or_fail(lambda: FacilityCode.parse(code))

    async def work(database: Database) -> list[certificates.CertificateRecord]:
        async with database.read() as conn:
            return await certificates.for_facility(conn, facility_code.digits)

    table = Table("serial", "from", "until", "revoked")
    for record in run(work):
        revoked = f"{record.revoked_at:%Y-%m-%d} {record.revocation_reason}" if record.revoked_at else ""
        table.add_row(record.serial, f"{record.not_before:%Y-%m-%d}", f"{record.not_after:%Y-%m-%d}", revoked)
    console.print(table)
