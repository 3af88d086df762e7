"""Confirmations by insurance-card numbers per second over HTTP against PostgreSQL.

Starts `onshi serve --workers W` on a loopback port and drives it with wrk (the load
generator shares the machine's cores), at 1 and 2 workers.

    python -m bench.confirm_rate [--persons 1000000] [--seconds 10] [--connections 16]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
from sqlalchemy import select

from bench._common import OUT, ensure_tool, figure, fresh_database, population_file, server_description, timed
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.services.parallel_import import import_file
from onshi.store import apikeys, facilities
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import qualifications

LUA = Path(__file__).with_name("confirm.lua")
BENCH_FACILITY = Facility(FacilityCode("1319900019"), "ベンチ診療所", FacilityType.MEDICAL_CLINIC)


Person = tuple[str, str, str, str, str]  # insurer, symbol, number, branch, birthdate YYYYMMDD


async def load_population(url: str, persons: int) -> tuple[str, list[Person]]:
    """Import a generated population, register the bench clinic; its API key and every
    person's card keys (what the load generators send)."""
    database = Database.open(url)
    try:
        path = population_file(persons)
        actor = Actor(ActorKind.OPERATOR, "bench", Channel.CLI)
        await import_file(database, DirectAuditLog(database.engine), path, actor, str(path))
        async with database.write() as conn:
            await facilities.save(conn, [BENCH_FACILITY])
            key, _ = await apikeys.create(conn, ActorKind.FACILITY, BENCH_FACILITY.code.digits, "bench")
            columns = (qualifications.c.insurer_number, qualifications.c.symbol, qualifications.c.number,
                       qualifications.c.branch, qualifications.c.birthdate)  # fmt: skip
            rows = (await conn.execute(select(*columns))).all()
    finally:
        await database.close()
    return key.secret, [(i, s, n, b, d.strftime("%Y%m%d")) for i, s, n, b, d in rows]


async def prepare(url: str, persons: int, sample: int) -> tuple[str, Path]:
    key, people = await load_population(url, persons)
    chosen = random.Random(7).sample(people, min(sample, len(people)))
    bodies = OUT / "confirm-bodies.jsonl"
    with bodies.open("w", encoding="utf-8") as out:
        for insurer, symbol, number, branch, birthdate in chosen:
            body = {
                "insurer_number": insurer,
                "insured_card_symbol": symbol,
                "insured_identification_number": number,
                "insured_branch_number": branch,
                "birthdate": birthdate,
            }
            out.write(json.dumps(body, ensure_ascii=False) + "\n")
    return key, bodies


def serve(url: str, workers: int, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ONSHI_DATABASE_URL": url, "ONSHI_DB_POOL_SIZE": "4", "ONSHI_RATE_LIMIT": "0"}
    onshi = Path(sys.executable).with_name("onshi")
    process = subprocess.Popen(
        [str(onshi), "serve", "--port", str(port), "--workers", str(workers)], env=env, start_new_session=True
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit("central did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def drive(port: int, key: str, bodies: Path, seconds: int, connections: int) -> dict[str, float]:
    wrk = ensure_tool("wrk", "wrk")
    command = [
        wrk,
        "-t1",
        f"-c{connections}",
        f"-d{seconds}s",
        "-s",
        str(LUA),
        f"http://127.0.0.1:{port}",
        "--",
        str(bodies),
        key,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    result: dict[str, float] = json.loads(output.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--port", type=int, default=18765)
    args = parser.parse_args()
    print(server_description(), flush=True)
    url = fresh_database("onshi_bench_confirm")
    with timed() as prepared:
        key, bodies = asyncio.run(prepare(url, args.persons, 20_000))
    figure(f"prepare ({args.persons:,} persons)", prepared[0], "s")
    for workers in (1, 2):
        process = serve(url, workers, args.port)
        try:
            drive(args.port, key, bodies, 2, args.connections)  # warm-up: pools, prepared statements, caches
            result = drive(args.port, key, bodies, args.seconds, args.connections)
        finally:
            stop(process)
        rate = result["requests"] / (result["duration_us"] / 1e6)
        note = f"p50 {result['p50_us'] / 1000:.1f} ms, p99 {result['p99_us'] / 1000:.1f} ms, c={args.connections}"
        if result["non2xx"] or result["socket_errors"]:
            note += f", {result['non2xx']} non-2xx, {result['socket_errors']} socket errors"
        figure(f"confirmations/s over HTTP, {workers} worker(s)", rate, "req/s", note)


if __name__ == "__main__":
    main()
