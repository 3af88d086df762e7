"""Servers under load: start `onshi serve` or the minimal reference app, drive them with wrk
(bounded in time, aimed at 127.0.0.1 only), run pgbench, read each server process's peak RSS.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench._common import ensure_tool

HERE = Path(__file__).parent
LUA = HERE / "confirm.lua"
FIXED_LUA = HERE / "fixed.lua"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Load:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int  # socket errors and non-2xx answers

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def note(self, connections: int) -> str:
        text = f"p50 {self.p50_ms:.1f} ms, p99 {self.p99_ms:.1f} ms, c={connections}"
        return text + (f", {self.errors} errors" if self.errors else "")


def _wait_ready(process: subprocess.Popen[bytes], url: str) -> None:
    deadline = time.monotonic() + 180  # workers start slowly on a busy machine
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    stop(process)
    raise SystemExit(f"server at {url} did not start")


def serve_onshi(database_url: str, workers: int, port: int, pool_size: int = 4) -> subprocess.Popen[bytes]:
    """`onshi serve --workers N` (rate limits off: one bench clinic sends everything)."""
    env = {
        **os.environ,
        "ONSHI_DATABASE_URL": database_url,
        "ONSHI_DB_POOL_SIZE": str(pool_size),
        "ONSHI_RATE_LIMIT": "0",
    }
    onshi = Path(sys.executable).with_name("onshi")
    command = [str(onshi), "serve", "--port", str(port), "--workers", str(workers)]
    process = subprocess.Popen(command, env=env, start_new_session=True, stderr=subprocess.DEVNULL)
    _wait_ready(process, f"http://{HOST}:{port}/healthz")
    return process


def serve_minimal(database_url: str, workers: int, port: int, pool_size: int = 4) -> subprocess.Popen[bytes]:
    """The reference: Starlette + asyncpg, one indexed point query, JSON out (bench.minimal_app),
    under the same uvicorn settings as `onshi serve`."""
    env = {**os.environ, "BENCH_DSN": database_url, "BENCH_POOL_SIZE": str(pool_size)}
    command = [
        sys.executable, "-m", "uvicorn", "bench.minimal_app:app", "--host", HOST, "--port", str(port),
        "--workers", str(workers), "--loop", "uvloop", "--http", "httptools", "--no-access-log",
        "--log-level", "warning", "--timeout-worker-healthcheck", "60",  # as `onshi serve` does
    ]  # fmt: skip
    process = subprocess.Popen(command, env=env, start_new_session=True, cwd=HERE.parent)
    _wait_ready(process, f"http://{HOST}:{port}/healthz")
    return process


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def server_processes(process: subprocess.Popen[bytes]) -> list[int]:
    """The pids of a server and its worker processes (uvicorn's supervisor and children)."""
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    if children.exists():
        pids += [int(pid) for pid in children.read_text().split()]
    return pids


def peak_rss_mb(pid: int) -> float:
    """VmHWM: the process's peak resident set so far, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_rss_mb(process: subprocess.Popen[bytes]) -> list[float]:
    """Peak RSS of each worker process (the supervisor too when it serves itself: 1 worker)."""
    pids = server_processes(process)
    workers = pids[1:] or pids
    return [peak_rss_mb(pid) for pid in workers]


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time each live process used so far (pids that ended are left out)."""
    ticks = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return found


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds between two `cpu_seconds` readings, over the processes alive at both."""
    return sum(after[pid] - before[pid] for pid in before.keys() & after.keys())


def wrk(url: str, seconds: int, connections: int, script: Path, *script_args: str) -> Load:
    command = [
        ensure_tool("wrk", "wrk"), "-t1", f"-c{connections}", f"-d{seconds}s", "--timeout", "5s",
        "-s", str(script), url, "--", *script_args,
    ]  # fmt: skip
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=seconds + 60).stdout
    result = json.loads(output.strip().splitlines()[-1])
    return Load(
        result["requests"],
        result["duration_us"] / 1e6,
        result["p50_us"] / 1000,
        result["p99_us"] / 1000,
        result["socket_errors"] + result["non2xx"],
    )


def pgbench_point_lookups(
    database_url: str, keys: list[tuple[str, str, str]], seconds: int, clients: int
) -> float:
    """pgbench select-only style on the qualifications table: prepared point lookups by card
    number, one random key per transaction (one script per key: pgbench has no key file)."""
    pgbench = ensure_tool("pgbench", "postgresql")
    with tempfile.TemporaryDirectory() as scratch:
        scripts = []
        for n, (insurer, symbol, number) in enumerate(keys[:100]):  # pgbench takes up to 128 scripts
            path = Path(scratch) / f"k{n}.sql"
            path.write_text(
                "SELECT * FROM qualifications WHERE insurer_number = "
                f"'{insurer}' AND symbol = '{symbol}' AND number = '{number}';\n"
            )
            scripts += ["-f", str(path)]
        command = [
            pgbench, "-n", "-M", "prepared", "-c", str(clients), "-j", "2", "-T", str(seconds), *scripts,
            database_url.replace("postgresql+asyncpg://", "postgresql://"),
        ]  # fmt: skip
        output = subprocess.run(
            command, capture_output=True, text=True, check=True, timeout=seconds + 60
        ).stdout
    for line in output.splitlines():
        if line.startswith("tps = "):
            return float(line.split()[2])
    raise SystemExit(f"pgbench printed no tps:\n{output}")
