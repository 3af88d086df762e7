"""Running the real `onshi` executable, as users and scripts do."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.terminal.conftest import tls_central  # noqa: F401 — CLI tests against a mutual-TLS central

ONSHI = Path(sys.executable).with_name("onshi")


@dataclass
class Cli:
    database_url: str

    def __call__(
        self, *args: str, check: bool | None = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        environment = {**os.environ, "ONSHI_DATABASE_URL": self.database_url, "COLUMNS": "200", **(env or {})}
        result = subprocess.run(
            [str(ONSHI), *args], capture_output=True, text=True, env=environment, timeout=120
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"onshi {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        return result


@pytest.fixture
def onshi(database_url: str) -> Cli:
    return Cli(database_url)
