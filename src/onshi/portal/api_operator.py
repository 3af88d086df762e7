"""The portal's JSON API for the operator (支払基金) and the calculators:

* `GET /api/v1/portal/applications[?status=&kind=]`, `POST …/applications/{id}/approve`,
  `POST …/applications/{id}/return` (`{"reason"}`) — onboarding and subsidy applications;
* `POST /api/v1/portal/notifications/{id}/approve` — 個別判断 of その他特に困難な事情;
* `GET /api/v1/portal/compliance?as_of=&status=` — compliant / exempt / transitional / overdue;
* `GET /api/v1/portal/survey` — the adoption-intent survey's tally;
* `POST /api/v1/portal/corporations`, `POST /api/v1/portal/corporations/{login}/facilities`;
* `POST /api/v1/portal/addon` — the fee add-on calculator with every intermediate figure (any role).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from pydantic import BaseModel, Field
from starlette.responses import Response

from onshi.central.responses import RowId, json_response
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.portal import addons, compliance
from onshi.domain.portal.addon_form import read_visits
from onshi.domain.portal.roles import Permission
from onshi.domain.portal.transitional import Status
from onshi.portal import documents
from onshi.portal.auth import api_principal
from onshi.portal.errors import answered
from onshi.portal.views import central_of
from onshi.services import portal_accounts, portal_filings, portal_onboarding
from onshi.services import portal_views as views

router = APIRouter(prefix="/api/v1/portal", tags=["portal"])
KINDS = ("card_reader", "usage", "certificate", "subsidy")


class ReasonBody(BaseModel):
    reason: str = Field("", max_length=1000, description="差戻し理由 (required to return)")


class CorporationBody(BaseModel):
    login: str = Field(max_length=64)
    name: str = Field(max_length=200)
    email: str = Field(max_length=254)
    password: str = Field(max_length=200)


class LinkBody(BaseModel):
    facility_codes: list[str] = Field(max_length=1000)


@router.get("/applications", summary="申請の一覧（審査待ちなど）")
@answered
async def applications(
    request: Request,
    status: Annotated[str, Query(pattern="^(pending|approved|returned)$")] = "pending",
    kind: Annotated[str | None, Query(pattern="^(card_reader|usage|certificate|subsidy)$")] = None,
) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.REVIEW)
    found = await views.review_queue(central_of(request).db, (kind,) if kind else KINDS, status)
    return json_response({"applications": [documents.application(a) for a in found]})


@router.post("/applications/{application_id}/approve", summary="申請の承認")
@answered
async def approve(application_id: RowId, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.REVIEW)
    record = await portal_onboarding.decide(central_of(request).db, principal.actor, application_id, True)
    return json_response(documents.application(record))


@router.post("/applications/{application_id}/return", summary="申請の差戻し（理由付き）")
@answered
async def send_back(application_id: RowId, body: ReasonBody, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.REVIEW)
    record = await portal_onboarding.decide(
        central_of(request).db, principal.actor, application_id, False, body.reason
    )
    return json_response(documents.application(record))


@router.post(
    "/notifications/{notification_id}/approve", summary="事前届出（その他特に困難な事情）の個別判断による承認"
)
@answered
async def judge(notification_id: RowId, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.REVIEW)
    found = await portal_filings.approve_notification(
        central_of(request).db, principal.actor, notification_id
    )
    return json_response(documents.notification(found))


@router.get("/compliance", summary="義務化への対応状況（導入済み・対象外・経過措置中・期限超過）")
@answered
async def compliance_list(
    request: Request,
    as_of: Annotated[
        str | None, Query(max_length=20, description="基準日 YYYY-MM-DD (default today)")
    ] = None,
    status: Annotated[Status | None, Query()] = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 500,
) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.OVERSEE)
    day = parse_flexible_date(as_of, "as_of") if as_of else today_jst()
    verdicts = await portal_filings.verdicts(central_of(request).db, day)
    chosen = portal_filings.filter_verdicts(verdicts, status)
    return json_response(
        {
            "as_of": day.isoformat(),
            "counts": {s.value: n for s, n in compliance.counts(verdicts).items()},
            "facilities": [_verdict(v) for v in chosen[:limit]],
            "truncated": len(chosen) > limit,
        }
    )


def _verdict(verdict: compliance.Verdict) -> dict[str, Any]:
    facts = verdict.facts
    return {
        "facility_code": facts.code,
        "name": facts.name,
        "facility_type": facts.facility_type.value,
        "prefecture_code": facts.prefecture_code,
        "status": verdict.status.value,
        "status_label": verdict.status.label_ja,
        "obligated_from": facts.obligated_from.isoformat() if facts.obligated_from else None,
        "operating_since": facts.operating_since.isoformat() if facts.operating_since else None,
        "category": facts.notification.category.value if facts.notification else None,
        "deadline": documents.json_ready(verdict.deadline),
        "days_left": verdict.days_left,
        "reasons": documents.json_ready(verdict.reasons),
    }


@router.get("/survey", summary="導入意向調査の集計（理由別・都道府県別）")
@answered
async def survey(request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.OVERSEE)
    tally = await portal_filings.survey_tally(central_of(request).db)
    return json_response(
        {
            "total": documents.json_ready(tally.total),
            "by_prefecture": documents.json_ready(tally.by_prefecture),
            "by_category": documents.json_ready(tally.by_category),
            "other_reasons": tally.other_reasons,
            "condition_texts": documents.json_ready(tally.condition_texts),
            "planned_months": {m.isoformat()[:7]: n for m, n in sorted(tally.planned_months.items())},
        }
    )


@router.post("/corporations", status_code=201, summary="法人アカウントの作成")
@answered
async def create_corporation(body: CorporationBody, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.OVERSEE)
    login = await portal_accounts.create_corporation(
        central_of(request).db, principal.actor, body.login, body.name, body.email, body.password
    )
    return json_response({"login": login}, 201)


@router.post("/corporations/{login}/facilities", summary="法人と医療機関等の紐付け")
@answered
async def link(login: Annotated[str, Path(max_length=32)], body: LinkBody, request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.OVERSEE)
    linked = await portal_accounts.link_facilities(
        central_of(request).db, principal.actor, login.lower(), body.facility_codes
    )
    return json_response({"login": login.lower(), "linked": linked})


@router.post("/addon", summary="電子的保健医療情報活用加算の試算（途中計算をすべて返す）")
@answered
async def addon(body: dict[str, Any], request: Request) -> Response:
    principal = await api_principal(request)
    principal.check(Permission.CALCULATE)
    visits, as_of = read_visits(body)
    return json_response(documents.json_ready(addons.estimate(visits, as_of)))
