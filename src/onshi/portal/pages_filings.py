"""The facility's filings as pages: the prior notification (事前届出) with its deadline and
today's verdict, the adoption-intent survey (seed 002 別添3), and the subsidy application with
its check (要件の確認) before it is filed."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from onshi.domain.dates import today_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityType
from onshi.domain.portal import compliance, survey
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.roles import Permission
from onshi.domain.portal.subsidy_form import parse_monthly_text
from onshi.domain.portal.subsidy_table import Declared, default_table
from onshi.domain.portal.transitional import Obligation, regime_for
from onshi.domain.prefectures import prefecture
from onshi.portal.errors import REFUSALS, form_errors, status_of
from onshi.portal.pages_common import form_values, refusal, signed_in
from onshi.portal.views import central_of, render, see_other
from onshi.services import portal_filings, portal_subsidies
from onshi.services import portal_views as views
from onshi.services.portal_common import PortalError, Principal
from onshi.services.portal_views import FacilityPage

router = APIRouter(prefix="/portal/facilities/{code}", include_in_schema=False)
Code = Annotated[str, Path(pattern=r"^[0-9]{10}$")]
RECEIPT_ROWS = 6
MONTHLY = (
    ("uses", "マイナ保険証の月間利用件数"),
    ("users", "マイナ保険証の月間利用人数"),
    ("rates", "マイナ保険証利用率（%）"),
)


async def _facility(request: Request, code: str) -> tuple[Principal, FacilityPage] | Response:
    principal = await signed_in(request, Permission.APPLY, code)
    if not isinstance(principal, Principal):
        return principal
    try:
        return principal, await views.facility_page(central_of(request).db, code)
    except REFUSALS as error:
        return refusal(request, principal, error)


# --- 事前届出 --------------------------------------------------------------------------------------


def _notification_context(principal: Principal, page: FacilityPage) -> dict[str, Any]:
    kind = page.row.facility_type
    categories = compliance.categories_for(kind)
    used_by: dict[str, tuple[str, list[str]]] = {}
    for category in categories:
        for name, label in compliance.FACTS.get(category, ()):
            used_by.setdefault(name, (label, []))[1].append(category.label_ja)
    stored = page.current_notification()
    verdict = page.verdict(today_jst()) if stored is not None else None
    return {
        "principal": principal, "code": page.row.code, "facility_name": page.row.name,
        "obligated_from": page.row.obligated_from, "categories": categories,
        "fact_fields": [(name, label, "・".join(names)) for name, (label, names) in used_by.items()],
        "staff_rule": regime_for(kind, Obligation.ONLINE_QUALIFICATION).staff_age_rule,
        "current": stored, "verdict": verdict, "values": {}, "errors": {},
    }  # fmt: skip


@router.get("/notification", response_class=HTMLResponse)
async def notification_page(code: Code, request: Request) -> Response:
    found = await _facility(request, code)
    if isinstance(found, Response):
        return found
    return render(request, "notification.html", _notification_context(*found))


@router.post("/notification")
async def file_notification(code: Code, request: Request) -> Response:
    found = await _facility(request, code)
    if isinstance(found, Response):
        return found
    principal, page = found
    values = await form_values(request)
    try:
        await portal_filings.file_notification(central_of(request).db, principal.actor, code, values)
    except REFUSALS as error:
        errors, text = form_errors(error)
        context = {
            **_notification_context(principal, page),
            "values": values,
            "errors": errors,
            "error": text,
        }
        return render(request, "notification.html", context, status_of(error))
    return see_other(f"/portal/facilities/{code}/notification?done=notified")


# --- 導入意向調査 ----------------------------------------------------------------------------------


def _survey_context(principal: Principal, page: FacilityPage, values: dict[str, Any]) -> dict[str, Any]:
    return {
        "principal": principal, "code": page.row.code, "facility_name": page.row.name,
        "reasons": tuple(survey.Reason), "conditions": tuple(survey.Condition),
        "category": survey.category_of(page.row.facility_type), "prefecture": prefecture(page.row.prefecture_code).name_ja,
        "answered": page.survey, "values": values, "errors": {},
        "chosen_reasons": _listed(values.get("reasons")), "chosen_conditions": _listed(values.get("conditions")),
    }  # fmt: skip


def _listed(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [str(value)] if value else []


@router.get("/survey", response_class=HTMLResponse)
async def survey_page(code: Code, request: Request) -> Response:
    found = await _facility(request, code)
    if isinstance(found, Response):
        return found
    principal, page = found
    if page.row.facility_type is FacilityType.VISITING_NURSING:
        return refusal(
            request,
            principal,
            PortalError(409, "not_surveyed", "この調査は保険医療機関・保険薬局が対象です", "not surveyed"),
        )
    return render(request, "survey.html", _survey_context(principal, page, {}))


@router.post("/survey")
async def answer_survey(code: Code, request: Request) -> Response:
    found = await _facility(request, code)
    if isinstance(found, Response):
        return found
    principal, page = found
    values = await form_values(request)
    try:
        await portal_filings.answer_survey(central_of(request).db, principal.actor, code, values)
    except REFUSALS as error:
        errors, text = form_errors(error)
        context = {**_survey_context(principal, page, values), "errors": errors, "error": text}
        return render(request, "survey.html", context, status_of(error))
    return see_other(f"/portal/facilities/{code}?done=surveyed")


# --- 補助金申請 ------------------------------------------------------------------------------------


def _subsidy_context(principal: Principal, page: FacilityPage, values: dict[str, Any]) -> dict[str, Any]:
    table = default_table()
    declarations = {
        r.key: r.label.ja for p in table.programs for r in p.requirements if isinstance(r, Declared)
    }
    rows = [
        {
            field: values.get(f"receipt_{field}_{index}", "")
            for field in ("item", "yen", "paid_on", "number", "payee")
        }
        for index in range(1, RECEIPT_ROWS + 1)
    ]
    return {
        "principal": principal, "code": page.row.code, "facility_name": page.row.name, "table_version": table.version,
        "programs": [(p.id, p.name.ja) for p in table.programs], "pharmacy": page.row.facility_type is FacilityType.PHARMACY,
        "items": [(key, note.ja) for key, note in table.items], "item_labels": {key: note.ja for key, note in table.items},
        "receipt_rows": rows, "monthly": MONTHLY, "declarations": list(declarations.items()),
        "other_programs": [(p.id, p.name.ja) for p in table.programs],
        "chosen_declarations": _listed(values.get("declarations")), "chosen_other": _listed(values.get("other_programs")),
        "operating_since": page.onboarding.operating_since, "values": values, "errors": {}, "evaluation": None,
    }  # fmt: skip


def subsidy_parts(values: dict[str, Any]) -> tuple[list[dict[str, object]], dict[str, dict[str, object]]]:
    """The form's receipt rows (blank rows skipped) and monthly figures. Raises FormInvalid."""
    receipts: list[dict[str, object]] = []
    for index in range(1, RECEIPT_ROWS + 1):
        row = {
            f: values.get(f"receipt_{f}_{index}", "") for f in ("item", "yen", "paid_on", "number", "payee")
        }
        if any(str(v).strip() for v in row.values()):
            receipts.append(row)
    monthly: dict[str, dict[str, object]] = {}
    errors: list[InvalidValue] = []
    for name, _ in MONTHLY:
        try:
            monthly[name] = dict(parse_monthly_text(str(values.get(name, "")), name))
        except FormInvalid as error:
            errors.extend(error.errors)
    if errors:
        raise FormInvalid(errors)
    return receipts, monthly


@router.get("/subsidy", response_class=HTMLResponse)
async def subsidy_page(code: Code, request: Request) -> Response:
    found = await _facility(request, code)
    if isinstance(found, Response):
        return found
    return render(request, "subsidy.html", _subsidy_context(*found, {}))


@router.post("/subsidy")
async def subsidy(code: Code, request: Request) -> Response:
    found = await _facility(request, code)
    if isinstance(found, Response):
        return found
    principal, page = found
    values = await form_values(request)
    context = _subsidy_context(principal, page, values)
    db = central_of(request).db
    try:
        receipts, monthly = subsidy_parts(values)
        if values.get("action") == "submit":
            await portal_subsidies.submit_subsidy(db, principal.actor, code, values, receipts, monthly)
            return see_other(f"/portal/facilities/{code}?done=subsidy")
        checked = await portal_subsidies.check_for(db, code, values, receipts, monthly)
    except REFUSALS as error:
        errors, text = form_errors(error)
        return render(request, "subsidy.html", {**context, "errors": errors, "error": text}, status_of(error))
    return render(request, "subsidy.html", {**context, "evaluation": checked.evaluation})
