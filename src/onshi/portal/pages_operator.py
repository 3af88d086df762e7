"""The operator's pages: the review queue (approve, or return with a reason), subsidy approvals,
every facility by stage, the compliance list as of a day (with the 個別判断 of notifications),
and the adoption-intent survey's tally."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from onshi.central.responses import RowId
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.portal import compliance, survey
from onshi.domain.portal.applications import LABELS
from onshi.domain.portal.onboarding import Stage
from onshi.domain.portal.roles import Permission
from onshi.domain.portal.subsidy_table import default_table
from onshi.domain.portal.transitional import Category, Status
from onshi.domain.prefectures import PREFECTURES
from onshi.portal.errors import REFUSALS
from onshi.portal.pages_common import refusal, signed_in
from onshi.portal.views import central_of, render, see_other
from onshi.services import portal_filings, portal_onboarding
from onshi.services import portal_views as views
from onshi.services.portal_common import Principal
from onshi.store import portal_onboarding as store
from onshi.store import portal_records
from onshi.store.database import Database

router = APIRouter(prefix="/portal/operator", include_in_schema=False)
ONBOARDING = ("card_reader", "usage", "certificate")
FIELD_LABELS = {name: label for fields in LABELS.values() for name, label in fields}
PAGE_SIZE = 100


@router.get("", response_class=HTMLResponse)
async def queue(request: Request) -> Response:
    principal = await signed_in(request, Permission.REVIEW)
    if not isinstance(principal, Principal):
        return principal
    found = await views.review_queue(central_of(request).db, ONBOARDING)
    return render(request, "operator.html", {"principal": principal, "queue": found, "labels": FIELD_LABELS})


@router.post("/applications/{application_id}/approve")
async def approve(application_id: RowId, request: Request) -> Response:
    return await _decide(request, application_id, True, "")


@router.post("/applications/{application_id}/return")
async def send_back(
    application_id: RowId, request: Request, reason: Annotated[str, Form(max_length=1000)] = ""
) -> Response:
    return await _decide(request, application_id, False, reason)


async def _decide(request: Request, application_id: int, approve: bool, reason: str) -> Response:
    principal = await signed_in(request, Permission.REVIEW)
    if not isinstance(principal, Principal):
        return principal
    try:
        decided = await portal_onboarding.decide(
            central_of(request).db, principal.actor, application_id, approve, reason
        )
    except REFUSALS as error:
        return refusal(request, principal, error)
    back = "/portal/operator/subsidies" if decided.kind == portal_onboarding.SUBSIDY else "/portal/operator"
    return see_other(f"{back}?done={'approved' if approve else 'returned'}")


@router.get("/subsidies", response_class=HTMLResponse)
async def subsidies(request: Request) -> Response:
    principal = await signed_in(request, Permission.REVIEW)
    if not isinstance(principal, Principal):
        return principal
    db = central_of(request).db
    pending = await views.review_queue(db, (portal_onboarding.SUBSIDY,))
    decided = [
        a
        for status in (store.APPROVED, store.RETURNED)
        for a in await views.review_queue(db, (portal_onboarding.SUBSIDY,), status, 50)
    ]
    decided.sort(key=lambda a: a.decided_at or a.submitted_at, reverse=True)
    programs = {p.id: p.name.ja for p in default_table().programs}
    context = {"principal": principal, "queue": pending, "decided": decided, "programs": programs}
    return render(request, "operator_subsidies.html", context)


@router.get("/facilities", response_class=HTMLResponse)
async def facilities(
    request: Request,
    stage: Annotated[Stage | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    principal = await signed_in(request, Permission.OVERSEE)  # corporations have /portal/corporation
    if not isinstance(principal, Principal):
        return principal
    context = await list_context(request, principal, "医療機関等の導入状況", stage, offset)
    return render(request, "facilities_list.html", context)


async def list_context(
    request: Request, principal: Principal, heading: str, stage: Stage | None, offset: int
) -> dict[str, Any]:
    rows, counts = await views.managed_facilities(
        central_of(request).db, principal, stage, PAGE_SIZE + 1, offset
    )
    return {
        "principal": principal, "heading": heading, "rows": rows[:PAGE_SIZE], "counts": counts, "stage": stage,
        "more": len(rows) > PAGE_SIZE, "next_offset": offset + PAGE_SIZE, "page_size": PAGE_SIZE,
    }  # fmt: skip


@router.get("/compliance", response_class=HTMLResponse)
async def compliance_page(
    request: Request,
    as_of: Annotated[str, Query(max_length=20)] = "",
    status: Annotated[str, Query(max_length=16)] = "",
) -> Response:
    principal = await signed_in(request, Permission.OVERSEE)
    if not isinstance(principal, Principal):
        return principal
    try:
        day = parse_flexible_date(as_of, "as_of") if as_of else today_jst()
    except InvalidValue as error:
        return refusal(request, principal, error)
    chosen = Status(status) if status in tuple(Status) else None
    db = central_of(request).db
    verdicts = await portal_filings.verdicts(db, day)
    shown = portal_filings.filter_verdicts(verdicts, chosen)
    judgeable = await _judgeable(db)
    context = {
        "principal": principal, "as_of": day, "statuses": tuple(Status), "status": chosen,
        "counts": compliance.counts(verdicts), "shown": shown[:PAGE_SIZE * 5], "truncated": len(shown) > PAGE_SIZE * 5,
        "judgeable": judgeable,
    }  # fmt: skip
    return render(request, "compliance.html", context)


async def _judgeable(db: Database) -> dict[str, int]:
    """Facilities whose current notification waits for the operator's individual judgement."""
    async with db.read() as conn:
        filed = await portal_records.current_notifications(conn)
    return {
        code: n.id
        for code, n in filed.items()
        if n.category == Category.SPECIAL_DIFFICULTY.value and n.approved_at is None
    }


@router.post("/notifications/{notification_id}/approve")
async def judge(notification_id: RowId, request: Request) -> Response:
    principal = await signed_in(request, Permission.REVIEW)
    if not isinstance(principal, Principal):
        return principal
    try:
        await portal_filings.approve_notification(central_of(request).db, principal.actor, notification_id)
    except REFUSALS as error:
        return refusal(request, principal, error)
    return see_other("/portal/operator/compliance?done=judged")


def _percent(count: int, total: int) -> str:
    if not total:
        return "—"
    return f"{(Decimal(count) * 100 / total).quantize(Decimal('0.1'))}%"


@router.get("/survey", response_class=HTMLResponse)
async def survey_tally(request: Request) -> Response:
    principal = await signed_in(request, Permission.OVERSEE)
    if not isinstance(principal, Principal):
        return principal
    tally = await portal_filings.survey_tally(central_of(request).db)
    context = {
        "principal": principal, "tally": tally, "reasons": tuple(survey.Reason), "conditions": tuple(survey.Condition),
        "prefecture_names": {p.code: p.name_ja for p in PREFECTURES}, "percent": _percent,
    }  # fmt: skip
    return render(request, "survey_tally.html", context)
