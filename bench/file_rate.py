"""Single confirmations through the terminal's file interface, files per second end to end:
OQSsiquc01req files dropped into `req` → the terminal agent (`onshi terminal run`, journal,
HTTP to central) → central (`onshi serve --workers W`, PostgreSQL) → OQSsiquc01res files
written atomically into `res`. One terminal, like one facility; its requests in flight are
`--concurrency`.

    python -m bench.file_rate [--persons 1000000] [--files 2000] [--workers 2] [--concurrency 8]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import _load
from bench._common import OUT, figure, server_description
from bench._population import BENCH_FACILITY, Person, bench_key, population_database, sample_people
from onshi import wire
from onshi.terminal.files import write_atomically

ROOT = OUT / "terminal"


def request_file(person: Person, n: int) -> bytes:
    insurer, symbol, number, branch, birthdate = person
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": time.strftime("%Y%m%d"),
            "MedicalInstitutionCode": BENCH_FACILITY.code.digits,
            "ArbitraryFileIdentifier": f"bench-{n}",
        },
        "MessageBody": {
            "QualificationConfirmSearchInfo": {
                "InsurerNumber": insurer,
                "InsuredCardSymbol": symbol or None,
                "InsuredIdentificationNumber": number,
                "InsuredBranchNumber": branch or None,
                "Birthdate": birthdate,
                "LimitApplicationCertificateRelatedConsFlg": "0",
            }
        },
    }
    return wire.to_xml(document, wire.MessageKind.SINGLE_INQUIRY_REQUEST, wire.SHIFT_JIS)


def start_terminal(port: int, key: str, concurrency: int) -> subprocess.Popen[bytes]:
    onshi = Path(sys.executable).with_name("onshi")
    command = [
        str(onshi), "terminal", "run", "--facility", BENCH_FACILITY.code.digits,
        "--central", f"http://127.0.0.1:{port}", "--api-key", key, "--root", str(ROOT),
        "--concurrency", str(concurrency),
    ]  # fmt: skip
    return subprocess.Popen(command, start_new_session=True, stderr=subprocess.DEVNULL)


def wait_for(folder: Path, count: int, timeout: float) -> float:
    """Seconds until `folder` holds `count` result files (raises after `timeout`)."""
    started = time.perf_counter()
    while sum(1 for p in folder.iterdir() if p.name.startswith("OQSsiquc01res_")) < count:
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"only some results arrived in {timeout} s")
        time.sleep(0.05)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--files", type=int, default=2000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--port", type=int, default=18768)
    args = parser.parse_args()
    print(server_description(), flush=True)
    url = asyncio.run(population_database(args.persons))
    key = asyncio.run(bench_key(url))
    people = asyncio.run(sample_people(url, args.files + 50, 17))
    shutil.rmtree(ROOT, ignore_errors=True)
    for name in ("req", "res", "face"):
        (ROOT / name).mkdir(parents=True)
    warm = [request_file(p, n) for n, p in enumerate(people[:50])]
    files = [request_file(p, n) for n, p in enumerate(people[50 : 50 + args.files])]
    server = _load.serve_onshi(url, args.workers, args.port)
    terminal = start_terminal(args.port, key, args.concurrency)
    try:
        for n, data in enumerate(warm):
            write_atomically(ROOT / "req" / f"OQSsiquc01req_warm{n:05d}.xml", data)
        wait_for(ROOT / "res", len(warm), 120)
        started = time.perf_counter()
        for n, data in enumerate(files):
            write_atomically(ROOT / "req" / f"OQSsiquc01req_bench{n:06d}.xml", data)
        dropped = time.perf_counter() - started
        elapsed = dropped + wait_for(ROOT / "res", len(warm) + len(files), 600)
        rss = _load.worker_rss_mb(server)
    finally:
        os.killpg(terminal.pid, 15)
        terminal.wait(timeout=30)
        _load.stop(server)
    results = [p for p in (ROOT / "res").iterdir() if "bench" in p.name]
    valid = sum(b"<QualificationValidity>1<" in p.read_bytes() for p in results)
    figure(f"drop {len(files):,} request files (write, fsync, rename)", dropped, "s")
    figure("results with QualificationValidity 1", valid, "files", f"of {len(results):,}")
    figure(f"peak RSS per server process, {args.workers} worker(s)", max(rss), "MB")
    figure(f"file interface end to end, {args.workers} worker(s), 1 terminal", len(files) / elapsed, "files/s",
           f"{elapsed:.1f} s, {args.concurrency} in flight")  # fmt: skip


if __name__ == "__main__":
    main()
