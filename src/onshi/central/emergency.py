"""The emergency function (緊急時資格確認機能): the operator's switch and the terminals' view of it.

Operator API (operator keys only; switching is audited, refused attempts too):

* `POST /api/v1/operator/emergency` — body `{"scope": "facility" | "prefecture", "target":
  "1310000017" | "13", "reason": "…"}`; 201 with the switch, or 200 with the target's switch
  that is already on. Bad scope, target or reason: 422.
* `POST /api/v1/operator/emergency/{id}/off` — 200 with the switch; 404 unknown; 409 already off.
* `GET /api/v1/operator/emergency` — the switches that are on; `?all=true` for the history.

Terminal API (the facility's terminal, mutual TLS or a facility key):

* `GET /api/v1/terminal/emergency` — `{"active", "switch_id", "scope", "since", "reason"}` for
  the caller's facility. Polled, so not audited.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field, ValidationError
from starlette.responses import Response

from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.responses import RowId, json_response, problem
from onshi.domain.actors import ActorKind
from onshi.domain.emergency import Switch
from onshi.domain.errors import InvalidValue
from onshi.services import emergency
from onshi.terminal.emergency import EMERGENCY_PATH

router = APIRouter(tags=["emergency"])
OPERATOR = frozenset({ActorKind.OPERATOR})
FACILITY = frozenset({ActorKind.FACILITY})
SWITCHES_PATH = "/api/v1/operator/emergency"


class SwitchBody(BaseModel):
    scope: str = Field(max_length=16, description="facility（医療機関等）/ prefecture（都道府県）")
    target: str = Field(max_length=16, description="10-digit 医療機関等コード or 2-digit 都道府県番号")
    reason: str = Field(max_length=2000, description="理由 (shown to terminals and kept in the audit)")


@router.post(
    SWITCHES_PATH,
    summary="緊急時資格確認機能を有効にする（医療機関等・都道府県単位）",
    openapi_extra={
        "requestBody": {
            "content": {"application/json": {"schema": SwitchBody.model_json_schema()}},
            "required": True,
        }
    },
)
async def switch_on(request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, OPERATOR, emergency.ON_ACTION)
    # Read after authentication, so a caller without the right learns nothing from a 422.
    try:
        body = SwitchBody.model_validate_json(await request.body())
    except ValidationError as error:
        return problem(422, "invalid_body", f"scope・target・reason が必要です（{_first(error)}）")
    try:
        switched = await emergency.switch_on(central.db, actor, body.scope, body.target, body.reason)
    except InvalidValue as error:
        return problem(422, f"invalid_{error.field}", f"{error.message_ja} ({error.message_en})")
    content = {**switch_json(switched.switch), "already_on": not switched.created}
    return json_response(content, 201 if switched.created else 200)


@router.post(SWITCHES_PATH + "/{switch_id}/off", summary="緊急時資格確認機能を解除する")
async def switch_off(switch_id: RowId, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, OPERATOR, emergency.OFF_ACTION)
    try:
        switch = await emergency.switch_off(central.db, actor, switch_id)
    except emergency.AlreadyOff as off:
        when = off.switch.switched_off_at
        since = f"{when.isoformat(timespec='seconds')} に" if when else ""
        return problem(409, "already_off", f"#{switch_id} は{since}既に解除されています")
    if switch is None:
        return problem(404, "unknown_switch", f"#{switch_id} の緊急時資格確認機能の記録はありません")
    return json_response(switch_json(switch))


@router.get(SWITCHES_PATH, summary="緊急時資格確認機能の一覧（有効なもの／?all=true で履歴）")
async def list_switches(request: Request, history: bool = Query(False, alias="all")) -> Response:
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)
    switches = await emergency.listing(central.db, include_off=history)
    return json_response({"switches": [switch_json(s) for s in switches]})


@router.get(EMERGENCY_PATH, summary="端末: この医療機関等で緊急時資格確認機能が有効か")
async def terminal_state(request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, None)
    switch = await emergency.in_force_for(central.db, actor.id)
    if switch is None:
        return json_response(
            {"active": False, "switch_id": None, "scope": None, "since": None, "reason": None}
        )
    return json_response(
        {
            "active": True,
            "switch_id": switch.id,
            "scope": switch.scope.value,
            "since": switch.switched_on_at.isoformat(timespec="seconds"),
            "reason": switch.reason,
        }
    )


def switch_json(switch: Switch) -> dict[str, Any]:
    off = switch.switched_off_at
    return {
        "id": switch.id,
        "scope": switch.scope.value,
        "target": switch.target,
        "reason": switch.reason,
        "active": switch.is_on,
        "switched_on_at": switch.switched_on_at.isoformat(timespec="seconds"),
        "switched_on_by": switch.switched_on_by,
        "switched_off_at": off.isoformat(timespec="seconds") if off else None,
        "switched_off_by": switch.switched_off_by,
    }


def _first(error: ValidationError) -> str:
    detail = error.errors()[0]
    where = ".".join(str(part) for part in detail["loc"]) or "body"
    return f"{where}: {detail['msg']}"
