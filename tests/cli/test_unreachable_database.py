"""A database that is down is one clear line and exit status 3, not a driver traceback."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.central.conftest import free_port
from tests.cli.conftest import ONSHI


@pytest.mark.parametrize("command", [["stats", "adoption"], ["worker", "--until-idle"], ["db", "upgrade"]])
def test_an_unreachable_database_is_one_line(command: list[str]) -> None:
    url = f"postgresql+asyncpg://onshi:secret@127.0.0.1:{free_port()}/onshi"  # nothing listens there
    done = subprocess.run(
        [str(ONSHI), *command], capture_output=True, text=True, timeout=60,
        env={**os.environ, "ONSHI_DATABASE_URL": url, "COLUMNS": "300"},
    )  # fmt: skip
    assert done.returncode == 3, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("データベースに接続できません / cannot reach the database")
    assert "secret" not in done.stderr and "onshi:***@127.0.0.1" in done.stderr
