"""Integrity checks of the registry — what foreign keys would enforce on the bulk tables, and
more: every reference resolves, periods are well formed, history is older than the present.

`onshi db check` runs them; each check is one query counting violations.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.store.dialect import is_postgres
from onshi.store.schema import PERIOD_KEY, individual_key_index


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    description: str
    violations: int


_SAME_PERIOD = " AND ".join(f"q.{c} = h.{c}" for c in PERIOD_KEY)

_CHECKS = {
    "qualifications_insurer": (
        "every qualification's insurer is registered",
        "SELECT count(*) FROM qualifications q WHERE NOT EXISTS "
        "(SELECT 1 FROM insurers i WHERE i.insurer_number = q.insurer_number)",
    ),
    "history_period": (
        "every superseded version belongs to a period that has a current version",
        f"SELECT count(*) FROM qualification_history h WHERE NOT EXISTS (SELECT 1 FROM qualifications q WHERE {_SAME_PERIOD})",
    ),
    "history_import": (
        "every recorded version names an import that exists",
        "SELECT (SELECT count(*) FROM qualifications q WHERE q.import_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM imports i WHERE i.id = q.import_id)) + (SELECT count(*) FROM qualification_history h "
        "WHERE h.superseded_by_import_id IS NOT NULL AND NOT EXISTS "
        "(SELECT 1 FROM imports i WHERE i.id = h.superseded_by_import_id))",
    ),
    "periods": (
        "no qualification ends before it starts",
        "SELECT count(*) FROM qualifications WHERE disqualification_date < qualification_date",
    ),
    "versions": (
        "every period's current version is newer than all its history",
        f"SELECT count(*) FROM qualification_history h JOIN qualifications q ON {_SAME_PERIOD} "
        "WHERE h.version >= q.version",
    ),
}


_POSTGRES_CHECKS = {
    "staging_leftovers": (
        "no chunk table of a parallel import outlives its import (left by a failed one: drop it)",
        r"SELECT count(*) FROM pg_tables t WHERE t.tablename LIKE 'onshi\_stage\_%' AND NOT EXISTS "
        r"(SELECT 1 FROM imports i WHERE i.status = 'running' AND t.tablename LIKE 'onshi\_stage\_' || i.id || '\_%')",
    ),
    "key_index": (
        "the individual-key index exists unless an import is running (a first load builds it at its "
        "end; after one killed mid-way, the next import builds it)",
        f"SELECT CASE WHEN to_regclass('{individual_key_index.name}') IS NULL AND NOT EXISTS "
        "(SELECT 1 FROM imports WHERE status = 'running') THEN 1 ELSE 0 END",
    ),
}


async def run_checks(conn: AsyncConnection) -> list[Check]:
    results = []
    checks = {**_CHECKS, **(_POSTGRES_CHECKS if is_postgres(conn) else {})}
    for name, (description, sql) in checks.items():
        violations = int((await conn.execute(text(sql))).scalar_one())
        results.append(Check(name, description, violations))
    return results
