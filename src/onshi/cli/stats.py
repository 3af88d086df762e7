"""`onshi stats`: the operator's statistics (docs/statistics.md) — adoption, usage, the
utilisation rate — as Rich tables, CSV (UTF-8 with BOM, for Excel) or JSON; the feeds they need
(facility data, claims counts) and the rebuild of the monthly roll-ups from the audit trail."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path

import orjson
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from onshi.cli._common import console, errors, fail, operator_actor, parse_or_fail, run
from onshi.cli._feeds import import_file
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.facility import FacilityCode
from onshi.domain.portal.values import format_month, months_between
from onshi.feeds.stats_csv import FEEDS, FeedFormatError
from onshi.services import stats_reports as reports
from onshi.services.stats_import import import_stats_feed
from onshi.services.stats_report import Kind, Report, to_csv
from onshi.services.stats_rollup import RebuiltMonth, rebuild, trail_months
from onshi.store.database import Database

app = typer.Typer(
    help="Statistics: adoption, usage, utilisation rate (docs/statistics.md)", no_args_is_help=True
)

CSV_HELP = "print CSV (UTF-8 with BOM, Excel-friendly) instead of the table"
JSON_HELP = "print the report as JSON"


def _output(report: Report, as_csv: bool, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(orjson.dumps(report.as_json(), option=orjson.OPT_INDENT_2).decode() + "\n")
    elif as_csv:
        sys.stdout.buffer.write(to_csv(report).encode("utf-8"))
        sys.stdout.flush()
    else:
        print_report(report)


def print_report(report: Report) -> None:
    table = Table(title=report.title_ja, title_justify="left")
    for column in report.columns:
        numeric = column.kind in (Kind.COUNT, Kind.RATE)
        table.add_column(column.label_ja, justify="right" if numeric else "left", overflow="fold")
    for row in report.rows:
        table.add_row(*report.cells(row), style="bold" if row.get("group") == "total" else None)
    console.print(table)
    for note in report.notes:
        console.print(f"[dim]※ {note}[/]", highlight=False)


def _report(work: Callable[[Database], Awaitable[Report]]) -> Report:
    try:
        return run(work)
    except reports.NotBuilt as missing:
        fail(f"{missing} ({missing.message_ja})")
        raise AssertionError from missing  # unreachable: fail raises


def _day(text: str | None) -> date:
    return parse_or_fail(lambda: parse_flexible_date(text, "as_of")) if text else today_jst()


def _month(text: str | None, default: date) -> date:
    return parse_or_fail(lambda: reports.parse_month_text(text)) if text else default


@app.command()
def adoption(
    as_of: str | None = typer.Option(
        None, "--as-of", help="count the steps reached by this day (default today)"
    ),
    by: str = typer.Option("type", "--by", help="type | prefecture"),
    facility_type: str | None = typer.Option(None, "--type", help="only this facility type (e.g. hospital)"),
    obligated: bool = typer.Option(
        False, "--obligated", help="only facilities under obligation (義務化対象)"
    ),
    ranking: bool = typer.Option(False, "--ranking", help="top and bottom five prefectures per type instead"),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """導入状況: facilities, card-reader applications, production connections and operating
    facilities with their rates, by facility type or prefecture, as of a day."""
    day = _day(as_of)
    if ranking:
        _output(_report(lambda db: reports.ranking_report(db, day, obligated)), as_csv, as_json)
        return
    query = reports.AdoptionQuery(
        day,
        parse_or_fail(lambda: reports.parse_choice(by, reports.ADOPTION_GROUPS)),
        parse_or_fail(lambda: reports.parse_type(facility_type)),
        obligated,
    )
    _output(_report(lambda db: reports.adoption_report(db, query)), as_csv, as_json)


@app.command()
def usage(
    month: str | None = typer.Option(None, "--month", help="YYYY-MM (default last month)"),
    first: str | None = typer.Option(None, "--from", help="first month of a range (YYYY-MM)"),
    last: str | None = typer.Option(None, "--to", help="last month of a range (YYYY-MM)"),
    by: str = typer.Option("type", "--by", help="type | prefecture | month"),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """利用状況: confirmations by card (smartphones apart) and by insurance numbers, batch
    entries and views of checkup, medication and treatment information, from the roll-ups."""
    single = _month(month, reports.default_usage_month())
    start, end = _month(first, single), _month(last, single)
    query = reports.UsageQuery(
        start, end, parse_or_fail(lambda: reports.parse_choice(by, reports.USAGE_GROUPS))
    )
    _output(_report(lambda db: reports.usage_report(db, query)), as_csv, as_json)


@app.command()
def utilisation(
    month: str | None = typer.Option(None, "--month", help="the care month YYYY-MM (default two months ago)"),
    by: str = typer.Option("type", "--by", help="type | prefecture | facility"),
    facility_type: str | None = typer.Option(None, "--type", help="only this facility type"),
    prefecture: str | None = typer.Option(None, "--prefecture", help="only this prefecture (01–47)"),
    facility: str | None = typer.Option(None, "--facility", help="one facility's months and support money"),
    as_csv: bool = typer.Option(False, "--csv", help=CSV_HELP),
    as_json: bool = typer.Option(False, "--json", help=JSON_HELP),
) -> None:
    """マイナ保険証利用率: card users after name matching ÷ outpatient claims billed the next month."""
    if facility:
        code = parse_or_fail(lambda: FacilityCode.parse(facility, "facility"))
        report = _report(lambda db: reports.facility_report(db, code))
        _output(report, as_csv, as_json)
        if not (as_csv or as_json):
            print_support(report)
        return
    query = reports.UtilisationQuery(
        _month(month, reports.default_rate_month()),
        parse_or_fail(lambda: reports.parse_choice(by, reports.UTILISATION_GROUPS)),
        parse_or_fail(lambda: reports.parse_type(facility_type)),
        parse_or_fail(lambda: reports.parse_prefecture(prefecture)),
    )
    _output(_report(lambda db: reports.utilisation_report(db, query)), as_csv, as_json)


def print_support(report: Report) -> None:
    support = report.extra["support"]
    for key in ("usage_support", "lump_sum"):
        program = support[key]
        verdict = "[green]対象[/]" if program["eligible"] else "[red]対象外[/]"
        console.print(f"\n[bold]{program['name']}[/]: {verdict}", highlight=False)
        for check in program["checks"]:
            mark = "[green]✓[/]" if check["met"] else "[red]✗[/]"
            console.print(f"  {mark} {check['reason_ja']}", highlight=False)
        for note in program["notes"]:
            console.print(f"  [dim]※ {note}[/]", highlight=False)
    console.print(
        f"\n2024年1月〜5月（利用率のある月）の平均利用率 {support['average_rate_2024_01_05'] or '—'}%、"
        f"利用件数 {support['card_uses_2024_01_05']:,}件（支援額はこれらで決まります）",
        highlight=False,
    )


@app.command("import")
def import_command(
    feed: str = typer.Argument(..., help="facilities | claims"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="the CSV (docs/statistics.md)"),
    as_json: bool = typer.Option(False, "--json", help="print the import report as JSON"),
) -> None:
    """Load facility data (steps reached, obligation) or monthly claims counts; exit 1 when any
    row was rejected."""
    import_file(feed, file, FEEDS, import_stats_feed, (FeedFormatError,), as_json)


@app.command("rebuild")
def rebuild_command(
    month: list[str] = typer.Option([], "--month", help="YYYY-MM; repeatable"),
    first: str | None = typer.Option(None, "--from", help="first month (YYYY-MM)"),
    last: str | None = typer.Option(None, "--to", help="last month (YYYY-MM)"),
) -> None:
    """Rebuild the monthly roll-ups from the audit trail (default: every month the trail
    covers). Each month is replaced whole; the rebuild is audited."""
    chosen = [_month(text, today_jst()) for text in month]
    if first or last:
        start = _month(first, today_jst())
        chosen.extend(months_between(start, _month(last, start)))

    async def work(db: Database) -> list[RebuiltMonth]:
        months = sorted(set(chosen)) or list(await trail_months(db))
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=errors) as progress:
            task = progress.add_task("months", total=len(months))
            return await rebuild(db, operator_actor(), months, lambda _: progress.advance(task))

    for done in run(work):
        console.print(
            f"{format_month(done.month)}: {done.facilities} facilities, {done.events} events, "
            f"{done.card_users} card users (name-matched), {done.seconds:.1f} s"
        )
