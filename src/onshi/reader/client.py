"""The reader's connection to central: challenges and card confirmations over HTTPS.

Credentials: the facility's terminal certificate for mutual TLS (`--cert`, `--key-file`,
`--ca`, as the terminal uses), or its API key; or both.
"""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from onshi.card.protocol import REGISTERED_HEADER

TIMEOUT_SECONDS = 10.0  # what clients of the real system use (domain.md §10)


class CentralUnreachable(Exception):
    """No answer, or an answer that is not a result: eligibility was NOT checked."""


class CredentialsRefused(Exception):
    """Central refused the facility's credentials (API key or certificate)."""


@dataclass(frozen=True, slots=True)
class Challenge:
    nonce: str
    facility_code: str


@dataclass(frozen=True, slots=True)
class Answer:
    status: int
    document: dict[str, Any]  # the content of XmlMsg
    registered: bool  # this use registered the card for insurance use


@dataclass(frozen=True, slots=True)
class CentralClient:
    url: str
    api_key: str | None = None
    cert: Path | None = None
    key_file: Path | None = None
    ca: Path | None = None
    transport: httpx.BaseTransport | None = None  # tests may inject one

    def _verify(self) -> ssl.SSLContext | bool:
        """Mutual TLS when a client certificate is given; a private CA bundle when `ca` is."""
        if self.cert is None and self.ca is None:
            return True
        context = ssl.create_default_context(cafile=str(self.ca) if self.ca else None)
        if self.cert is not None:
            context.load_cert_chain(str(self.cert), str(self.key_file) if self.key_file else None)
        return context

    def _client(self) -> httpx.Client:
        try:
            verify = self._verify()
        except (OSError, ssl.SSLError) as error:
            raise CentralUnreachable(f"TLSの設定を読み込めません: {error}") from None
        headers = {"Accept": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        return httpx.Client(
            base_url=self.url.rstrip("/"),
            headers=headers,
            timeout=TIMEOUT_SECONDS,
            verify=verify,
            transport=self.transport,
        )

    def _post(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        try:
            with self._client() as client:
                response = client.post(path, json=body if body is not None else {})
        except (httpx.HTTPError, ssl.SSLError) as error:
            raise CentralUnreachable(f"{type(error).__name__}: {error}") from None
        if response.status_code in (401, 403) and "error" in _json(response):
            raise CredentialsRefused(f"{response.status_code}: {response.text}")
        return response

    def challenge(self) -> Challenge:
        response = self._post("/api/v1/card/challenges")
        data = _json(response)
        if response.status_code != 200 or "challenge" not in data:
            raise CentralUnreachable(f"no challenge ({response.status_code}): {response.text[:200]}")
        return Challenge(str(data["challenge"]), str(data["facility_code"]))

    def confirm(self, body: dict[str, Any]) -> Answer:
        response = self._post("/api/v1/card/confirmations", body)
        data = _json(response)
        if "XmlMsg" not in data:
            raise CentralUnreachable(f"no result ({response.status_code}): {response.text[:200]}")
        registered = response.headers.get(REGISTERED_HEADER) == "1"
        return Answer(response.status_code, data["XmlMsg"], registered)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
