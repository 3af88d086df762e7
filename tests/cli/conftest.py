"""Running `onshi` commands as users and scripts do: in this process through Click's runner
(the same Typer app, arguments, environment, output streams and exit codes, without ~2 s of
interpreter start per call), or as the real executable (`real_onshi`, and the tests that start
long-running commands with subprocess themselves)."""

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
    real_executable: bool = False

    def __call__(
        self, *args: str, check: bool | None = True, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        overrides = {"ONSHI_DATABASE_URL": self.database_url, "COLUMNS": "200", **(env or {})}
        if self.real_executable:
            result = subprocess.run(
                [str(ONSHI), *args],
                capture_output=True,
                text=True,
                env={**os.environ, **overrides},
                timeout=120,
            )
        else:
            result = _in_process(list(args), overrides)
        if check and result.returncode != 0:
            raise AssertionError(
                f"onshi {' '.join(args)} exited {result.returncode}\n{result.stdout}\n{result.stderr}"
            )
        return result


def _in_process(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The command through Click's runner; an unexpected exception fails the test (it would be a
    traceback for a user), it is never turned into an exit code."""
    from typer.testing import CliRunner

    from onshi.cli import _common, app

    for console in (_common.console, _common.errors):  # Rich reads COLUMNS once, at import
        console.width = int(env["COLUMNS"])
    outcome = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    return subprocess.CompletedProcess(["onshi", *args], outcome.exit_code, outcome.stdout, outcome.stderr)


@pytest.fixture
def onshi(database_url: str) -> Cli:
    return Cli(database_url)


@pytest.fixture
def real_onshi(database_url: str) -> Cli:
    return Cli(database_url, real_executable=True)
