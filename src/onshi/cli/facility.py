"""`onshi facility …`: register facilities, issue API keys, suspend and reactivate."""

from __future__ import annotations

import typer
from rich.table import Table

from onshi.cli import facility_cert
from onshi.cli._common import console, fail, parse_or_fail, run
from onshi.domain.actors import ActorKind
from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.store import apikeys, facilities
from onshi.store.database import Database

app = typer.Typer(help="Facilities (医療機関等) and their API keys.", no_args_is_help=True)
app.add_typer(facility_cert.app, name="cert")


@app.command("add")
def add_command(
    code: str = typer.Option(..., help="10-digit 医療機関等コード"),
    name: str = typer.Option(..., help="facility name"),
    facility_type: FacilityType | None = typer.Option(None, "--type", help="default: from the code"),
    smartphone: bool = typer.Option(False, help="accepts スマホ保険証"),
) -> None:
    """Register (or update) a facility."""
    facility_code = parse_or_fail(lambda: FacilityCode.parse(code))
    kind = facility_type or facility_code.default_type()
    if not facility_code.allows(kind):
        fail(f"a {kind.value} cannot have fee-table digit {facility_code.fee_table} in its code", 2)

    async def work(database: Database) -> None:
        async with database.write() as conn:
            await facilities.save(conn, [Facility(facility_code, name, kind, accepts_smartphone=smartphone)])

    run(work)
    console.print(f"facility {facility_code} ({kind.label_ja}) saved")


@app.command("key")
def key_command(code: str, label: str = typer.Option("", help="a note to tell keys apart")) -> None:
    """Create an API key for a registered facility (shown once; only its hash is stored)."""
    facility_code = parse_or_fail(lambda: FacilityCode.parse(code))

    async def work(database: Database) -> str | None:
        async with database.write() as conn:
            if await facilities.get(conn, facility_code) is None:
                return None
            key, _ = await apikeys.create(conn, ActorKind.FACILITY, facility_code.digits, label)
            return key.secret

    secret = run(work)
    if secret is None:
        fail(f"facility {facility_code} is not registered: `onshi facility add` first")
    console.print(secret, highlight=False)


def _set_status(code: str, status: FacilityStatus) -> None:
    facility_code = parse_or_fail(lambda: FacilityCode.parse(code))

    async def work(database: Database) -> bool:
        async with database.write() as conn:
            return await facilities.set_status(conn, facility_code, status)

    if not run(work):
        fail(f"facility {facility_code} is not registered")
    console.print(f"facility {facility_code}: {status.value}")


@app.command("suspend")
def suspend_command(code: str) -> None:
    """Suspend a facility: every call with its keys is refused until reactivated."""
    _set_status(code, FacilityStatus.SUSPENDED)


@app.command("activate")
def activate_command(code: str) -> None:
    """Reactivate a suspended facility."""
    _set_status(code, FacilityStatus.ACTIVE)


@app.command("list")
def list_command(limit: int = 50, offset: int = 0) -> None:
    """List registered facilities."""

    async def work(database: Database) -> list[Facility]:
        async with database.read() as conn:
            return await facilities.listing(conn, limit, offset)

    table = Table("code", "name", "type", "prefecture", "status", "smartphone")
    for f in run(work):
        table.add_row(
            f.code.digits,
            f.name,
            f.facility_type.label_ja,
            f.code.prefecture.name_ja,
            f.status.value,
            "yes" if f.accepts_smartphone else "",
        )
    console.print(table)
