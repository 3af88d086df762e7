"""Card confirmations (My Number Card: challenge, signature, certificate chain, expiry and
revocation checks, the person's qualification) per second over HTTP against PostgreSQL.

Issues `--cards` emulated cards for registered people (once, kept under bench/out/cards),
registers each for insurance use, then drives `onshi serve --workers W` in two ways:

* end to end: client processes that each keep `--flows` confirmations in flight: POST
  /api/v1/card/challenges, sign the challenge with the card's RSA key, POST
  /api/v1/card/confirmations. The client signs on the same two cores (RSA-2048 signing
  ≈ 1–2 ms, more than the server spends), so this rate is bounded by the client;
* server side: each client process first fetches `--batch` challenges (timed on their own),
  then signs them all (not timed: the server idles), then sends only the confirmations
  (timed). Server CPU (from /proc, supervisor and workers) per challenge and per
  confirmation is measured over each timed phase alone.

`--routes both` measures the general routes (ONSHI_HOT_PATH=0) and then the hot path on the
same database in the same run, and prints the ratios; the headline is the hot path's
server-side confirmations/s.

    python -m bench.card_rate [--persons 1000000] [--cards 200] [--seconds 10] [--workers 2]
                              [--batch 3000] [--routes hot|general|both]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import multiprocessing
import os
import statistics
import time
from dataclasses import dataclass
from multiprocessing.synchronize import Barrier
from pathlib import Path

import orjson
import psycopg

from bench import _load
from bench._common import OUT, figure, server_description, timed
from bench._http import KeepAlive
from bench._population import BENCH_FACILITY, bench_key, population_database, sample_people
from onshi.card.cardfile import CardFile, UnlockedCard
from onshi.card.protocol import auth_payload, surface_to_json
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.consent import ConsentChoices
from onshi.domain.insurer import InsurerNumber
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey
from onshi.services.card_issuance import holder_record, issue_card
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database

PIN = "1234"
CARDS = OUT / "cards"
PKI = OUT / "pki"


def cards_folder(url: str) -> Path:
    """Where the cards of the database at `url` are kept: one folder per database *as created*
    (its name and OID), so a population reloaded since — whose certificate records are gone —
    gets new cards instead of ones central cannot check (ONSE9502)."""
    with psycopg.connect(url) as conn:
        found = conn.execute(
            "SELECT datname, oid FROM pg_database WHERE datname = current_database()"
        ).fetchone()
    assert found is not None
    return CARDS / f"{found[0]}-{found[1]}"


async def issue_cards(url: str, count: int) -> list[Path]:
    """`count` cards of registered people with an address (issued once per population)."""
    folder = cards_folder(url)
    folder.mkdir(parents=True, exist_ok=True)
    done = sorted(folder.glob("*.card"))
    if len(done) >= count:
        return done[:count]
    database = Database.open(url)
    operator = Actor(ActorKind.OPERATOR, "bench", Channel.CLI)
    try:
        for n, (insurer, symbol, number, branch, _) in enumerate(await sample_people(url, count * 3, 13)):
            path = folder / f"{n:05d}.card"
            if len(done) >= count or path.exists():
                continue
            holder = MemberKey(InsurerNumber(insurer), symbol, number, branch or None)
            record = await holder_record(database, holder)
            if record is None or not record.address:
                continue
            surface = CardSurface(
                record.name, record.name_kana, record.birthdate, record.sex1, record.address
            )
            await issue_card(database, DirectAuditLog(database.engine), operator, PKI / "jlis", path, surface,
                             PIN, holder=holder)  # fmt: skip
            done.append(path)
    finally:
        await database.close()
    return done[:count]


async def fetch_challenge(client: KeepAlive) -> str:
    status, answer = await client.post_json("/api/v1/card/challenges")
    assert status == 200, answer
    return str(orjson.loads(answer)["challenge"])


def signed_body(card: UnlockedCard, challenge: str, register: bool) -> dict[str, object]:
    flags = ConsentChoices().as_flags()
    code = BENCH_FACILITY.code.digits
    surface = surface_to_json(card.surface) if register else None
    signature = card.sign(auth_payload(challenge, code, flags, surface, "counter"))
    return {
        "certificate": card.certificate_pem, "challenge": challenge, "consent": flags, "surface": surface,
        "signature": base64.b64encode(signature).decode(), "context": "counter",
    }  # fmt: skip


async def confirm_once(client: KeepAlive, card: UnlockedCard, register: bool) -> tuple[int, bytes]:
    body = signed_body(card, await fetch_challenge(client), register)
    return await client.post_json("/api/v1/card/confirmations", body)


def _client(port: int, key: str, paths: list[str], flows: int, seconds: float, out: str) -> None:
    """One load-generating process: `flows` confirmations in flight for `seconds`."""
    cards = [CardFile.load(Path(p)).unlock_with_pin(PIN) for p in paths]

    async def main() -> dict[str, object]:
        latencies: list[float] = []
        errors = 0
        started = time.monotonic()  # after the cards were unlocked: only the flows are timed
        deadline = started + seconds
        headers = {"Authorization": f"Bearer {key}"}

        async def flow(offset: int) -> None:
            nonlocal errors
            client = KeepAlive(port, headers)
            n = offset
            while time.monotonic() < deadline:
                began = time.perf_counter()
                status, _ = await confirm_once(client, cards[n % len(cards)], False)
                latencies.append(time.perf_counter() - began)
                errors += status != 200
                n += flows
            await client.close()

        await asyncio.gather(*(flow(i) for i in range(flows)))
        return {"latencies": latencies, "errors": errors, "seconds": time.monotonic() - started}

    with open(out, "w") as handle:
        json.dump(asyncio.run(main()), handle)


def _presigned_client(port: int, key: str, paths: list[str], flows: int, batch: int, barrier: Barrier, out: str) -> None:  # fmt: skip
    """One process of the server-side figure: `batch` challenges fetched, then signed, then
    confirmed, `flows` at a time; the parent times each phase between the barrier's waits."""
    cards = [CardFile.load(Path(p)).unlock_with_pin(PIN) for p in paths]
    headers = {"Authorization": f"Bearer {key}"}

    async def main() -> dict[str, object]:
        clients = [KeepAlive(port, headers) for _ in range(flows)]
        share = [range(n, batch, flows) for n in range(flows)]
        challenges: list[str] = [""] * batch
        bodies: list[dict[str, object]] = []
        latencies: list[float] = []
        errors = 0

        async def fetch(n: int) -> None:
            for i in share[n]:
                challenges[i] = await fetch_challenge(clients[n])

        async def confirm(n: int) -> None:
            nonlocal errors
            for i in share[n]:
                began = time.perf_counter()
                status, _ = await clients[n].post_json("/api/v1/card/confirmations", bodies[i])
                latencies.append(time.perf_counter() - began)
                errors += status != 200

        barrier.wait()  # ready: the parent reads the server's CPU
        await asyncio.gather(*(fetch(n) for n in range(flows)))
        barrier.wait()  # challenges fetched
        for client in clients:  # idle while signing: the server's keep-alive would close them
            await client.close()
        bodies.extend(signed_body(cards[i % len(cards)], challenges[i], False) for i in range(batch))
        clients[:] = [KeepAlive(port, headers) for _ in range(flows)]
        barrier.wait()  # signed: the confirmations start
        started = time.monotonic()
        await asyncio.gather(*(confirm(n) for n in range(flows)))
        elapsed = time.monotonic() - started
        barrier.wait()  # confirmed
        for client in clients:
            await client.close()
        return {"latencies": latencies, "errors": errors, "seconds": elapsed}

    try:
        result = asyncio.run(main())
    except BaseException:
        barrier.abort()  # the parent stops waiting
        raise
    with open(out, "w") as handle:
        json.dump(result, handle)


@dataclass(frozen=True)
class ServerSide:
    count: int
    challenge_seconds: float
    challenge_cpu: float
    confirm_seconds: float
    confirm_cpu: float
    latencies: list[float]
    errors: int


def server_side(server: object, port: int, key: str, cards: list[Path], processes: int, flows: int, batch: int) -> ServerSide:  # fmt: skip
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes + 1)
    outs = [str(OUT / f"card-presigned-{n}.json") for n in range(processes)]
    paths = [str(p) for p in cards]
    workers = [
        context.Process(
            target=_presigned_client, args=(port, key, paths[n::processes], flows, batch, barrier, outs[n])
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    pids = _load.server_processes(server)  # type: ignore[arg-type]
    marks: list[tuple[float, dict[int, float]]] = []
    for _ in range(4):  # ready, fetched, signed, confirmed
        barrier.wait(timeout=300)
        marks.append((time.monotonic(), _load.cpu_seconds(pids)))
    for worker in workers:
        worker.join(120)
    latencies: list[float] = []
    errors = 0
    for out in outs:
        result = json.loads(Path(out).read_text())
        latencies += result["latencies"]
        errors += result["errors"]
    (t0, c0), (t1, c1), (t2, c2), (t3, c3) = marks
    count = processes * batch
    return ServerSide(
        count, t1 - t0, _load.cpu_used(c0, c1), t3 - t2, _load.cpu_used(c2, c3), sorted(latencies), errors
    )


def drive(port: int, key: str, cards: list[Path], processes: int, flows: int, seconds: float) -> tuple[int, float, list[float], int]:  # fmt: skip
    outs = [str(OUT / f"card-client-{n}.json") for n in range(processes)]
    paths = [str(p) for p in cards]
    workers = [
        multiprocessing.get_context("spawn").Process(
            target=_client, args=(port, key, paths[n::processes], flows, seconds, outs[n])
        )
        for n in range(processes)
    ]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(seconds + 120)
    latencies: list[float] = []
    errors, elapsed = 0, 0.0
    for out in outs:
        result = json.loads(Path(out).read_text())
        latencies += result["latencies"]
        errors += result["errors"]
        elapsed = max(elapsed, result["seconds"])
    return len(latencies), elapsed, sorted(latencies), errors


@dataclass(frozen=True)
class Run:
    routes: str
    end_to_end: float
    end_to_end_cpu: float  # server CPU seconds per confirmation (challenge + confirm)
    p50: float
    p99: float
    errors: int
    side: ServerSide
    rss: float


def measure(
    routes: str, url: str, key: str, cards: list[Path], args: argparse.Namespace, register: bool
) -> Run:
    """Both figures on `onshi serve` with the hot path on (`hot`) or off (`general`)."""
    os.environ["ONSHI_HOT_PATH"] = "1" if routes == "hot" else "0"
    server = _load.serve_onshi(url, args.workers, args.port)
    try:

        async def first_uses() -> None:  # first use for insurance: the linkage (not timed)
            client = KeepAlive(args.port, {"Authorization": f"Bearer {key}"})
            for path in cards:
                status, answer = await confirm_once(client, CardFile.load(path).unlock_with_pin(PIN), True)
                assert status == 200, answer
            await client.close()

        if register:
            asyncio.run(first_uses())
        drive(args.port, key, cards, args.clients, args.flows, 2)  # warm-up
        pids = _load.server_processes(server)
        before = _load.cpu_seconds(pids)
        count, elapsed, latencies, errors = drive(
            args.port, key, cards, args.clients, args.flows, args.seconds
        )
        server_cpu = _load.cpu_used(before, _load.cpu_seconds(pids))
        batch = args.batch if routes == "hot" else max(args.flows, args.batch // 10)
        side = server_side(server, args.port, key, cards, args.clients, args.flows, batch)
        rss = max(_load.worker_rss_mb(server))
    finally:
        _load.stop(server)
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    return Run(routes, count / elapsed, server_cpu / max(1, count), p50, p99, errors, side, rss)


def report(run: Run, args: argparse.Namespace) -> None:
    side = run.side
    label = f"{run.routes}, {args.workers} worker(s)"
    in_flight = f"{args.clients}×{args.flows} in flight"
    note = f"p50 {run.p50 * 1000:.1f} ms, p99 {run.p99 * 1000:.1f} ms, {in_flight}"
    figure(f"[{label}] end to end (client signs on the same cores)", run.end_to_end, "conf/s", note + _errors(run.errors))  # fmt: skip
    figure(f"[{label}] server CPU per confirmation, end to end", run.end_to_end_cpu * 1e6, "µs", "challenge + confirm")  # fmt: skip
    figure(f"[{label}] peak RSS per server worker", run.rss, "MB")
    figure(f"[{label}] challenges/s, pre-fetched batch", side.count / side.challenge_seconds, "req/s", f"{side.count} challenges")  # fmt: skip
    figure(f"[{label}] server CPU per challenge", side.challenge_cpu / side.count * 1e6, "µs")
    figure(f"[{label}] server CPU per confirmation (signed in advance)", side.confirm_cpu / side.count * 1e6, "µs")  # fmt: skip
    per_pair = (side.challenge_cpu + side.confirm_cpu) / side.count
    figure(f"[{label}] server CPU per challenge + confirmation", per_pair * 1e6, "µs", f"→ {2 / per_pair:,.0f}/s on 2 cores without PostgreSQL or client")  # fmt: skip
    p50, p99 = statistics.median(side.latencies), side.latencies[int(len(side.latencies) * 0.99)]
    note = f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, {side.count} confirmations, {in_flight}"
    figure(f"[{label}] card confirmations/s, server side (signed in advance)", side.count / side.confirm_seconds, "conf/s", note + _errors(side.errors))  # fmt: skip


def _errors(count: int) -> str:
    return f", {count} errors" if count else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument("--flows", type=int, default=8, help="confirmations in flight per client process")
    parser.add_argument("--batch", type=int, default=3000, help="pre-signed confirmations per client process")
    parser.add_argument("--routes", choices=("hot", "general", "both"), default="hot")
    parser.add_argument("--port", type=int, default=18767)
    args = parser.parse_args()
    print(server_description(), flush=True)
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    os.environ["ONSHI_PKI_DIR"] = str(PKI)
    with timed() as prepared:
        url = asyncio.run(population_database(args.persons))
        key = asyncio.run(bench_key(url))
        cards = asyncio.run(issue_cards(url, args.cards))
    figure(f"prepare ({len(cards)} cards issued or reused)", prepared[0], "s")
    card = CardFile.load(cards[0]).unlock_with_pin(PIN)
    with timed() as signing:
        for _ in range(200):
            card.sign(b"x" * 64)
    figure("client: RSA-2048 signature (on the same cores)", signing[0] / 200 * 1e6, "µs/sign")
    routes = ["general", "hot"] if args.routes == "both" else [args.routes]
    runs = [measure(r, url, key, cards, args, register=n == 0) for n, r in enumerate(routes)]
    for run in runs:
        report(run, args)
    print(f"load average after: {' '.join(f'{v:.2f}' for v in os.getloadavg())}", flush=True)
    if len(runs) == 2:
        general, hot = runs
        figure("hot / general, end to end", hot.end_to_end / general.end_to_end, "×")
        ratio = general.side.confirm_cpu / general.side.count / (hot.side.confirm_cpu / hot.side.count)
        figure("general / hot, server CPU per confirmation", ratio, "×")
        rate = hot.side.count / hot.side.confirm_seconds / (general.side.count / general.side.confirm_seconds)
        figure("hot / general, server side", rate, "×")
    last = runs[-1]
    figure(
        f"card confirmations/s, {last.routes} routes, server side (signed in advance)",
        last.side.count / last.side.confirm_seconds,
        "conf/s",
    )


if __name__ == "__main__":
    main()
