"""The connection test (接続確認): `POST /api/v1/terminal/connection-test`, called by the terminal
(`onshi terminal test`) with the facility's certificate over mutual TLS. Central records the test
and, for a facility whose certificate was issued through the portal, the `connected` milestone.
An API key is not enough: the test is that the certificate works."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from onshi.central.auth import AuthRefused, Refusal, authenticate
from onshi.central.responses import json_response
from onshi.central.tls import client_certificate_der
from onshi.domain.actors import ActorKind, Channel
from onshi.portal.views import central_of
from onshi.security.facility_ca import fingerprint_der
from onshi.services import portal_onboarding
from onshi.store import certificates
from onshi.terminal.protocol import CONNECTION_TEST_PATH

router = APIRouter(tags=["terminal"])
CERTIFICATE_REQUIRED = Refusal(
    403, "certificate_required", "接続確認は電子証明書（相互TLS）で行います。資格確認端末から実行してください"
)


@router.post(CONNECTION_TEST_PATH, summary="接続確認（資格確認端末の電子証明書で、相互TLS）")
async def connection_test(request: Request) -> Response:
    central = central_of(request)
    actor = await authenticate(
        central, request, frozenset({ActorKind.FACILITY}), portal_onboarding.CONNECTION_ACTION
    )
    der = client_certificate_der(request)
    if actor.channel is not Channel.TERMINAL or der is None:
        raise AuthRefused(CERTIFICATE_REQUIRED)
    async with central.db.read() as conn:
        found = await certificates.by_fingerprint(conn, fingerprint_der(der))
    assert found is not None  # authenticate() looked it up
    outcome = await portal_onboarding.connection_test(central.db, actor, found.serial)
    return json_response(
        {
            "facility_code": outcome.facility_code,
            "certificate_serial": outcome.serial,
            "stage": outcome.stage.value if outcome.stage else None,
            "connected": outcome.connected,
            "message": outcome.note_ja,
        }
    )
