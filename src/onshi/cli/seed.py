"""`onshi seed`: a realistic, deterministic synthetic population and facilities."""

from __future__ import annotations

from datetime import date

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from onshi.cli._common import console, errors, operator_actor, parse_or_fail, run
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.services.seeding import seed_facilities, seed_population
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database


def seed(
    persons: int = typer.Option(1000, help="people to generate (a job changer is one person, two rows)"),
    facilities: int = typer.Option(100, help="facilities to generate"),
    seed_value: int = typer.Option(1, "--seed", help="random seed: the same seed gives the same data"),
    as_of: str | None = typer.Option(
        None, "--as-of", help="the generated data's 'today' (default today, JST)"
    ),
) -> None:
    """Generate people (insurer mix, families, job changers, elderly, certificates) and facilities
    across the 47 prefectures (with their obligation and the onboarding steps reached by the
    seed's day), loaded through the insurer-feed import."""
    day: date = parse_or_fail(lambda: parse_flexible_date(as_of, "as_of")) if as_of else today_jst()

    async def work(database: Database) -> None:
        columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
        with Progress(*columns, console=errors) as progress:
            people = progress.add_task("persons (rows)", total=None)
            report = await seed_population(
                database,
                DirectAuditLog(database.engine),
                operator_actor(),
                persons,
                seed_value,
                day,
                progress=lambda rows: progress.advance(people, rows),
            )
            places = progress.add_task("facilities", total=facilities)
            written = await seed_facilities(
                database, facilities, seed_value, lambda n: progress.advance(places, n), as_of=day
            )
        console.print(
            f"seeded {persons} persons ({report.loaded} qualification rows loaded, {report.unchanged} unchanged, "
            f"{len(report.rejected)} rejected) and {written} facilities"
        )

    run(work)
