"""Every setting onshi reads from the environment, in one place.

ONSHI_DATABASE_URL  database URL; default the embedded SQLite file ./onshi.db.
                    PostgreSQL: postgresql://user@host:5432/db (driver chosen by onshi).
ONSHI_DB_POOL_SIZE  connections per server worker process (default 8).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DATABASE_URL = "sqlite:///onshi.db"


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str
    pool_size: int

    @classmethod
    def from_env(cls) -> Settings:
        return cls(
            database_url=os.environ.get("ONSHI_DATABASE_URL") or DEFAULT_DATABASE_URL,
            pool_size=int(os.environ.get("ONSHI_DB_POOL_SIZE", "8")),
        )
