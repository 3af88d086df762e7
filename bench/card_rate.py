"""Card confirmations (My Number Card: challenge, signature, certificate chain, expiry and
revocation checks, the person's qualification) per second over HTTP against PostgreSQL.

Issues `--cards` emulated cards for registered people (once, kept under bench/out/cards),
registers each for insurance use, then drives `onshi serve --workers W` with client
processes that each keep `--flows` confirmations in flight: POST /api/v1/card/challenges,
sign the challenge with the card's RSA key, POST /api/v1/card/confirmations. The client signs
on the same two cores (RSA-2048 signing ≈ 1 ms), so besides the end-to-end rate the bench
prints the server's own CPU per confirmation (from /proc) and the rate the server's share of
two cores would carry without the client.

    python -m bench.card_rate [--persons 1000000] [--cards 200] [--seconds 10] [--workers 2]
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
from pathlib import Path

import orjson

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


async def issue_cards(url: str, count: int) -> list[Path]:
    """`count` cards of registered people with an address (issued once per population)."""
    folder = CARDS / url.rsplit("/", 1)[-1].split("?")[0]
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


async def confirm_once(client: KeepAlive, card: UnlockedCard, register: bool) -> tuple[int, bytes]:
    status, answer = await client.post_json("/api/v1/card/challenges")
    assert status == 200, answer
    challenge = orjson.loads(answer)["challenge"]
    flags = ConsentChoices().as_flags()
    code = BENCH_FACILITY.code.digits
    surface = surface_to_json(card.surface) if register else None
    signature = card.sign(auth_payload(challenge, code, flags, surface, "counter"))
    body = {
        "certificate": card.certificate_pem, "challenge": challenge, "consent": flags, "surface": surface,
        "signature": base64.b64encode(signature).decode(), "context": "counter",
    }  # fmt: skip
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--cards", type=int, default=200)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=2, help="load-generating processes")
    parser.add_argument("--flows", type=int, default=8, help="confirmations in flight per client process")
    parser.add_argument("--port", type=int, default=18767)
    args = parser.parse_args()
    print(server_description(), flush=True)
    os.environ["ONSHI_PKI_DIR"] = str(PKI)
    with timed() as prepared:
        url = asyncio.run(population_database(args.persons))
        key = asyncio.run(bench_key(url))
        cards = asyncio.run(issue_cards(url, args.cards))
    figure(f"prepare ({len(cards)} cards issued or reused)", prepared[0], "s")
    server = _load.serve_onshi(url, args.workers, args.port)
    try:

        async def register() -> None:  # first use for insurance: the linkage (not timed)
            client = KeepAlive(args.port, {"Authorization": f"Bearer {key}"})
            for path in cards:
                status, answer = await confirm_once(client, CardFile.load(path).unlock_with_pin(PIN), True)
                assert status == 200, answer
            await client.close()

        asyncio.run(register())
        drive(args.port, key, cards, args.clients, args.flows, 2)  # warm-up
        pids = _load.server_processes(server)
        before = _load.cpu_seconds(pids)
        count, elapsed, latencies, errors = drive(
            args.port, key, cards, args.clients, args.flows, args.seconds
        )
        server_cpu = _load.cpu_used(before, _load.cpu_seconds(pids))
        rss = _load.worker_rss_mb(server)
    finally:
        _load.stop(server)
    card = CardFile.load(cards[0]).unlock_with_pin(PIN)
    with timed() as signing:
        for _ in range(200):
            card.sign(b"x" * 64)
    per_cpu = server_cpu / max(1, count)
    p50, p99 = statistics.median(latencies), latencies[int(len(latencies) * 0.99)]
    figure("client: RSA-2048 signature (on the same cores)", signing[0] / 200 * 1e6, "µs/sign")
    figure("server CPU per card confirmation (challenge + confirm)", per_cpu * 1e6, "µs")
    figure("server capacity on 2 cores (no client, no PostgreSQL)", 2 / per_cpu, "conf/s")
    figure(f"peak RSS per server process, {args.workers} worker(s)", max(rss), "MB")
    note = f"p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms, {args.clients}×{args.flows} in flight"
    if errors:
        note += f", {errors} errors"
    figure(f"card confirmations/s end to end, {args.workers} worker(s)", count / elapsed, "conf/s", note)


if __name__ == "__main__":
    main()
