"""schemathesis over central's OpenAPI: whatever the generated input, no 5xx (issue 8)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveCentral, dict[str, str]]]:
    from onshi.store.engine import DatabaseUrl
    from onshi.store.migrate import upgrade

    folder: Path = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder / 'onshi.db'}"
    upgrade(DatabaseUrl.parse(url))
    port = free_port()
    settings_ = Settings(database_url=url, pool_size=4, pki_dir=folder / "pki", rate_limit_per_second=0)
    server = start_uvicorn(create_app(settings_), port)
    central = LiveCentral(f"http://127.0.0.1:{port}", url)
    try:
        keys = {
            "facility": central.facility_key("1310000017"),
            "operator": central.key(ActorKind.OPERATOR, "ops"),
        }
        yield central, keys
    finally:
        stop_uvicorn(server)


def test_no_server_errors(live: tuple[LiveCentral, dict[str, str]]) -> None:
    """Every operation of the OpenAPI, with generated paths, queries and bodies (schemathesis's
    strategies driven by hypothesis here: its pytest plugin does not support this pytest)."""
    central, keys = live
    api = schemathesis.openapi.from_url(f"{central.url}/openapi.json")
    operations = [result.ok() for result in api.get_all_operations()]
    assert len(operations) > 25
    failures: list[str] = []
    calls = sum(_fuzz(operation, central.url, keys, failures) for operation in operations)
    assert calls > 10 * len(operations)
    assert failures == []


def _fuzz(operation: Any, base_url: str, keys: dict[str, str], failures: list[str]) -> int:
    """Call one operation with generated cases; 5xx answers go to `failures`. Returns the calls made."""
    role = "operator" if "/operator/" in operation.path or "/insurer/" in operation.path else "facility"
    headers = {"Authorization": f"Bearer {keys[role]}"}
    calls = 0

    @given(case=operation.as_strategy())
    @settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def call(case: Any) -> None:
        nonlocal calls
        response = case.call(base_url=base_url, headers=headers)
        calls += 1
        if response.status_code >= 500:
            failures.append(
                f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:200]}"
            )

    call()
    return calls
