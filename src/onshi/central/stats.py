"""The statistics over HTTP (docs/statistics.md) — the same reports as `onshi stats`.

Operator (operator keys):

* `GET /api/v1/operator/stats/adoption?as_of=YYYY-MM-DD&by=type|prefecture&type=…&obligated=1`
* `GET /api/v1/operator/stats/adoption/ranking?as_of=…&obligated=1`
* `GET /api/v1/operator/stats/usage?month=YYYY-MM` (or `from`/`to`) `&by=type|prefecture|month`
* `GET /api/v1/operator/stats/utilisation?month=YYYY-MM&by=type|prefecture|facility&type=…&prefecture=NN`
* `GET /api/v1/operator/stats/facilities/{facility_code}/utilisation` — one facility's months
  and its support money
* `POST /api/v1/operator/stats/feeds/{feed}` — `facilities` or `claims` CSV; the import report

Facility (its own key or terminal certificate): `GET /api/v1/facility/stats/utilisation` — its
own months, rates and support money (what its "my page" shows).

Reports come as JSON (`onshi stats … --json` prints the same), or with `format=csv` as the CSV
export (UTF-8 with BOM). A bad parameter is 422; a month whose roll-up was never built is 409.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Query, Request
from starlette.responses import Response

from onshi.central.auth import authenticate
from onshi.central.context import Central
from onshi.central.csv_upload import CSV_BODY, receive_feed
from onshi.central.responses import json_response, problem
from onshi.domain.actors import ActorKind
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityCode
from onshi.feeds.stats_csv import FEEDS, FeedFormatError
from onshi.services import stats_reports as reports
from onshi.services.insurer_import import ImportReport
from onshi.services.stats_import import import_stats_feed
from onshi.services.stats_report import Report, to_csv

router = APIRouter(tags=["statistics"])
OPERATOR = frozenset({ActorKind.OPERATOR})
FACILITY = frozenset({ActorKind.FACILITY})
PREFIX = "/api/v1/operator/stats"


def Text() -> Any:  # noqa: N802 — a fresh parameter each time (FastAPI must not share one)
    return Query(None, max_length=32)


def Format() -> Any:  # noqa: N802
    return Query("json", max_length=8, description="json or csv (UTF-8 with BOM)")


def csv_response(report: Report, filename: str) -> Response:
    headers = {"Content-Disposition": f'attachment; filename="{filename}.csv"'}
    return Response(to_csv(report).encode("utf-8"), 200, headers, media_type="text/csv; charset=utf-8")


async def respond(output: str | None, build: Callable[[], Awaitable[Report]]) -> Response:
    if output not in (None, "json", "csv"):
        return problem(422, "bad_parameter", "format は json / csv のいずれかです")
    try:
        report = await build()
    except InvalidValue as error:
        return problem(422, "bad_parameter", f"{error.field}: {error.message_ja}")
    except reports.NotBuilt as missing:
        return problem(409, "not_built", missing.message_ja)
    return csv_response(report, report.name) if output == "csv" else json_response(report.as_json())


@router.get(f"{PREFIX}/adoption", summary="導入状況（施設類型別・都道府県別）")
async def adoption(
    request: Request, as_of: str | None = Text(), by: str = Query("type", max_length=16), type: str | None = Text(),
    obligated: str | None = Query(None, max_length=4), format: str | None = Format(),
) -> Response:  # fmt: skip
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)

    async def build() -> Report:
        query = reports.AdoptionQuery(
            parse_flexible_date(as_of, "as_of") if as_of else today_jst(),
            reports.parse_choice(by, reports.ADOPTION_GROUPS),
            reports.parse_type(type),
            reports.parse_flag(obligated),
        )
        return await reports.adoption_report(central.db, query)

    return await respond(format, build)


@router.get(f"{PREFIX}/adoption/ranking", summary="都道府県別の運用開始状況（上位・下位5都道府県）")
async def ranking(
    request: Request, as_of: str | None = Text(), obligated: str | None = Query(None, max_length=4),
    format: str | None = Format(),
) -> Response:  # fmt: skip
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)

    async def build() -> Report:
        day = parse_flexible_date(as_of, "as_of") if as_of else today_jst()
        return await reports.ranking_report(central.db, day, reports.parse_flag(obligated))

    return await respond(format, build)


@router.get(f"{PREFIX}/usage", summary="利用状況（資格確認・一括照会・閲覧の件数）")
async def usage(
    request: Request, month: str | None = Text(), first: str | None = Query(None, alias="from", max_length=32),
    last: str | None = Query(None, alias="to", max_length=32), by: str = Query("type", max_length=16),
    format: str | None = Format(),
) -> Response:  # fmt: skip
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)

    async def build() -> Report:
        single = reports.parse_month_text(month) if month else reports.default_usage_month()
        start = reports.parse_month_text(first, "from") if first else single
        end = reports.parse_month_text(last, "to") if last else single
        query = reports.UsageQuery(start, end, reports.parse_choice(by, reports.USAGE_GROUPS))
        return await reports.usage_report(central.db, query)

    return await respond(format, build)


@router.get(f"{PREFIX}/utilisation", summary="マイナ保険証利用率（施設類型別・都道府県別・施設別）")
async def utilisation(
    request: Request, month: str | None = Text(), by: str = Query("type", max_length=16), type: str | None = Text(),
    prefecture: str | None = Query(None, max_length=4), format: str | None = Format(),
) -> Response:  # fmt: skip
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)

    async def build() -> Report:
        query = reports.UtilisationQuery(
            reports.parse_month_text(month) if month else reports.default_rate_month(),
            reports.parse_choice(by, reports.UTILISATION_GROUPS),
            reports.parse_type(type),
            reports.parse_prefecture(prefecture),
        )
        return await reports.utilisation_report(central.db, query)

    return await respond(format, build)


@router.get(f"{PREFIX}/facilities/{{facility_code}}/utilisation", summary="施設の月別利用率と支援金")
async def facility_utilisation(
    request: Request, facility_code: str, format: str | None = Format()
) -> Response:
    central: Central = request.app.state.central
    await authenticate(central, request, OPERATOR, None)

    async def build() -> Report:
        return await reports.facility_report(
            central.db, FacilityCode.parse(facility_code[:16], "facility_code")
        )

    return await respond(format, build)


@router.post(
    f"{PREFIX}/feeds/{{feed}}",
    summary="施設データ・レセプト件数の登録（CSV）",
    openapi_extra=CSV_BODY,
)
async def upload(feed: str, request: Request) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, OPERATOR, None)

    async def load(name: str, lines: list[str], source: str) -> ImportReport:
        return await import_stats_feed(central.db, central.audit, name, lines, actor, source)

    return await receive_feed(request, feed, FEEDS, load, (FeedFormatError,))


@router.get("/api/v1/facility/stats/utilisation", summary="自施設の月別マイナ保険証利用率と支援金")
async def own_utilisation(request: Request, format: str | None = Format()) -> Response:
    central: Central = request.app.state.central
    actor = await authenticate(central, request, FACILITY, None)

    async def build() -> Report:
        return await reports.facility_report(central.db, FacilityCode(actor.id))

    return await respond(format, build)
