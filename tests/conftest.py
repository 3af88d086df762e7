"""Shared fixtures: fresh migrated databases (SQLite and PostgreSQL), built from templates.

PostgreSQL tests use the local server (127.0.0.1:5432, trust auth). They are skipped only
when no server answers, and never when CI=true: there a missing server fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings

from onshi.store.database import Database
from onshi.store.engine import DatabaseUrl
from onshi.store.migrate import upgrade

# A busy machine (CI, two test runs at once) must not fail a property for being slow: no
# deadline per example and no health check on generation speed. Properties still run in full.
settings.register_profile("onshi", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("onshi")

PG_ADMIN = os.environ.get("ONSHI_TEST_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")
IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def _pg_reachable() -> bool:
    try:
        with psycopg.connect(PG_ADMIN, connect_timeout=3):
            return True
    except psycopg.OperationalError:
        return False


def _pg_admin(sql: str) -> None:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # type: ignore[arg-type]


def _pg_url(name: str) -> str:
    base = PG_ADMIN.rsplit("/", 1)[0]
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def pg_template(worker_id: str) -> Iterator[str]:
    if not _pg_reachable():
        if IN_CI:
            pytest.fail(f"PostgreSQL is required in CI and did not answer at {PG_ADMIN}")
        pytest.skip("no PostgreSQL server answers at 127.0.0.1:5432")
    name = f"onshi_tpl_{worker_id}_{uuid.uuid4().hex[:8]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    upgrade(DatabaseUrl.parse(_pg_url(name)))
    yield name
    _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "onshi.db"
    upgrade(DatabaseUrl.parse(f"sqlite:///{path}"))
    return path


def fresh_database_url(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        path = tmp_path / f"onshi-{uuid.uuid4().hex[:8]}.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
        return
    template_name: str = request.getfixturevalue("pg_template")
    name = f"onshi_t_{uuid.uuid4().hex[:12]}"
    _pg_admin(f'CREATE DATABASE "{name}" TEMPLATE "{template_name}"')
    try:
        yield _pg_url(name)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database on each backend."""
    yield from fresh_database_url(request.param, request, tmp_path)


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database.open(database_url, pool_size=4)
    try:
        yield database
    finally:
        await database.close()
