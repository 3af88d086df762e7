"""The calculators' results as JSON-ready values (the CLI's --json, the portal's API and what a
subsidy application stores): every intermediate figure, Decimals as exact strings, dates as ISO."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from enum import Enum

from onshi.domain.portal import subsidies
from onshi.domain.portal.values import Rate


def plain(value: object) -> object:
    """JSON-ready: dataclasses as objects, Decimals as exact strings, dates as ISO."""
    if isinstance(value, Rate):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(plain(k)): plain(v) for k, v in value.items()}
    if isinstance(value, frozenset | set):
        return sorted(str(plain(v)) for v in value)
    if isinstance(value, tuple | list):
        return [plain(v) for v in value]
    return value


def evaluation_document(result: subsidies.Evaluation, table_version: str) -> dict[str, object]:
    program = result.program
    return {
        "table_version": table_version,
        "program": {"id": program.id, "name": program.name, "source": program.source},
        "subsidy_class": result.subsidy_class,
        "as_of": result.as_of,
        "eligible": result.eligible,
        "grant_yen": result.grant_yen,
        "checks": result.checks,
        "lines": result.lines,
        "calculation": result.calculation,
        "tier": program.tier_for(result.subsidy_class),
        "notes": result.notes,
    }
