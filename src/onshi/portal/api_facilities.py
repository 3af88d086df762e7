"""The portal's JSON API for facilities and corporations (docs/portal.md):

* doors: `POST /api/v1/portal/accounts` (アカウント登録), `POST /api/v1/portal/sessions` (sign-in →
  bearer token), `POST /api/v1/portal/logout`;
* `GET /api/v1/portal/facilities[?stage=]`, `GET /api/v1/portal/facilities/{code}`;
* `POST …/{code}/applications` (`{"kind": "card_reader"|"usage"|"certificate", …fields}`),
  `POST …/{code}/certificate` (the approved certificate and its key, once),
  `POST …/{code}/certificates/renew`, `POST …/{code}/certificates/{serial}/revoke`,
  `POST …/{code}/operation-start`, `POST …/{code}/notifications`, `POST …/{code}/survey`,
  `POST …/{code}/subsidies/check`, `POST …/{code}/subsidies`;
* `POST /api/v1/portal/bulk/{feed}` (一括申請, a CSV body).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi.central.auth import presented_key
from onshi.central.csv_upload import CSV_BODY, receive_feed
from onshi.central.responses import json_response, problem
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import format_wire_datetime, now_jst, parse_flexible_date
from onshi.domain.portal.onboarding import Application, Stage
from onshi.domain.portal.registration import read_registration
from onshi.domain.portal.roles import Permission, Role
from onshi.feeds.portal_csv import FEEDS, FeedFormatError
from onshi.portal import documents
from onshi.portal.auth import api_principal
from onshi.portal.errors import answered
from onshi.portal.views import central_of
from onshi.services import portal_accounts, portal_bulk, portal_filings, portal_onboarding, portal_subsidies
from onshi.services import portal_views as views
from onshi.services.insurer_import import ImportReport
from onshi.store.portal_accounts import SESSION_PREFIX

router = APIRouter(prefix="/api/v1/portal", tags=["portal"])
Code = Annotated[str, Path(pattern=r"^[0-9]{10}$", description="医療機関等コード (10 digits)")]
Fields = Annotated[dict[str, Any], Body(description="the form's fields by name (docs/portal.md)")]


class RegistrationBody(BaseModel):
    facility_code: str = Field(max_length=16, description="医療機関等コード")
    name: str = Field(max_length=200, description="名称")
    facility_type: str = Field(
        max_length=24, description="hospital / medical_clinic / dental_clinic / pharmacy / visiting_nursing"
    )
    email: str = Field(max_length=254)
    password: str = Field(
        max_length=200, description="10–128 characters, letters mixed with digits or symbols"
    )
    opened_on: str | None = Field(None, max_length=20, description="開設日, when after the obligation date")
    paper_claims: bool = Field(False, description="紙レセプトでの請求が認められている")


class SessionBody(BaseModel):
    role: Role
    login: str = Field(max_length=64, description="facility code / corporation login / operator name")
    password: str = Field(max_length=200, description="the password (operators: their operator API key)")


class ReasonBody(BaseModel):
    reason: str = Field("", max_length=1000)


class OperationStartBody(BaseModel):
    operation_start_date: str = Field(max_length=20, description="運用開始日 YYYY-MM-DD")


@router.post("/accounts", status_code=201, summary="アカウント登録（医療機関等）")
@answered
async def register(body: RegistrationBody, request: Request) -> Response:
    registration = read_registration(body.model_dump())
    actor = Actor(ActorKind.ANONYMOUS, registration.code.digits, Channel.API)
    transition = await portal_accounts.register_facility(
        central_of(request).db, actor, registration, body.password
    )
    obligated = registration.obligated_from
    return json_response(
        {
            "facility_code": registration.code.digits,
            "stage": transition.after.stage.value,
            "obligated_from": obligated.isoformat() if obligated else None,
        },
        201,
    )


@router.post("/sessions", status_code=201, summary="ポータルへのログイン（セッショントークンの発行）")
async def sign_in(body: SessionBody, request: Request) -> Response:
    central = central_of(request)
    token = await portal_accounts.sign_in(
        central.db, central.audit, body.role, body.login, body.password, Channel.API
    )
    if token is None:
        return problem(401, "bad_credentials", "ログインIDまたはパスワードが正しくありません")
    expires = now_jst() + portal_accounts.SESSION_LIFETIME
    return json_response(
        {"token": token, "role": body.role.value, "expires_at": format_wire_datetime(expires)}, 201
    )


@router.post("/logout", status_code=204, summary="セッションの終了")
async def logout(request: Request) -> Response:
    token = presented_key(request) or ""
    if token.startswith(SESSION_PREFIX):
        await portal_accounts.sign_out(central_of(request).db, token)
    return Response(status_code=204)


@router.get("/facilities", summary="管理する医療機関等と導入状況")
@answered
async def list_facilities(
    request: Request,
    stage: Annotated[Stage | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    principal = await api_principal(request)
    rows, counts = await views.managed_facilities(central_of(request).db, principal, stage, limit, offset)
    return json_response(
        {
            "facilities": [documents.facility_row(r) for r in rows],
            "stages": {s.value: n for s, n in counts.items()},
        }
    )


@router.get("/facilities/{code}", summary="医療機関等のページ（導入手続きの状況）")
@answered
async def facility(code: Code, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.VIEW_FACILITY, code)
    return json_response(documents.facility_page(await views.facility_page(central_of(request).db, code)))


@router.post(
    "/facilities/{code}/applications",
    status_code=201,
    summary="申請の提出（カードリーダー・利用・電子証明書）",
)
@answered
async def apply(code: Code, body: Fields, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    try:
        kind = Application(str(body.get("kind", "")))
    except ValueError:
        return problem(422, "invalid", f"kind は {' / '.join(Application)} のいずれかです")
    record = await portal_onboarding.submit(central_of(request).db, principal.actor, code, kind, body)
    return json_response(documents.application(record), 201)


@router.post(
    "/facilities/{code}/certificate", status_code=201, summary="承認された電子証明書のダウンロード（1回のみ）"
)
@answered
async def download(code: Code, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    central = central_of(request)
    found = await portal_onboarding.download_certificate(
        central.db, central.settings.facility_ca_dir, principal.actor, code
    )
    return json_response(documents.download(found), 201, {"Cache-Control": "no-store"})


@router.post(
    "/facilities/{code}/certificates/renew",
    status_code=201,
    summary="電子証明書の更新（新しい証明書と鍵、1回のみ）",
)
@answered
async def renew(code: Code, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    central = central_of(request)
    found = await portal_onboarding.renew_certificate(
        central.db, central.settings.facility_ca_dir, principal.actor, code
    )
    return json_response(documents.download(found), 201, {"Cache-Control": "no-store"})


@router.post("/facilities/{code}/certificates/{serial}/revoke", summary="電子証明書の失効")
@answered
async def revoke(
    code: Code,
    serial: Annotated[str, Path(pattern=r"^[0-9a-fA-F]{1,40}$")],
    body: ReasonBody,
    request: Request,
) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.REVOKE_CERTIFICATE, code)
    await portal_onboarding.revoke_certificate(
        central_of(request).db, principal.actor, code, serial, body.reason
    )
    return json_response({"serial": serial.lower(), "revoked": True})


@router.post("/facilities/{code}/operation-start", summary="運用開始日の登録")
@answered
async def operation_start(code: Code, body: OperationStartBody, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    on = parse_flexible_date(body.operation_start_date, "operation_start_date")
    transition = await portal_onboarding.start_operation(central_of(request).db, principal.actor, code, on)
    return json_response(
        {
            "stage": transition.after.stage.value,
            "operating_since": on.isoformat(),
            "changed": transition.changed,
        }
    )


@router.post("/facilities/{code}/notifications", status_code=201, summary="経過措置の事前届出")
@answered
async def notify(code: Code, body: Fields, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    filed = await portal_filings.file_notification(central_of(request).db, principal.actor, code, body)
    return json_response(
        {
            "id": filed.id,
            "category": filed.notification.category.value,
            "filed_on": filed.notification.filed_on.isoformat(),
            "deadline": documents.json_ready(filed.deadline),
            "remarks": documents.json_ready(filed.remarks),
        },
        201,
    )


@router.post("/facilities/{code}/survey", status_code=201, summary="導入意向調査への回答")
@answered
async def answer_survey(code: Code, body: Fields, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    answer = await portal_filings.answer_survey(central_of(request).db, principal.actor, code, body)
    return json_response({"answer": documents.json_ready(answer)}, 201)


def _subsidy_parts(
    body: dict[str, Any],
) -> tuple[dict[str, Any], list[dict[str, Any]], dict[str, dict[str, Any]]]:
    receipts = body.get("receipts") or []
    monthly = {name: body.get(name) or {} for name in ("uses", "users", "rates")}
    if not isinstance(receipts, list) or not all(isinstance(r, dict) for r in receipts):
        receipts = [{"item": "?"}]  # refused below with a field error
    return body, receipts, {k: v if isinstance(v, dict) else {"?": v} for k, v in monthly.items()}


@router.post("/facilities/{code}/subsidies/check", summary="補助金の要件確認と交付額の計算（保存しない）")
@answered
async def check_subsidy(code: Code, body: Fields, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    checked = await portal_subsidies.check_for(central_of(request).db, code, *_subsidy_parts(body))
    return json_response(documents.json_ready(checked.document))


@router.post(
    "/facilities/{code}/subsidies", status_code=201, summary="補助金の申請（領収書と計算結果を保存）"
)
@answered
async def submit_subsidy(code: Code, body: Fields, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.APPLY, code)
    record = await portal_subsidies.submit_subsidy(
        central_of(request).db, principal.actor, code, *_subsidy_parts(body)
    )
    return json_response(documents.application(record), 201)


@router.post(
    "/bulk/{feed}",
    summary="一括申請（CSV: accounts / applications / operation_start）",
    openapi_extra=CSV_BODY,
)
@answered
async def bulk(feed: Annotated[str, Path(max_length=32)], request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.BULK)
    central = central_of(request)

    async def importer(name: str, lines: list[str], source: str) -> ImportReport:
        return await portal_bulk.import_bulk(central.db, central.audit, name, lines, principal, source)

    return await receive_feed(request, feed, FEEDS, importer, (FeedFormatError,))
