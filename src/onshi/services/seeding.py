"""Seeding a database with the synthetic population — through the same import path as feeds."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from itertools import islice

from onshi.domain.actors import Actor
from onshi.seed.facilities import facility_list
from onshi.seed.onboarding import onboardings
from onshi.seed.population import population_csv
from onshi.services.insurer_import import ImportReport, import_feed
from onshi.services.stats_seeding import seed_onboarding
from onshi.store import facilities
from onshi.store.audit import AuditLog
from onshi.store.database import Database

FACILITY_BATCH = 5000


async def seed_population(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    persons: int,
    seed: int,
    as_of: date,
    progress: Callable[[int], None] | None = None,
) -> ImportReport:
    lines = population_csv(persons, seed, as_of)
    return await import_feed(
        db, audit, lines, actor, f"seed:persons={persons},seed={seed}", progress=progress
    )


async def seed_facilities(
    db: Database,
    count: int,
    seed: int,
    progress: Callable[[int], None] | None = None,
    as_of: date | None = None,
) -> int:
    """The facilities and, with `as_of`, their obligation and the onboarding steps they reached
    by then (onshi.seed.onboarding: the seed's adoption rates per type)."""
    generated = facility_list(count, seed)
    written = 0
    while batch := list(islice(generated, FACILITY_BATCH)):
        async with db.write() as conn:
            written += await facilities.save(conn, batch)
            if as_of is not None:
                await seed_onboarding(conn, onboardings(batch, seed, as_of))
        if progress:
            progress(len(batch))
    return written
