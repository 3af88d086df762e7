"""Bench plumbing: a scratch PostgreSQL database, generated feeds, timing, printing figures."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bench import pg_cluster
from onshi.store.engine import DatabaseUrl
from onshi.store.migrate import upgrade

OUT = Path(__file__).with_name("out")
# ONSHI_BENCH_PG: "tuned" (the default of `make bench`) starts bench.pg_cluster, tuned like
# perf-limits.md; a URL with {name} uses that server; unset uses the stock local server.
PG_BENCH = os.environ.get("ONSHI_BENCH_PG", "")
# The unix socket is faster than TCP on loopback (perf-limits.md §4); fall back to TCP.
PG_SOCKET_DIR = "/var/run/postgresql"


def _pg_admin() -> str:
    if PG_BENCH == "tuned":
        return pg_cluster.admin_url()
    return os.environ.get("ONSHI_BENCH_PG_ADMIN", "postgresql://postgres@127.0.0.1:5432/postgres")


def bench_database_url(name: str) -> str:
    if PG_BENCH == "tuned":
        return pg_cluster.start().format(name=name)
    if PG_BENCH:
        return PG_BENCH.format(name=name)
    if Path(PG_SOCKET_DIR).exists():
        return f"postgresql://postgres@/{name}?host={PG_SOCKET_DIR}"
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def server_description() -> str:
    """Which PostgreSQL the figures come from, printed at the top of each benchmark."""
    if PG_BENCH == "tuned":
        return f"PostgreSQL: bench.pg_cluster (tuned like perf-limits.md) at {pg_cluster.SOCKET}"
    return f"PostgreSQL: {bench_database_url('<db>')} (settings as found)"


def fresh_database(name: str, migrate: bool = True) -> str:
    url = bench_database_url(name)  # (starts the tuned cluster when asked for)
    with psycopg.connect(_pg_admin(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        conn.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    if migrate:
        upgrade(DatabaseUrl.parse(url))
    return url


def database_exists(name: str) -> bool:
    with psycopg.connect(_pg_admin(), autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def population_file(persons: int, seed: int = 1) -> Path:
    """A generated feed of `persons` people, written once and reused."""
    from onshi.seed.population import population_csv

    OUT.mkdir(exist_ok=True)
    path = OUT / f"population-{persons}-{seed}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        with partial.open("w", encoding="utf-8", newline="") as out:
            out.writelines(population_csv(persons, seed))
        partial.rename(path)
    return path


def ensure_tool(command: str, package: str) -> str:
    found = shutil.which(command)
    if found:
        return found
    subprocess.run(["apt-get", "install", "-y", "-q", package], check=True, capture_output=True)
    found = shutil.which(command)
    if not found:
        raise SystemExit(f"{command} is needed: apt-get install {package}")
    return found


@contextlib.contextmanager
def timed() -> Iterator[list[float]]:
    box: list[float] = []
    start = time.perf_counter()
    yield box
    box.append(time.perf_counter() - start)


def figure(name: str, value: float, unit: str, note: str = "") -> None:
    print(f"{name:<58} {value:>14,.1f} {unit:<10} {note}", flush=True)
