"""The operator's statistics pages (/operator/stats): sign in with an operator key, then
導入状況 (tables, ranking, bar chart and tile map by prefecture), 利用状況 (by type, the monthly
trend stacked by method) and マイナ保険証利用率 (by type or prefecture, one facility's months and
support money). Every table is a report of onshi.services.stats_reports, as the CLI prints it;
each has its CSV export. Server-rendered, no scripts."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from onshi.domain.dates import now_jst, parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.portal.values import format_month, shift_month
from onshi.domain.prefectures import PREFECTURES
from onshi.domain.statistics.adoption import TYPES
from onshi.domain.statistics.utilisation import billing_month_of
from onshi.services import stats_reports as reports
from onshi.services.stats_report import TOTAL, Report
from onshi.services.stats_sessions import OPERATOR_SESSION, operator_login
from onshi.stats_web.pages import (
    OPERATOR_COOKIE,
    central_of,
    chart,
    csv_download,
    render,
    see_other,
    signed_in,
    signed_out,
)
from onshi.store import stats
from onshi.store.stats_sessions import OperatorSession, operator_session

PREFIX = "/operator/stats"
LOGIN = f"{PREFIX}/login"
RATES = {
    "operating_rate": "参加率（運用開始）",
    "connected_rate": "接続率（本番接続）",
    "applied_rate": "申込率（カードリーダー）",
}
router = APIRouter(prefix=PREFIX, include_in_schema=False)


async def _session(request: Request) -> OperatorSession | None:
    async with central_of(request).db.read() as conn:
        return await operator_session(conn, request.cookies.get(OPERATOR_COOKIE, ""), now_jst())


def _page(
    request: Request, name: str, session: OperatorSession, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    return render(
        request, name, {"operator": session.operator, "section": name.split(".")[0], **context}, status
    )


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(request, "login.html", {"failed": False})


@router.post("/login")
async def login(request: Request, api_key: Annotated[str, Form(max_length=200)]) -> Response:
    central = central_of(request)
    token = await operator_login(central.db, central.audit, api_key)
    if token is None:
        return render(request, "login.html", {"failed": True}, 401)
    return signed_in(request, f"{PREFIX}/", OPERATOR_COOKIE, token, OPERATOR_SESSION)


@router.post("/logout")
async def logout(request: Request) -> Response:
    return await signed_out(request, OPERATOR_COOKIE, LOGIN)


# --- 導入状況 --------------------------------------------------------------------------------------


def _adoption_params(params: Mapping[str, str]) -> tuple[date, FacilityType | None, bool, str]:
    day = parse_flexible_date(params["as_of"], "as_of") if params.get("as_of") else today_jst()
    rate = params.get("rate") or "operating_rate"
    reports.parse_choice(rate, tuple(RATES), "rate")
    return day, reports.parse_type(params.get("type")), reports.parse_flag(params.get("obligated")), rate


def _by_prefecture(report: Report, rate: str) -> tuple[dict[str, Decimal | None], Decimal | None]:
    values = {row["group"]: (Decimal(row[rate]) if row[rate] is not None else None) for row in report.rows}
    overall = values.pop(TOTAL, None)
    return values, overall


@router.get("/", response_class=HTMLResponse)
async def adoption_page(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return see_other(LOGIN)
    params = dict(request.query_params)
    form = {"as_of": params.get("as_of", ""), "type": params.get("type", ""), "obligated": params.get("obligated", ""),
            "rate": params.get("rate", "operating_rate")}  # fmt: skip
    context: dict[str, Any] = {"form": form, "types": TYPES, "rates": RATES}
    try:
        day, facility_type, obligated, _ = _adoption_params(params)
    except InvalidValue as error:
        return _page(request, "adoption.html", session, {**context, "error": error.message_ja}, 400)
    db = central_of(request).db
    by_type = await reports.adoption_report(db, reports.AdoptionQuery(day, "type", None, obligated))
    by_prefecture = await reports.adoption_report(
        db, reports.AdoptionQuery(day, "prefecture", facility_type, obligated)
    )
    ranking = await reports.ranking_report(db, day, obligated)
    query = urlencode({k: v for k, v in form.items() if v} | {"as_of": day.isoformat()})
    context |= {"day": day, "by_type": by_type, "by_prefecture": by_prefecture, "ranking": ranking, "query": query,
                "type_label": facility_type.label_ja if facility_type else "全施設類型"}  # fmt: skip
    return _page(request, "adoption.html", session, context)


@router.get("/adoption.csv")
async def adoption_csv(request: Request) -> Response:
    if await _session(request) is None:
        return see_other(LOGIN)
    params = dict(request.query_params)
    try:
        day, facility_type, obligated, _ = _adoption_params(params)
        by = reports.parse_choice(params.get("by", "prefecture"), (*reports.ADOPTION_GROUPS, "ranking"))
    except InvalidValue as error:
        return Response(error.message_ja, 400, media_type="text/plain; charset=utf-8")
    db = central_of(request).db
    if by == "ranking":
        return csv_download(await reports.ranking_report(db, day, obligated), f"adoption-ranking-{day}")
    report = await reports.adoption_report(db, reports.AdoptionQuery(day, by, facility_type, obligated))
    return csv_download(report, f"adoption-{by}-{day}")


async def _adoption_chart(request: Request, draw: str) -> Response:
    if await _session(request) is None:
        return see_other(LOGIN)
    try:
        day, facility_type, obligated, rate = _adoption_params(dict(request.query_params))
    except InvalidValue as error:
        return Response(error.message_ja, 400, media_type="text/plain; charset=utf-8")
    query = reports.AdoptionQuery(day, "prefecture", facility_type, obligated)
    values, overall = _by_prefecture(await reports.adoption_report(central_of(request).db, query), rate)
    scope = ("義務化対象・" if obligated else "") + (
        facility_type.label_ja if facility_type else "全施設類型"
    )
    title = f"都道府県別 {RATES[rate]}（{scope}・{day.isoformat()}時点）"
    from onshi.stats_web import charts  # matplotlib: imported by the first chart, not when central starts

    if draw == "map":
        return await chart(lambda: charts.prefecture_map(values, title))
    return await chart(lambda: charts.prefecture_bars(values, title, overall))


@router.get("/charts/adoption-prefectures.svg")
async def adoption_bars(request: Request) -> Response:
    return await _adoption_chart(request, "bars")


@router.get("/charts/adoption-map.svg")
async def adoption_map(request: Request) -> Response:
    return await _adoption_chart(request, "map")


# --- 利用状況 --------------------------------------------------------------------------------------


async def _usage_range(request: Request) -> tuple[date, date] | None:
    """The months asked for, else the last twelve built; None when nothing was built yet."""
    params = request.query_params
    async with central_of(request).db.read() as conn:
        built = sorted(await stats.built_months(conn))
    if not built and not params.get("to"):
        return None
    last = reports.parse_month_text(params["to"], "to") if params.get("to") else built[-1]
    first = reports.parse_month_text(params["from"], "from") if params.get("from") else max(
        shift_month(last, -11), built[0] if built else last
    )  # fmt: skip
    return first, last


@router.get("/usage", response_class=HTMLResponse)
async def usage_page(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return see_other(LOGIN)
    form = {"from": request.query_params.get("from", ""), "to": request.query_params.get("to", "")}
    try:
        span = await _usage_range(request)
        if span is None:
            return _page(request, "usage.html", session, {"form": form, "empty": True})
        db = central_of(request).db
        by_type = await reports.usage_report(db, reports.UsageQuery(*span, "type"))
        by_month = await reports.usage_report(db, reports.UsageQuery(*span, "month"))
    except (InvalidValue, reports.NotBuilt) as error:
        return _page(request, "usage.html", session, {"form": form, "error": error.message_ja}, 400)
    query = urlencode({"from": format_month(span[0]), "to": format_month(span[1])})
    return _page(
        request,
        "usage.html",
        session,
        {"form": form, "by_type": by_type, "by_month": by_month, "query": query},
    )


@router.get("/usage.csv")
async def usage_csv(request: Request) -> Response:
    if await _session(request) is None:
        return see_other(LOGIN)
    try:
        span = await _usage_range(request)
        by = reports.parse_choice(request.query_params.get("by", "month"), reports.USAGE_GROUPS)
        if span is None:
            raise reports.NotBuilt([reports.default_usage_month()])
        report = await reports.usage_report(central_of(request).db, reports.UsageQuery(*span, by))
    except (InvalidValue, reports.NotBuilt) as error:
        return Response(error.message_ja, 400, media_type="text/plain; charset=utf-8")
    return csv_download(report, f"usage-{by}-{format_month(span[0])}-{format_month(span[1])}")


def usage_series(report: Report) -> tuple[list[str], list[tuple[str, list[int]]]]:
    """Months and the stacked series of the trend: card (without smartphones), smartphone,
    insurance numbers — together every confirmation of the month."""
    rows = [row for row in report.rows if row["group"] != TOTAL]
    months = [row["group"] for row in rows]
    return months, [
        ("マイナンバーカード", [row["card"] - row["card_smartphone"] for row in rows]),
        ("スマホ保険証", [row["card_smartphone"] for row in rows]),
        ("保険証等", [row["numbers"] for row in rows]),
    ]


@router.get("/charts/usage-trend.svg")
async def usage_chart(request: Request) -> Response:
    if await _session(request) is None:
        return see_other(LOGIN)
    try:
        span = await _usage_range(request)
        if span is None:
            raise reports.NotBuilt([reports.default_usage_month()])
        report = await reports.usage_report(central_of(request).db, reports.UsageQuery(*span, "month"))
    except (InvalidValue, reports.NotBuilt) as error:
        return Response(error.message_ja, 400, media_type="text/plain; charset=utf-8")
    months, series = usage_series(report)
    title = f"月別の資格確認件数（方法別、{months[0]}〜{months[-1]}）"
    from onshi.stats_web import charts

    return await chart(lambda: charts.stacked_months(months, series, title))


# --- マイナ保険証利用率 -------------------------------------------------------------------------------


async def _rate_month(request: Request) -> date | None:
    """The month asked for, else the latest built month whose next month's claims are loaded,
    else the latest built month; None when nothing was built."""
    text = request.query_params.get("month")
    if text:
        return reports.parse_month_text(text)
    async with central_of(request).db.read() as conn:
        built = sorted(await stats.built_months(conn))
        claimed = set(await stats.claim_months(conn))
    with_claims = [m for m in built if billing_month_of(m) in claimed]
    candidates = with_claims or built
    return candidates[-1] if candidates else None


@router.get("/utilisation", response_class=HTMLResponse)
async def utilisation_page(request: Request) -> Response:
    session = await _session(request)
    if session is None:
        return see_other(LOGIN)
    params = request.query_params
    form = {
        "month": params.get("month", ""),
        "by": params.get("by", "type"),
        "facility": params.get("facility", ""),
    }
    db = central_of(request).db
    context: dict[str, Any] = {"form": form, "prefectures": PREFECTURES}
    try:
        month = await _rate_month(request)
        by = reports.parse_choice(form["by"], ("type", "prefecture"))
        if form["facility"]:
            code = FacilityCode.parse(form["facility"], "facility")
            context["facility"] = await reports.facility_report(db, code)
            context["chart_query"] = urlencode({"facility": code.digits})
        if month is not None:
            context["report"] = await reports.utilisation_report(db, reports.UtilisationQuery(month, by))
            context["query"] = urlencode({"month": format_month(month), "by": by})
    except (InvalidValue, reports.NotBuilt) as error:
        return _page(request, "utilisation.html", session, {**context, "error": error.message_ja}, 400)
    return _page(request, "utilisation.html", session, context)


@router.get("/utilisation.csv")
async def utilisation_csv(request: Request) -> Response:
    if await _session(request) is None:
        return see_other(LOGIN)
    try:
        month = await _rate_month(request)
        by = reports.parse_choice(request.query_params.get("by", "type"), reports.UTILISATION_GROUPS)
        if month is None:
            raise reports.NotBuilt([reports.default_rate_month()])
        report = await reports.utilisation_report(central_of(request).db, reports.UtilisationQuery(month, by))
    except (InvalidValue, reports.NotBuilt) as error:
        return Response(error.message_ja, 400, media_type="text/plain; charset=utf-8")
    return csv_download(report, f"utilisation-{by}-{format_month(month)}")


@router.get("/charts/facility.svg")
async def facility_chart(request: Request) -> Response:
    if await _session(request) is None:
        return see_other(LOGIN)
    try:
        code = FacilityCode.parse(request.query_params.get("facility", ""), "facility")
        report = await reports.facility_report(central_of(request).db, code)
    except InvalidValue as error:
        return Response(error.message_ja, 400, media_type="text/plain; charset=utf-8")
    return await chart(lambda: facility_trend(report))


def facility_trend(report: Report) -> bytes:
    """A facility's rate and users by month (shared with the facility's own page)."""
    rows = list(report.rows)
    months = [row["month"] for row in rows]
    rates = [Decimal(row["rate"]) if row["rate"] is not None else None for row in rows]
    users = [row["card_users"] for row in rows]
    from onshi.stats_web import charts

    return charts.rate_trend(months, rates, users, "マイナ保険証利用率と利用人数の推移")
