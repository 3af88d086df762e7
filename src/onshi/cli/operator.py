"""Operator (支払基金・国保中央会): API keys, the emergency function (緊急時資格確認機能) and
災害時モード declarations."""

from __future__ import annotations

from datetime import datetime

import typer
from rich.table import Table

from onshi.cli._common import console, fail, operator_actor, parse_or_fail, run
from onshi.domain.actors import ActorKind
from onshi.domain.dates import JST, parse_flexible_date
from onshi.domain.disaster import DisasterDeclaration
from onshi.domain.emergency import Scope, Switch
from onshi.domain.errors import InvalidValue
from onshi.domain.prefectures import prefecture
from onshi.services import disasters, emergency
from onshi.store import apikeys
from onshi.store.database import Database

app = typer.Typer(
    help="Operator (支払基金・国保中央会): credentials and the emergency function (緊急時資格確認機能).",
    no_args_is_help=True,
)


@app.command("key")
def key_command(name: str = typer.Argument(..., help="operator user name"), label: str = "") -> None:
    """Create an operator API key (shown once)."""

    async def work(database: Database) -> str:
        async with database.write() as conn:
            key, _ = await apikeys.create(conn, ActorKind.OPERATOR, name, label)
        return key.secret

    console.print(run(work), highlight=False)


emergency_app = typer.Typer(
    help="緊急時資格確認機能 (emergency qualification confirmation): switch on, off, list.",
    no_args_is_help=True,
)
app.add_typer(emergency_app, name="emergency")


def _when(moment: datetime | None) -> str:
    return moment.astimezone(JST).strftime("%Y-%m-%d %H:%M") if moment else ""


def _describe(switch: Switch) -> str:
    return f"#{switch.id} {switch.scope.label_ja} {switch.target_label_ja}（理由: {switch.reason}）"


@emergency_app.command("on")
def emergency_on(
    facility: str | None = typer.Option(None, "--facility", help="10-digit 医療機関等コード"),
    prefecture: str | None = typer.Option(None, "--prefecture", help="2-digit 都道府県番号 (13 = 東京都)"),
    reason: str = typer.Option(..., "--reason", help="理由 (kept in the audit, shown to terminals)"),
) -> None:
    """Switch the function on for one facility or a whole prefecture."""
    if (facility is None) == (prefecture is None):
        fail(
            "--facility と --prefecture のどちらか一方を指定してください (give one of --facility / --prefecture)",
            2,
        )
    scope, target = (Scope.FACILITY, facility) if facility is not None else (Scope.PREFECTURE, prefecture)
    assert target is not None

    async def work(database: Database) -> emergency.SwitchedOn:
        return await emergency.switch_on(database, operator_actor(), scope.value, target, reason)

    try:
        switched = run(work)
    except InvalidValue as error:
        fail(f"{error.message_ja} ({error.message_en})", 2)
        return
    if switched.created:
        console.print(f"緊急時資格確認機能を有効にしました: {_describe(switched.switch)}", highlight=False)
        console.print(f"emergency function switched on: #{switched.switch.id}", highlight=False)
    else:
        console.print(f"既に有効です: {_describe(switched.switch)}", highlight=False)
        console.print(f"already on: #{switched.switch.id}", highlight=False)


@emergency_app.command("off")
def emergency_off(switch_id: int = typer.Argument(..., help="the switch's number (#) from `list`")) -> None:
    """Switch a switch off: terminals answer only through central again."""

    async def work(database: Database) -> Switch | None:
        return await emergency.switch_off(database, operator_actor(), switch_id)

    try:
        switch = run(work)
    except emergency.AlreadyOff:
        fail(f"#{switch_id} は既に解除されています (already off)")
        return
    if switch is None:
        fail(f"#{switch_id} の記録はありません (no such switch)")
        return
    console.print(f"緊急時資格確認機能を解除しました: {_describe(switch)}", highlight=False)
    console.print(f"emergency function switched off: #{switch.id}", highlight=False)


@emergency_app.command("list")
def emergency_list(
    history: bool = typer.Option(False, "--all", help="switched-off ones too (the history)"),
) -> None:
    """The switches that are on (with --all, every switch, newest first)."""

    async def work(database: Database) -> list[Switch]:
        return await emergency.listing(database, include_off=history)

    switches = run(work)
    if not switches:
        console.print("有効な緊急時資格確認機能はありません (none on)")
        return
    table = Table(
        "#", "範囲 scope", "対象 target", "理由 reason", "開始 on", "開始者 by", "解除 off", "解除者 by"
    )
    for s in switches:
        table.add_row(
            str(s.id), s.scope.label_ja, s.target_label_ja, s.reason, _when(s.switched_on_at), s.switched_on_by,
            _when(s.switched_off_at), s.switched_off_by or "",
        )  # fmt: skip
    console.print(table)


disaster_app = typer.Typer(
    help="災害時モード: facilities in the prefectures may view medication and treatment without the card.",
    no_args_is_help=True,
)
app.add_typer(disaster_app, name="disaster")


@disaster_app.command("declare")
def disaster_declare(
    prefecture: list[str] = typer.Option(
        ..., "--prefecture", help="都道府県番号 (2 digits); repeat for several"
    ),
    starts_on: str = typer.Option(..., "--from", help="first day, YYYY-MM-DD"),
    ends_on: str = typer.Option(..., "--to", help="last day (inclusive), YYYY-MM-DD"),
    reason: str = typer.Option(..., help="理由 (kept in the audit and shown in the list)"),
) -> None:
    """Declare a disaster: each view under it is an override the patient sees in their log."""
    start = parse_or_fail(lambda: parse_flexible_date(starts_on, "from"))
    end = parse_or_fail(lambda: parse_flexible_date(ends_on, "to"))

    async def work(database: Database) -> DisasterDeclaration:
        return await disasters.declare(database, operator_actor(), prefecture, start, end, reason)

    declared = parse_or_fail(lambda: run(work))
    console.print(f"災害時モード #{declared.id}: {_disaster_line(declared)}", highlight=False)


@disaster_app.command("cancel")
def disaster_cancel(declaration_id: int = typer.Argument(..., help="the number (#) from `list`")) -> None:
    """End a declaration now."""

    async def work(database: Database) -> DisasterDeclaration | None:
        return await disasters.cancel(database, operator_actor(), declaration_id)

    found = run(work)
    if found is None:
        fail(f"no declaration #{declaration_id}")
        return
    console.print(f"災害時モード #{found.id} ended at {_when(found.cancelled_at)}", highlight=False)


@disaster_app.command("list")
def disaster_list() -> None:
    """Every declaration, newest first."""
    found = run(disasters.listing)
    if not found:
        console.print("災害時モードの宣言はありません (none)")
        return
    for declaration in found:
        console.print(f"#{declaration.id} {_disaster_line(declaration)}", highlight=False)


def _disaster_line(d: DisasterDeclaration) -> str:
    names = "・".join(prefecture(code).name_ja for code in sorted(d.prefectures))
    ended = f" (ended {_when(d.cancelled_at)})" if d.cancelled_at else ""
    return f"{names} {d.starts_on}〜{d.ends_on} 理由: {d.reason}{ended}"
