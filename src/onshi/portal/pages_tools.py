"""The fee add-on calculator page (電子的保健医療情報活用加算): a clinic or pharmacy enters its own
numbers and sees every intermediate figure of the seed's two scenarios and their combination.
A GET form: nothing is stored, and a result can be bookmarked."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from onshi.domain.facility import FacilityType
from onshi.domain.portal import addons
from onshi.domain.portal.addon_form import read_visits
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.roles import Permission
from onshi.portal.errors import form_errors
from onshi.portal.pages_common import signed_in
from onshi.portal.views import render
from onshi.services.portal_common import Principal

router = APIRouter(prefix="/portal", include_in_schema=False)
TYPES = tuple(
    (kind.value, kind.label_ja) for kind in FacilityType if kind is not FacilityType.VISITING_NURSING
)
PERS = (("day", "1日当たり"), ("month", "1か月当たり"))
MODEL = {"facility_type": "medical_clinic", "per": "day", "first_visits": "3", "revisits": "20", "days_per_month": "20",
         "card_rate": "42.4", "online_claims": "1", "operating": "1"}  # fmt: skip
TERMS = {
    "first_visit": "初診（情報を取得）", "revisit": "再診（情報を取得、月1回）", "pharmacy": "調剤（情報を取得、月1回）",
    "reduced_first_visit": "初診（情報の取得が困難な場合）", "reduced_pharmacy": "調剤（情報の取得が困難な場合、3月に1回）",
}  # fmt: skip


def _share(value: Decimal) -> str:
    return f"{(value * 100).normalize():f}%"


@router.get("/addon", response_class=HTMLResponse)
async def addon(request: Request) -> Response:
    principal = await signed_in(request, Permission.CALCULATE)
    if not isinstance(principal, Principal):
        return principal
    asked = dict(request.query_params)
    values = {**MODEL, **asked} if "per" in asked else {**MODEL, **asked, "per": _default_per(asked)}
    context = {"principal": principal, "types": TYPES, "pers": PERS, "values": values, "errors": {}, "estimate": None,
               "term_labels": TERMS, "share": _share}  # fmt: skip
    if "first_visits" not in asked and "patients" not in asked:
        return render(request, "addon.html", context)
    try:
        visits, as_of = read_visits(asked)
        estimate = addons.estimate(visits, as_of)
    except (FormInvalid, ValueError) as error:
        errors, text = form_errors(error)
        return render(request, "addon.html", {**context, "errors": errors, "error": text}, 422)
    scenarios = (
        ("with-card", "マイナンバーカードで情報を取得する場合（保持率分）", estimate.with_card),
        ("insurance-card", "全患者が健康保険証を使う場合", estimate.insurance_card_only),
        ("combined", "組み合わせ（保持者は取得、その他は取得困難の点数）", estimate.combined),
    )
    per_label = "1日当たり" if visits.per is addons.Period.DAY else "1か月当たり"
    return render(
        request,
        "addon.html",
        {**context, "estimate": estimate, "scenarios": scenarios, "per_label": per_label},
    )


def _default_per(asked: dict[str, str]) -> str:
    return "month" if asked.get("facility_type") == FacilityType.PHARMACY.value else "day"
