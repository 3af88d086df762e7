"""Confirmations by insurance-card numbers per second over HTTP against PostgreSQL, beside
the limits of the same machine measured in the same run.

At 1 and 2 worker processes, in rounds (the figures are each round's median):
* onshi: `POST /api/v1/confirmations` on `onshi serve --workers W` (JSON in and out, the
  whole domain, audit and wire document), with p50/p99;
* bare ceiling: `GET /healthz` of the same server: a trivial JSON answer from the app's
  outermost layer (onshi.central.app.CentralApp, in front of FastAPI, like the hot path), so
  uvicorn + that layer only — until 2026-12-02 it went through FastAPI's routing, which made
  the "ceiling" slower than the confirmations themselves;
* minimal lookup: bench.minimal_app (Starlette + asyncpg, one point query, JSON out) under
  the same uvicorn settings and the same request bodies;
* raw PostgreSQL: pgbench, prepared point lookups by card number on the same table;
* the peak RSS of every server worker process.
wrk is the load generator (on the same cores; bounded in time; 127.0.0.1 only).

    python -m bench.confirm_rate [--persons 1000000] [--seconds 10] [--connections 16] [--rounds 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
from pathlib import Path

from bench import _load
from bench._common import OUT, figure, server_description, timed
from bench._population import Person, bench_key, population_database, sample_people


def write_bodies(people: list[Person], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as out:
        for insurer, symbol, number, branch, birthdate in people:
            body = {
                "insurer_number": insurer,
                "insured_card_symbol": symbol,
                "insured_identification_number": number,
                "insured_branch_number": branch,
                "birthdate": birthdate,
            }
            out.write(json.dumps(body, ensure_ascii=False) + "\n")
    return path


def measure(args: argparse.Namespace, url: str, key: str, bodies: Path, people: list[Person]) -> None:
    port, c, seconds = args.port, args.connections, args.seconds
    base = f"http://127.0.0.1:{port}"
    keys = [(i, s, n) for i, s, n, _, _ in people]
    pg_clients = min(c, 16)
    for workers in (1, 2):
        onshi, bare, minimal, raw, rss, cpu = [], [], [], [], [], []
        for _ in range(args.rounds):
            server = _load.serve_onshi(url, workers, port)
            try:
                _load.wrk(base, 2, c, _load.LUA, str(bodies), key)  # warm-up: pools, statements, caches
                bare.append(_load.wrk(base, seconds, c, _load.FIXED_LUA, "/healthz"))
                pids = _load.server_processes(server)
                before = _load.cpu_seconds(pids)
                onshi.append(_load.wrk(base, seconds, c, _load.LUA, str(bodies), key))
                cpu.append(_load.cpu_used(before, _load.cpu_seconds(pids)) / onshi[-1].requests)
                rss += _load.worker_rss_mb(server)
            finally:
                _load.stop(server)
            reference = _load.serve_minimal(url, workers, port)
            try:
                _load.wrk(base, 2, c, _load.LUA, str(bodies), key)
                minimal.append(_load.wrk(base, seconds, c, _load.LUA, str(bodies), key))
            finally:
                _load.stop(reference)
            raw.append(_load.pgbench_point_lookups(url, keys, seconds, pg_clients))
        best = _median_load(onshi)
        w = f"{workers} worker(s)"
        figure(
            f"bare ceiling: GET /healthz (uvicorn + outermost layer), {w}",
            _median(bare),
            "req/s",
            _median_load(bare).note(c),
        )
        figure(f"minimal lookup (Starlette + asyncpg), {w}", _median(minimal), "req/s",
               _median_load(minimal).note(c))  # fmt: skip
        figure(f"raw PostgreSQL point lookups (pgbench -c {pg_clients})", statistics.median(raw), "tps")
        figure(
            f"server CPU per confirmation (workers, not PostgreSQL), {w}", 1e6 * statistics.median(cpu), "µs"
        )
        figure(
            f"peak RSS per server process, {w}", max(rss), "MB", f"all: {', '.join(f'{r:.0f}' for r in rss)}"
        )
        figure(f"ratio onshi / minimal lookup, {w}", 100 * _median(onshi) / _median(minimal), "%")
        figure(f"ratio onshi / bare ceiling, {w}", 100 * _median(onshi) / _median(bare), "%")
        rounds = ", ".join(f"{load.rate:,.0f}" for load in onshi)
        figure(f"confirmations/s over HTTP, {w}", _median(onshi), "req/s", f"{best.note(c)}; rounds {rounds}")


def _median(loads: list[_load.Load]) -> float:
    return statistics.median(load.rate for load in loads)


def _median_load(loads: list[_load.Load]) -> _load.Load:
    return sorted(loads, key=lambda load: load.rate)[len(loads) // 2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    print(server_description(), flush=True)
    with timed() as prepared:
        url = asyncio.run(population_database(args.persons))
        key = asyncio.run(bench_key(url))
        people = asyncio.run(sample_people(url, 20_000, 7))
    random.Random(7).shuffle(people)
    bodies = write_bodies(people, OUT / "confirm-bodies.jsonl")
    figure(f"prepare ({args.persons:,} persons, loaded once and kept)", prepared[0], "s")
    measure(args, url, key, bodies, people)


if __name__ == "__main__":
    main()
