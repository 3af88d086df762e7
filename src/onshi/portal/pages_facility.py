"""A facility's page (マイページ) and its onboarding actions: the applications' forms, the
certificate's download (a ZIP with terminal.crt, terminal.key and ca.crt, once), renewal,
revocation and the operation start date. Facilities act on their own page, corporations on
their facilities' pages; the operator sees every page and may revoke certificates."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from fastapi.responses import HTMLResponse, Response

from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.facility import FacilityCode
from onshi.domain.portal import onboarding
from onshi.domain.portal.applications import CARD_READER_MODELS
from onshi.domain.portal.onboarding import Application, Stage
from onshi.domain.portal.roles import Permission
from onshi.portal.errors import REFUSALS, form_errors, status_of
from onshi.portal.pages_common import form_values, refusal, signed_in
from onshi.portal.views import central_of, render, see_other
from onshi.services import portal_onboarding
from onshi.services import portal_views as views
from onshi.services.portal_common import Principal
from onshi.services.portal_onboarding import Download
from onshi.store import facilities
from onshi.store.portal_onboarding import RETURNED

router = APIRouter(prefix="/portal/facilities/{code}", include_in_schema=False)
Code = Annotated[str, Path(pattern=r"^[0-9]{10}$")]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # an input type, or "select" / "checkbox"
    required: bool = True
    hint: str = ""
    options: tuple[tuple[str, str], ...] = ()


FIELDS: dict[Application, tuple[Field, ...]] = {
    Application.CARD_READER: (
        Field("readers", "申込台数", "number", hint="病院は50台まで、その他は5台まで"),
        Field("model", "機種", "select", options=tuple(CARD_READER_MODELS.items())),
        Field("contact_name", "担当者名"),
        Field("phone", "電話番号", "tel", hint="例: 03-1234-5678"),
    ),
    Application.USAGE: (
        Field("representative", "開設者・管理者名"),
        Field("contact_name", "担当者名"),
        Field("phone", "電話番号", "tel", hint="例: 03-1234-5678"),
        Field("email", "メールアドレス", "email"),
        Field("vendor", "システムベンダ名"),
        Field("online_claims", "レセプトオンライン請求を行っている", "checkbox"),
        Field("planned_start", "運用開始予定月", "month", required=False, hint="YYYY-MM（例: 2025-04）"),
    ),
    Application.CERTIFICATE: (
        Field("contact_name", "担当者名"),
        Field("terminal_place", "資格確認端末の設置場所", required=False, hint="例: 受付カウンター"),
    ),
}
_NEXT = {
    Stage.REGISTERED: Application.CARD_READER,
    Stage.CARD_READER_RETURNED: Application.CARD_READER,
    Stage.CARD_READER_APPROVED: Application.USAGE,
    Stage.USAGE_RETURNED: Application.USAGE,
    Stage.USAGE_APPROVED: Application.CERTIFICATE,
    Stage.CERTIFICATE_RETURNED: Application.CERTIFICATE,
}


async def _page(
    request: Request, principal: Principal, code: str, error: str | None = None, status: int = 200
) -> Response:
    page = await views.facility_page(central_of(request).db, code)
    state = page.onboarding
    returned = next(
        (a for a in page.applications if a.status == RETURNED and state.stage.value.endswith("_returned")),
        None,
    )
    context = {
        "principal": principal,
        "row": page.row,
        "state": state,
        "steps": onboarding.steps(state),
        "reached": page.reached,
        "returned": returned,
        "next_application": _NEXT.get(state.stage),
        "applications": page.applications,
        "certificates": page.certificates,
        "tests": page.tests,
        "notifications": page.notifications,
        "survey": page.survey,
        "can_apply": principal.may(Permission.APPLY),
        "can_revoke": principal.may(Permission.REVOKE_CERTIFICATE),
        "renewable": state.stage in onboarding.CERTIFIED,
        "notification_needed": page.row.obligated_from is not None and state.stage is not Stage.OPERATING,
        "surveyable": state.stage in (Stage.REGISTERED, Stage.CARD_READER_RETURNED),
        "central_url": str(request.base_url).rstrip("/"),
        "today": today_jst().isoformat(),
        "error": error,
    }
    return render(request, "facility.html", context, status)


@router.get("", response_class=HTMLResponse)
async def facility_page(code: Code, request: Request) -> Response:
    principal = await signed_in(request, Permission.VIEW_FACILITY, code)
    if not isinstance(principal, Principal):
        return principal
    try:
        return await _page(request, principal, code)
    except REFUSALS as error:
        return refusal(request, principal, error)


def _form_context(principal: Principal, code: str, application: Application, name: str) -> dict[str, object]:
    return {"principal": principal, "code": code, "application": application, "fields": FIELDS[application],
            "facility_name": name}  # fmt: skip


@router.get("/apply/{application}", response_class=HTMLResponse)
async def application_form(code: Code, application: Application, request: Request) -> Response:
    principal = await signed_in(request, Permission.APPLY, code)
    if not isinstance(principal, Principal):
        return principal
    context = {
        **_form_context(principal, code, application, await _name(request, code)),
        "values": {"model": "any"},
        "errors": {},
    }
    return render(request, "apply.html", context)


@router.post("/apply/{application}")
async def submit_application(code: Code, application: Application, request: Request) -> Response:
    principal = await signed_in(request, Permission.APPLY, code)
    if not isinstance(principal, Principal):
        return principal
    values = await form_values(request)
    try:
        await portal_onboarding.submit(central_of(request).db, principal.actor, code, application, values)
    except REFUSALS as error:
        errors, text = form_errors(error)
        context = {
            **_form_context(principal, code, application, await _name(request, code)),
            "values": values,
            "errors": errors,
            "error": text,
        }
        return render(request, "apply.html", context, status_of(error))
    return see_other(f"/portal/facilities/{code}?done=submitted")


async def _name(request: Request, code: str) -> str:
    async with central_of(request).db.read() as conn:
        facility = await facilities.get(conn, FacilityCode(code))
    return facility.name if facility else code


def _zip(found: Download) -> Response:
    """terminal.crt, terminal.key (the only copy of the key) and ca.crt, with a README."""
    issued = found.issued
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("terminal.crt", issued.certificate_pem)
        bundle.writestr("terminal.key", issued.key_pem)
        bundle.writestr("ca.crt", found.ca_pem)
        bundle.writestr(
            "README.txt", _readme(issued.subject, issued.serial, issued.not_after.date().isoformat())
        )
    name = f"onshi-terminal-{issued.subject}-{issued.serial[:12]}.zip"
    headers = {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"}
    return Response(buffer.getvalue(), 200, headers, media_type="application/zip")


def _readme(code: str, serial: str, until: str) -> str:
    return (
        f"資格確認端末の電子証明書 / terminal certificate\n医療機関等コード: {code}\nシリアル番号: {serial}\n有効期限: {until}\n\n"
        "terminal.key は秘密鍵です。この1部しかありません。端末の外に出さないでください。\n"
        "接続確認: onshi terminal test --central https://… --cert terminal.crt --key terminal.key\n"
        f"運用: onshi terminal run --facility {code} --central https://… --root DIR --cert terminal.crt --key terminal.key\n"
    )


@router.post("/certificate")
async def download(code: Code, request: Request) -> Response:
    return await _certificate(code, request, renewal=False)


@router.post("/certificates/renew")
async def renew(code: Code, request: Request) -> Response:
    return await _certificate(code, request, renewal=True)


async def _certificate(code: str, request: Request, renewal: bool) -> Response:
    principal = await signed_in(request, Permission.APPLY, code)
    if not isinstance(principal, Principal):
        return principal
    central = central_of(request)
    issue = portal_onboarding.renew_certificate if renewal else portal_onboarding.download_certificate
    try:
        found = await issue(central.db, central.settings.facility_ca_dir, principal.actor, code)
    except REFUSALS as error:
        return await _page(request, principal, code, form_errors(error)[1], status_of(error))
    return _zip(found)


@router.post("/certificates/{serial}/revoke")
async def revoke(
    code: Code,
    serial: Annotated[str, Path(pattern=r"^[0-9a-fA-F]{1,40}$")],
    request: Request,
    reason: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    principal = await signed_in(request, Permission.REVOKE_CERTIFICATE, code)
    if not isinstance(principal, Principal):
        return principal
    try:
        await portal_onboarding.revoke_certificate(
            central_of(request).db, principal.actor, code, serial, reason
        )
    except REFUSALS as error:
        return await _page(request, principal, code, form_errors(error)[1], status_of(error))
    return see_other(f"/portal/facilities/{code}?done=revoked")


@router.post("/operation-start")
async def operation_start(
    code: Code, request: Request, operation_start_date: Annotated[str, Form(max_length=20)] = ""
) -> Response:
    principal = await signed_in(request, Permission.APPLY, code)
    if not isinstance(principal, Principal):
        return principal
    try:
        on = parse_flexible_date(operation_start_date, "operation_start_date")
        await portal_onboarding.start_operation(central_of(request).db, principal.actor, code, on)
    except REFUSALS as error:
        return await _page(request, principal, code, form_errors(error)[1], status_of(error))
    return see_other(f"/portal/facilities/{code}?done=operating")
