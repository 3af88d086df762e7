"""Central over real HTTPS with client-certificate checks, and terminal agents in-process."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from onshi.central.app import create_app
from onshi.central.tls import ClientCertificateProtocol, server_ssl_options
from onshi.config import Settings
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.security.facility_ca import FacilityCA
from onshi.services import facility_certificates
from onshi.store import facilities
from onshi.store.database import Database
from onshi.terminal.client import Credentials
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.factories import feed_row
from tests.services.test_insurer_import import load

FACILITY = "1310000017"


@dataclass
class TlsCentral(LiveCentral):
    settings: Settings
    port: int
    ssl: dict[str, object]

    def credentials(self, out: Path, code: str = FACILITY, days: int = 30, **extra: object) -> Credentials:
        async def work(database: Database) -> None:
            await facility_certificates.issue(
                database, self.settings.facility_ca_dir, FacilityCode.parse(code), out, days, **extra
            )

        self.run(work)
        return Credentials(out / "terminal.crt", out / "terminal.key", out / "ca.crt")


def start_server(app: object, port: int, ssl: dict[str, object]) -> uvicorn.Server:
    return start_uvicorn(app, port, http=ClientCertificateProtocol, **ssl)


def stop_server(server: uvicorn.Server) -> None:
    stop_uvicorn(server)


def prepare(settings: Settings, database_url: str, tmp: Path) -> dict[str, object]:
    async def work() -> None:
        database = Database.open(database_url, pool_size=2)
        try:
            async with database.write() as conn:
                await facilities.save(
                    conn,
                    [Facility(FacilityCode.parse(FACILITY), "テスト診療所", FacilityType.MEDICAL_CLINIC)],
                )
            await load(
                database,
                [feed_row(), feed_row(insured_identification_number="457", disqualification_date="20240401")],
            )
        finally:
            await database.close()

    asyncio.run(work())
    cert, key, _ = facility_certificates.server_credentials(
        settings.facility_ca_dir, tmp / "server", ("127.0.0.1",)
    )
    return server_ssl_options(
        str(cert), str(key), str(FacilityCA.open(settings.facility_ca_dir).certificate_path)
    )


@pytest.fixture
def tls_central(database_url: str, tmp_path: Path) -> Iterator[TlsCentral]:
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    ssl = prepare(settings, database_url, tmp_path)
    port = free_port()
    server = start_server(create_app(settings), port, ssl)
    live = TlsCentral(f"https://127.0.0.1:{port}", database_url, settings, port, ssl)
    try:
        yield live
    finally:
        stop_server(server)
