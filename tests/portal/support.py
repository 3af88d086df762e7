"""Helpers of the portal tests: a portal client over central's HTTPS, accounts and keys."""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import Any

import httpx

from onshi.domain.actors import ActorKind
from onshi.terminal.client import CentralClient, Credentials
from tests.terminal.conftest import TlsCentral

PASSWORD = "kakunin-2024"
CLINIC_FORM = {
    "facility_code": "1311234567", "name": "さくら内科クリニック", "facility_type": "medical_clinic",
    "email": "office@sakura.example", "password": PASSWORD,
}  # fmt: skip
CARD_READER = {
    "kind": "card_reader",
    "readers": "1",
    "model": "model_a",
    "contact_name": "佐藤 花子",
    "phone": "03-1234-5678",
}
USAGE = {
    "kind": "usage", "representative": "桜井 一郎", "contact_name": "佐藤 花子", "phone": "03-1234-5678",
    "email": "office@sakura.example", "vendor": "さくらシステム株式会社", "online_claims": True,
}  # fmt: skip
CERTIFICATE = {"kind": "certificate", "contact_name": "佐藤 花子", "terminal_place": "受付"}


def client(central: TlsCentral, token: str | None = None) -> httpx.Client:
    """HTTPS to central, trusting the facility CA that signed its server certificate."""
    verify = ssl.create_default_context(cafile=str(central.settings.facility_ca_dir / "ca.crt"))
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=central.url, verify=verify, headers=headers, timeout=15)


def sign_in(central: TlsCentral, role: str, login: str, password: str) -> str:
    with client(central) as http:
        answer = http.post(
            "/api/v1/portal/sessions", json={"role": role, "login": login, "password": password}
        )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["token"])


def operator_token(central: TlsCentral, name: str = "shiharai") -> str:
    return sign_in(central, "operator", name, central.key(ActorKind.OPERATOR, name))


def approve_pending(central: TlsCentral, operator: str, kind: str) -> dict[str, Any]:
    with client(central, operator) as http:
        pending = http.get("/api/v1/portal/applications", params={"kind": kind}).json()["applications"]
        assert len(pending) == 1, pending
        answer = http.post(f"/api/v1/portal/applications/{pending[0]['id']}/approve")
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def write_credentials(folder: Path, download: dict[str, Any]) -> Credentials:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "terminal.crt").write_text(download["certificate_pem"])
    (folder / "terminal.key").write_text(download["private_key_pem"])
    (folder / "ca.crt").write_text(download["ca_pem"])
    return Credentials(folder / "terminal.crt", folder / "terminal.key", folder / "ca.crt")


def connection_test(central: TlsCentral, credentials: Credentials) -> Any:
    async def main() -> Any:
        terminal = CentralClient(central.url, credentials)
        try:
            return await terminal.connection_test()
        finally:
            await terminal.close()

    return asyncio.run(main())
