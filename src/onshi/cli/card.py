"""`onshi card …`: issue and revoke emulated My Number Cards (the J-LIS side), show a card file.

`issue` and `revoke` work on $ONSHI_DATABASE_URL (central records every certificate) and on
the emulated J-LIS CA under $ONSHI_PKI_DIR/jlis.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.table import Table

from onshi.card import cardfile
from onshi.card.cardfile import CardFile
from onshi.card.errors import CardFileError
from onshi.cli._common import console, fail, operator_actor, parse_or_fail, run, settings
from onshi.domain.card import FormFactor, RevocationReason
from onshi.domain.codes import Sex
from onshi.domain.dates import JST, format_ja, parse_flexible_date
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerNumber
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey, Qualification
from onshi.services import card_issuance
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

app = typer.Typer(help="My Number Cards (emulated J-LIS): issue, revoke, show.", no_args_is_help=True)


def _member(insurer_number: str, symbol: str | None, number: str | None, branch: str | None) -> MemberKey:
    if not number:
        fail("--number is required with --insurer-number", 2)
    return MemberKey(
        parse_or_fail(lambda: InsurerNumber.parse(insurer_number)),
        parse_or_fail(lambda: parse_symbol(symbol)),
        parse_or_fail(lambda: parse_number(number)),
        parse_or_fail(lambda: parse_branch(branch)),
    )


def _surface(
    record: Qualification | None,
    name: str | None,
    kana: str | None,
    birthdate: str | None,
    sex: Sex | None,
    address: str | None,
) -> CardSurface:
    """The card surface: the insurer's record with the given values overriding it."""
    name = name or (record.name if record else None)
    kana = kana or (record.name_kana if record else None)
    born = parse_or_fail(lambda: parse_flexible_date(birthdate, "birthdate")) if birthdate else None
    born = born or (record.birthdate if record else None)
    sex = sex or (record.sex1 if record else None)
    address = address or (record.address if record else None)
    if not (name and kana and born and sex and address):
        fail(
            "the card surface needs 氏名, カナ, 生年月日, 性別 and 住所: give --name/--kana/--birthdate/--sex/--address",
            2,
        )
    assert name and kana and born and sex and address
    return CardSurface(name, kana, born, sex, address)


@app.command("issue")
def issue_command(
    out: Path = typer.Option(..., "--out", help="the card file to create"),
    insurer_number: str | None = typer.Option(None, "--insurer-number", help="保険者番号 of the holder"),
    symbol: str | None = typer.Option(None, "--symbol", help="記号"),
    number: str | None = typer.Option(None, "--number", help="番号"),
    branch: str | None = typer.Option(None, "--branch", help="枝番"),
    name: str | None = typer.Option(None, "--name", help="氏名 on the card (default: the insurer's record)"),
    kana: str | None = typer.Option(None, "--kana", help="氏名カナ"),
    birthdate: str | None = typer.Option(None, "--birthdate", help="生年月日 YYYYMMDD"),
    sex: Sex | None = typer.Option(None, "--sex", help="性別 1 男 / 2 女 / 3 未設定"),
    address: str | None = typer.Option(None, "--address", help="住所"),
    pin: str | None = typer.Option(None, "--pin", help="4-digit PIN (default: random, shown once)"),
    expires: str | None = typer.Option(
        None, "--expires", help="certificate expiry YYYYMMDD (default: 5 years)"
    ),
    smartphone: bool = typer.Option(False, "--smartphone", help="issue the スマホ保険証 form factor"),
) -> None:
    """Issue a card (key, certificate without personal data, surface data, PIN, face) and record it centrally."""
    chosen_pin = pin if pin is not None else cardfile.new_pin()
    if not cardfile.valid_pin(chosen_pin):
        fail("a PIN is 4 digits", 2)
    expiry = parse_or_fail(lambda: parse_flexible_date(expires, "expires")) if expires else None
    key = _member(insurer_number, symbol, number, branch) if insurer_number else None
    form_factor = FormFactor.SMARTPHONE if smartphone else FormFactor.CARD
    if out.exists():
        fail(f"{out} already exists: a card is issued once", 2)

    async def work(database: Database) -> card_issuance.IssuedCard:
        holder, record = await _holder(database, key)
        surface = _surface(record, name, kana, birthdate, sex, address)
        audit = DirectAuditLog(database.engine)
        return await card_issuance.issue_card(
            database, audit, operator_actor(), settings().jlis_dir, out, surface, chosen_pin,
            holder=holder, expires=expiry, form_factor=form_factor,
        )  # fmt: skip

    issued = run(work)
    console.print(
        f"card {issued.path}: serial {issued.serial} ({issued.form_factor.label_ja})", highlight=False
    )
    console.print(f"expires {format_ja(issued.not_after.astimezone(JST).date())}", highlight=False)
    if issued.holder is None:
        console.print("no insurance record named as holder: this card cannot be registered for insurance use")
    if pin is None:
        console.print(f"PIN {chosen_pin} (shown once)", highlight=False)


async def _holder(database: Database, key: MemberKey | None) -> tuple[MemberKey | None, Qualification | None]:
    if key is None:
        return None, None
    people = await card_issuance.find_person(database, key)
    if len(people) != 1:
        fail(
            "no qualification under these numbers" if not people else "several people match: give --branch", 2
        )
    (person,) = people
    return person, await card_issuance.holder_record(database, person)


@app.command("revoke")
def revoke_command(
    serial: str = typer.Argument(..., help="the certificate serial (hex)"),
    reason: RevocationReason = typer.Option(..., "--reason", help="lost / renewed / deceased"),
) -> None:
    """Revoke a card's certificate centrally: every later use is refused."""

    async def work(database: Database) -> bool:
        audit = DirectAuditLog(database.engine)
        return await card_issuance.revoke_card(database, audit, operator_actor(), serial, reason)

    if not run(work):
        fail(f"certificate {serial} is unknown or already revoked")
    console.print(f"certificate {serial.strip().lower()} revoked ({reason.label_ja})", highlight=False)


@app.command("show")
def show_command(card: Path) -> None:
    """What anyone can read from a card without its PIN."""
    try:
        loaded = CardFile.load(card)
    except CardFileError as error:
        fail(str(error))
        return
    not_after: date = loaded.certificate.not_valid_after_utc.astimezone(JST).date()
    table = Table("item", "value")
    table.add_row("serial", loaded.serial)
    table.add_row("form factor", loaded.form_factor.label_ja)
    table.add_row("expires", format_ja(not_after))
    table.add_row("PIN tries left", "locked (ロック中)" if loaded.locked else str(loaded.attempts_left))
    console.print(table)
