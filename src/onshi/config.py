"""Every setting onshi reads from the environment, in one place.

ONSHI_DATABASE_URL  database URL; default the embedded SQLite file ./onshi.db.
                    PostgreSQL: postgresql://user@host:5432/db (driver chosen by onshi).
ONSHI_DB_POOL_SIZE  connections per pool in each server worker process (default 8); on PostgreSQL a
                    worker has two pools, SQLAlchemy's and the hot path's raw asyncpg one
                    (docs/scaling.md, "Connection pooling").
ONSHI_PKI_DIR       where central keeps its certificate authorities: the facility CA that
                    issues terminals' client certificates (mutual TLS) and the emulated
                    J-LIS CA of My Number Cards; default ./pki. Private keys stay here.
ONSHI_RATE_LIMIT    requests per second per caller (facility, insurer or operator key) in each
                    server worker; default 100, burst twice that; 0 turns limits off (benchmarks).
ONSHI_HOT_PATH      1 (default): on PostgreSQL, plain single confirmations take the raw asyncpg
                    hot path (onshi.central.hot_path); 0 sends every request through the general
                    routes (same answers; for comparing the two).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DATABASE_URL = "sqlite:///onshi.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    pool_size: int
    pki_dir: Path = field(default=Path("pki"))
    rate_limit_per_second: float = 100.0
    hot_path: bool = True

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("ONSHI_DATABASE_URL") or DEFAULT_DATABASE_URL,
            pool_size=int(os.environ.get("ONSHI_DB_POOL_SIZE", "8")),
            pki_dir=Path(os.environ.get("ONSHI_PKI_DIR") or "pki"),
            rate_limit_per_second=float(os.environ.get("ONSHI_RATE_LIMIT", "100")),
            hot_path=os.environ.get("ONSHI_HOT_PATH", "1") != "0",
        )

    @property
    def facility_ca_dir(self) -> Path:
        return self.pki_dir / "facility-ca"

    @property
    def jlis_dir(self) -> Path:
        return self.pki_dir / "jlis"
