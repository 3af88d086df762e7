"""A scratch PostgreSQL cluster tuned like the one perf-limits.md measured its ceilings on.

The benchmarks compare onshi with the machine's limits, so both must run on the same
server settings. `python -m bench.pg_cluster start|stop|url` manages a cluster under
bench/out/pg (initdb as the `postgres` user, port 5433, unix socket only); `make bench`
starts it and points the benchmarks at it. Without it (ONSHI_BENCH_PG unset) the benchmarks
use the machine's stock PostgreSQL on 5432, which is slower at bulk work (small WAL).
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).with_name("out") / "pg"
DATA = ROOT / "data"
SOCKET = ROOT / "sock"
PORT = 5433
SETTINGS = {  # perf-limits.md, "PostgreSQL setup"
    "shared_buffers": "4GB",
    "effective_cache_size": "16GB",
    "maintenance_work_mem": "2GB",
    "max_wal_size": "16GB",
    "checkpoint_timeout": "30min",
    "wal_buffers": "64MB",
    "random_page_cost": "1.1",
    "jit": "off",
    "listen_addresses": "''",
    "port": str(PORT),
    "unix_socket_directories": f"'{SOCKET}'",
    "max_connections": "200",
}


def _bin(name: str) -> str:
    found = shutil.which(name) or next(
        iter(sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))[-1:]), None
    )
    if not found:
        raise SystemExit(f"{name} not found: install PostgreSQL's server package")
    return found


def _as_postgres(*command: str) -> None:
    prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*prefix, *command], check=True, capture_output=True)


def _owned_by_postgres(path: Path) -> None:
    if os.geteuid() == 0:
        shutil.chown(path, "postgres", "postgres")


def start() -> str:
    for path in (ROOT, SOCKET):
        path.mkdir(parents=True, exist_ok=True)
        _owned_by_postgres(path)
    if not (DATA / "PG_VERSION").exists():
        _as_postgres(_bin("initdb"), "-D", str(DATA), "-U", "postgres", "--auth=trust", "--locale=C.UTF-8")
        with (DATA / "postgresql.conf").open("a") as conf:
            conf.writelines(f"{name} = {value}\n" for name, value in SETTINGS.items())
    if not (DATA / "postmaster.pid").exists():
        _as_postgres(_bin("pg_ctl"), "-D", str(DATA), "-l", str(ROOT / "log"), "-w", "start")
    return url()


def stop() -> None:
    if (DATA / "postmaster.pid").exists():
        _as_postgres(_bin("pg_ctl"), "-D", str(DATA), "-w", "stop", "-m", "fast")


def url(name: str = "{name}") -> str:
    return f"postgresql://postgres@/{name}?host={SOCKET}&port={PORT}"


def admin_url() -> str:
    return url("postgres")


if __name__ == "__main__":
    action = sys.argv[1] if len(sys.argv) > 1 else "start"
    if action == "start":
        start()
        print(url())
    elif action == "stop":
        stop()
    else:
        print(url())
