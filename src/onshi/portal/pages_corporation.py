"""The corporation's page (法人: its facilities by stage) and the bulk upload (一括申請) that
corporations and the operator share: a CSV file in, the report of every row out."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from onshi.domain.portal.onboarding import Stage
from onshi.domain.portal.roles import Permission, Role
from onshi.feeds.portal_csv import COLUMNS, FEEDS, FeedFormatError
from onshi.portal.pages_common import message, signed_in
from onshi.portal.pages_operator import list_context
from onshi.portal.views import central_of, render
from onshi.services import portal_bulk
from onshi.services.portal_common import Principal

router = APIRouter(prefix="/portal", include_in_schema=False)
MAX_UPLOAD = 8 * 1024**2  # a chain's file: thousands of rows, far below this
TITLES = {
    "accounts": "アカウントの一括登録",
    "applications": "申請の一括提出（カードリーダー・利用・電子証明書）",
    "operation_start": "運用開始日の一括登録",
}


@router.get("/corporation", response_class=HTMLResponse)
async def corporation(
    request: Request,
    stage: Annotated[Stage | None, Query()] = None,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Response:
    principal = await signed_in(request, Permission.BULK)
    if not isinstance(principal, Principal):
        return principal
    if principal.role is not Role.CORPORATION:
        return message(request, principal, "利用できません", "法人のページです。", 403)
    context = await list_context(request, principal, f"{principal.display_name}の医療機関等", stage, offset)
    feeds = [(feed, TITLES[feed], "、".join(COLUMNS[feed][0] + COLUMNS[feed][1])) for feed in FEEDS]
    return render(request, "corporation.html", {**context, "feeds": feeds})


@router.post("/bulk/{feed}")
async def bulk(feed: Annotated[str, Path(max_length=32)], request: Request) -> Response:
    principal = await signed_in(request, Permission.BULK)
    if not isinstance(principal, Principal):
        return principal
    if feed not in FEEDS:
        return message(request, principal, "見つかりません", "一括申請の種類がありません。", 404)
    async with request.form(max_files=1) as form:  # closes the upload's temporary file
        file = form.get("file")
        if not isinstance(file, StarletteUpload):
            return message(request, principal, "ファイルがありません", "CSVファイルを選んでください。", 400)
        data = await file.read(MAX_UPLOAD + 1)
        filename = file.filename
    if len(data) > MAX_UPLOAD:
        return message(
            request, principal, "ファイルが大きすぎます", f"{MAX_UPLOAD // 1024**2}MBまでです。", 413
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return message(
            request,
            principal,
            "読み込めません",
            f"CSVはUTF-8で保存してください（{error.start}バイト目）。",
            415,
        )
    central = central_of(request)
    name = (filename or "upload.csv")[:100]
    try:
        report = await portal_bulk.import_bulk(
            central.db, central.audit, feed, text.splitlines(), principal, name
        )
    except FeedFormatError as error:
        return message(
            request, principal, "読み込めません", f"ファイルの形式が正しくありません: {error}", 400
        )
    back = "/portal/corporation" if principal.role is Role.CORPORATION else "/portal/operator/facilities"
    context = {
        "principal": principal,
        "report": report,
        "title": TITLES[feed],
        "filename": name,
        "back": back,
    }
    return render(request, "bulk_report.html", context)
