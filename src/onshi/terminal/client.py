"""The terminal's connection to central: mutual TLS with the facility's certificate."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import httpx

from onshi.terminal.emergency import EMERGENCY_PATH
from onshi.terminal.protocol import (
    CONNECTION_TEST_PATH,
    FILENAME_HEADER,
    REQUEST_ID_HEADER,
    REQUESTS_PATH,
    RESULT_FILENAME_HEADER,
)

POLL_TIMEOUT_SECONDS = 10  # a poll is small: as long as clients wait for any answer (domain.md §10)


class Unavailable(Exception):
    """Central could not answer now (unreachable, overloaded, failing): try again later."""


class Refused(Exception):
    """Central refused this terminal (certificate unknown, revoked, expired; facility suspended)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass(frozen=True, slots=True)
class Credentials:
    certificate: Path
    key: Path
    ca: Path  # the CA that signed central's server certificate (onshi's facility CA)

    def ssl_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(cafile=str(self.ca))
        context.load_cert_chain(str(self.certificate), str(self.key))
        return context


class CentralClient:
    def __init__(self, base_url: str, credentials: Credentials | None, api_key: str | None = None) -> None:
        verify: ssl.SSLContext | bool = credentials.ssl_context() if credentials else True
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._http = httpx.AsyncClient(base_url=base_url, verify=verify, headers=headers, timeout=30)

    async def close(self) -> None:
        await self._http.aclose()

    async def send(self, request_id: str, filename: str, content: bytes) -> tuple[str, bytes]:
        """The result file (name, bytes) for a request file. Raises Unavailable or Refused."""
        headers = {REQUEST_ID_HEADER: request_id, FILENAME_HEADER: quote(filename)}
        try:
            response = await self._http.post(REQUESTS_PATH, content=content, headers=headers)
        except (httpx.TransportError, ssl.SSLError) as error:
            raise Unavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code == 200:
            return unquote(response.headers[RESULT_FILENAME_HEADER]), response.content
        raise _failure(response)

    async def emergency(self) -> Any:
        """Central's word on the emergency function for this facility (JSON, see
        onshi.terminal.emergency). Raises Unavailable or Refused."""
        try:
            response = await self._http.get(EMERGENCY_PATH, timeout=POLL_TIMEOUT_SECONDS)
        except (httpx.TransportError, ssl.SSLError) as error:
            raise Unavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise _failure(response)
        try:
            return response.json()
        except ValueError as error:
            raise Unavailable(f"central's answer is not JSON: {error}") from error

    async def connection_test(self) -> Any:
        """接続確認: prove to central that this terminal's certificate reaches it (JSON answer).
        Raises Unavailable or Refused."""
        try:
            response = await self._http.post(CONNECTION_TEST_PATH, timeout=POLL_TIMEOUT_SECONDS)
        except (httpx.TransportError, ssl.SSLError) as error:
            raise Unavailable(f"{type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise _failure(response)
        return response.json()


def _failure(response: httpx.Response) -> Unavailable | Refused:
    if response.status_code >= 500 or response.status_code == 429:
        return Unavailable(f"central answered {response.status_code}")
    try:
        problem = response.json()["error"]
        code, message = str(problem["code"]), str(problem["message"])
    except (ValueError, KeyError, TypeError):
        code, message = "refused", response.text[:200]
    return Refused(response.status_code, code, message)
