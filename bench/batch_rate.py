"""Batch inquiry (一括照会) entries per second, end to end, against PostgreSQL.

With `onshi worker --processes W --concurrency C` running, as deployed, one receipt computer
uploads 10 OQSmuquc01req files of 10,000 entries through central's terminal route (real
HTTP) while another fetches each OQSmuquc02res as a receipt computer does: it sends the
download request, gets 処理中 (SegmentOfResult 2) until the batch is answered, and asks again
with a new request. `--sequential` runs the earlier shape instead: every upload, then the
workers started, every batch polled through the JSON API, then every download.
Beside it, in the same run, the floor: the same 100,000 card numbers looked up set-based by
raw asyncpg, 500 per query, with no decision, audit or result.

    python -m bench.batch_rate [--persons 1000000] [--files 10] [--workers 2] [--concurrency 1] [--sequential]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import asyncpg
import httpx

from bench._common import figure, server_description, timed
from bench._load import cpu_seconds, cpu_used, serve_onshi, server_processes, stop
from bench._population import BENCH_FACILITY, Person, bench_key, population_database, sample_people
from onshi import wire
from onshi.domain.batch import MAX_ENTRIES
from onshi.terminal.protocol import FILENAME_HEADER, REQUEST_ID_HEADER, REQUESTS_PATH


def upload_file(people: list[Person], number: int) -> bytes:
    entries = [
        {
            "InsurerNumber": insurer,
            "InsuredCardSymbol": symbol or None,
            "InsuredIdentificationNumber": card_number,
            "InsuredBranchNumber": branch or None,
            "Birthdate": birthdate,
            "LimitApplicationCertificateRelatedConsFlg": "0",
            "ArbitraryIdentifier": f"{number}-{index}",
        }
        for index, (insurer, symbol, card_number, branch, birthdate) in enumerate(people)
    ]
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": time.strftime("%Y%m%d"),
            "MedicalInstitutionCode": BENCH_FACILITY.code.digits,
            "ArbitraryFileIdentifier": f"bench-{number}",
        },
        "MessageBody": {"QualificationConfirmSearchInfo": entries},
    }
    return wire.to_xml(document, wire.MessageKind.BULK_INQUIRY_REQUEST, wire.SHIFT_JIS)


def send(client: httpx.Client, name: str, data: bytes) -> bytes:
    headers = {FILENAME_HEADER: quote(name), REQUEST_ID_HEADER: name.replace(".xml", "")}
    response = client.post(REQUESTS_PATH, content=data, headers=headers)
    response.raise_for_status()
    return response.content


def reception_number(receipt: bytes) -> str:
    body = wire.parse(receipt, wire.MessageKind.BULK_INQUIRY_RECEIPT).document["MessageBody"]
    return str(body["ReceptionNumber"])


def answered(result: bytes) -> bool:
    """Whether a downloaded OQSmuquc02res holds the results (SegmentOfResult 1), not 処理中;
    read from the header, at the start of the file, without parsing the 18 MB."""
    return b"<SegmentOfResult>1</SegmentOfResult>" in result[:4096]


def download_request(reception_number: str) -> bytes:
    document = {
        "MessageHeader": {"MedicalInstitutionCode": BENCH_FACILITY.code.digits},
        "MessageBody": {"ReceptionNumber": reception_number},
    }
    return wire.to_xml(document, wire.MessageKind.BULK_INQUIRY_DOWNLOAD_REQUEST)


def start_workers(url: str, processes: int, concurrency: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ONSHI_DATABASE_URL": url, "ONSHI_RATE_LIMIT": "0"}
    onshi = Path(sys.executable).with_name("onshi")
    command = [str(onshi), "worker", "--processes", str(processes), "--concurrency", str(concurrency)]
    return subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.DEVNULL)


def postgres_processes(url: str) -> list[int]:
    """The backends of the server at `url` when it is the bench's own cluster (else none):
    their CPU is the database's share of the work."""
    from bench import pg_cluster

    pid_file = pg_cluster.DATA / "postmaster.pid"
    if str(pg_cluster.SOCKET) not in url or not pid_file.exists():
        return []
    postmaster = int(pid_file.read_text().split()[0])
    children = Path(f"/proc/{postmaster}/task/{postmaster}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def stop_workers(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=60)


async def clear_previous_runs(url: str) -> None:
    """Forget the bench facility's earlier batches and terminal requests: the upload files are
    the same bytes every run (fixed sample), so a second run would get the first run's
    batches back as duplicates (and the stored results of its request ids) and answer nothing."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        code = BENCH_FACILITY.code.digits
        async with conn.transaction():
            await conn.execute(
                "DELETE FROM batch_chunks WHERE batch_id IN (SELECT id FROM batches WHERE facility_code = $1)",
                code,
            )
            await conn.execute("DELETE FROM batches WHERE facility_code = $1", code)
            await conn.execute("DELETE FROM terminal_request_claims WHERE facility_code = $1", code)
            await conn.execute("DELETE FROM terminal_requests WHERE facility_code = $1", code)
    finally:
        await conn.close()


async def raw_floor(url: str, people: list[Person]) -> float:
    """Seconds to look up every card number, 500 per query, by raw asyncpg on one connection."""
    dsn = url.replace("postgresql+asyncpg://", "postgresql://")
    conn = await asyncpg.connect(dsn)
    try:
        query = (
            "SELECT q.* FROM qualifications q JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(i, s, n) "
            "ON q.insurer_number = k.i AND q.symbol = k.s AND q.number = k.n"
        )
        start = time.perf_counter()
        for offset in range(0, len(people), 500):
            part = people[offset : offset + 500]
            await conn.fetch(query, [p[0] for p in part], [p[1] for p in part], [p[2] for p in part])
        return time.perf_counter() - start
    finally:
        await conn.close()


WORKER_START_SECONDS = 3.0  # `onshi worker` processes importing and connecting
POLL_SECONDS = 0.25
Timings = dict[str, float]
Run = tuple[Timings, list[bytes]]


def pipelined(client: dict[str, Any], files: list[bytes]) -> Run:
    """Uploads in one thread, downloads in this one as each batch is answered, in order
    (the workers are already running)."""
    numbers: queue.Queue[str] = queue.Queue()
    timings: Timings = {}
    started = time.perf_counter()

    def upload() -> None:
        with httpx.Client(**client) as uploader:
            for n, data in enumerate(files):
                numbers.put(reception_number(send(uploader, f"OQSmuquc01req_bench{n:04d}.xml", data)))
        timings[f"first upload → all {len(files)} uploaded"] = time.perf_counter() - started

    thread = threading.Thread(target=upload)
    thread.start()
    results: list[bytes] = []
    with httpx.Client(**client) as downloader:
        for n in range(len(files)):
            number = numbers.get(timeout=600)
            for attempt in range(100_000):  # a new request (file name, id) each time, as a terminal does
                result = send(
                    downloader, f"OQSmuquc02req_bench{n:04d}_{attempt}.xml", download_request(number)
                )
                if answered(result):
                    break
                time.sleep(POLL_SECONDS)
            results.append(result)
            if n == 0:
                timings["first upload → first result downloaded"] = time.perf_counter() - started
    thread.join()
    timings[f"first upload → all {len(files)} results downloaded"] = time.perf_counter() - started
    return timings, results


def sequential(client: dict[str, Any], files: list[bytes], start_workers: Callable[[], None]) -> Run:
    """Every upload; then the workers started and each batch polled through the JSON API;
    then every download."""
    timings: Timings = {}
    with httpx.Client(**client) as http:
        started = time.perf_counter()
        receipts = [send(http, f"OQSmuquc01req_bench{n:04d}.xml", data) for n, data in enumerate(files)]
        timings[f"first upload → all {len(files)} uploaded"] = time.perf_counter() - started
        numbers = [reception_number(receipt) for receipt in receipts]
        start_workers()
        for number in numbers:  # in upload order, which is the order workers take them
            while http.get(f"/api/v1/batches/{number}").json()["status"] != "done":
                time.sleep(POLL_SECONDS)
        timings["first upload → all answered (workers started after the uploads)"] = (
            time.perf_counter() - started
        )
        results = [
            send(http, f"OQSmuquc02req_bench{n:04d}.xml", download_request(number))
            for n, number in enumerate(numbers)
        ]
        timings[f"first upload → all {len(files)} results downloaded"] = time.perf_counter() - started
    return timings, results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=1, help="chunks at once per worker process")
    parser.add_argument("--port", type=int, default=18766)
    parser.add_argument("--sequential", action="store_true", help="upload all, then answer, then download")
    args = parser.parse_args()
    print(server_description(), flush=True)
    with timed() as prepared:
        url = asyncio.run(population_database(args.persons))
        key = asyncio.run(bench_key(url))
        chosen = asyncio.run(sample_people(url, args.files * MAX_ENTRIES, 11))
    random.Random(11).shuffle(chosen)
    figure(f"prepare ({args.persons:,} persons, loaded once and kept)", prepared[0], "s")
    files = [upload_file(chosen[n * MAX_ENTRIES : (n + 1) * MAX_ENTRIES], n) for n in range(args.files)]
    total = sum(min(MAX_ENTRIES, len(chosen) - n * MAX_ENTRIES) for n in range(args.files))
    floor = asyncio.run(raw_floor(url, chosen[:total]))
    asyncio.run(clear_previous_runs(url))
    central = serve_onshi(url, 1, args.port)
    central_before = cpu_seconds(server_processes(central))
    database_before = cpu_seconds(postgres_processes(url))
    workers: list[subprocess.Popen[bytes]] = []  # started here or, --sequential, mid-run
    cpu: dict[str, float] = {}
    client = {"base_url": f"http://127.0.0.1:{args.port}", "headers": {"Authorization": f"Bearer {key}"},
              "timeout": 120}  # fmt: skip

    def start() -> None:
        workers.append(start_workers(url, args.workers, args.concurrency))

    try:
        if args.sequential:
            timings, results = sequential(client, files, start)
        else:  # running before the first upload, as deployed
            start()
            time.sleep(WORKER_START_SECONDS)
            timings, results = pipelined(client, files)
        # CPU seconds each part used (a shared machine stretches wall time, not these).
        cpu["workers"] = sum(cpu_seconds(server_processes(workers[0])).values())
        cpu["central"] = cpu_used(central_before, cpu_seconds(server_processes(central)))
        backends = cpu_seconds(postgres_processes(url))  # the workers' connected after the start
        cpu["PostgreSQL backends"] = sum(t - database_before.get(pid, 0.0) for pid, t in backends.items())
    finally:
        for process in workers:
            stop_workers(process)
        stop(central)
    units = sum(len(wire.parse(r, wire.MessageKind.BULK_INQUIRY_RESULT).document["MessageBody"]["BulkConfirmUnit"])
                for r in results)  # fmt: skip
    assert units == total, (units, total)
    shape = "sequential" if args.sequential else "pipelined"
    figure(
        f"{shape}: {args.workers} worker process(es) × {args.concurrency} chunks at once", total, "entries"
    )
    figure("raw set-based lookup of the same keys (floor)", total / floor, "entries/s", f"{floor:.2f} s")
    for label, seconds in timings.items():
        figure(label, seconds, "s")
    finished = timings[f"first upload → all {args.files} results downloaded"]
    for part, seconds in cpu.items():
        figure(f"CPU of {part} per entry", seconds / total * 1e6, "µs", f"{seconds:.1f} s in all")
    figure(f"batch inquiry end to end, {args.workers} worker(s)", total / finished, "entries/s",
           f"ratio to floor {total / finished / (total / floor):.0%}")  # fmt: skip


if __name__ == "__main__":
    main()
