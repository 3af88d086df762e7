"""The help page (`GET /help`, server-rendered Japanese, `?lang=en` for English) and its JSON
twin (`GET /api/v1/help?q=`), mounted on central. Public: it holds no personal data.

The page is a plain GET form (`?q=`), so it works without JavaScript: codes typed into the
question are explained first, then the best FAQ answers with their links and sources. With
no question it lists every FAQ entry by category.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape

from onshi.help.faq import CATEGORY_LABELS, Lang, category_label, load_entries
from onshi.help.payload import answer_dict
from onshi.help.search import default_search

MAX_QUERY = 500  # characters; a question, not a document
PAGE_RESULTS = 5

router = APIRouter(tags=["help"])
templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
_CODE_SPAN = re.compile(r"`([^`]+)`")


def code_spans(text: str) -> Markup:
    """Answer text with its `command` spans as <code> (the text itself escaped first)."""
    return Markup(_CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))  # noqa: S704 (escaped above)


templates.env.filters["code_spans"] = code_spans

UI: dict[Lang, dict[str, str]] = {
    "ja": {
        "title": "onshi ヘルプ — 受付スタッフ向け",
        "heading": "困ったときのヘルプ",
        "intro": "ふだんの言葉で質問するか、画面に出たエラーコード（例: ONSE9501）を入力してください。",
        "skip": "本文へ移動",
        "label": "質問またはエラーコード",
        "hint": "例: 資格情報なしと表示された／暗証番号がロックされた／ONSP3001",
        "search": "検索",
        "other_lang": "English",
        "codes": "コードの説明",
        "meaning": "意味",
        "next": "次にすること",
        "results": "おすすめの回答",
        "count": "「{q}」の検索結果: コード {codes} 件、回答 {hits} 件",
        "none": "該当する回答が見つかりませんでした。言葉を変えて試すか、下の一覧から探してください。",
        "where": "どこで行うか",
        "source": "出典",
        "all": "すべての質問",
        "mode": "検索方式",
        "public": "このページに個人情報は含まれません。",
    },
    "en": {
        "title": "onshi help — for reception staff",
        "heading": "Help",
        "intro": "Ask in your own words, or type the error code shown on screen (e.g. ONSE9501).",
        "skip": "Skip to content",
        "label": "Question or error code",
        "hint": "e.g. no qualification data shown / PIN locked / ONSP3001",
        "search": "Search",
        "other_lang": "日本語",
        "codes": "Codes explained",
        "meaning": "What it means",
        "next": "Next step",
        "results": "Best answers",
        "count": "Results for “{q}”: {codes} code(s), {hits} answer(s)",
        "none": "No answer found. Try other words or browse the list below.",
        "where": "Where it is done",
        "source": "Source",
        "all": "All questions",
        "mode": "Search",
        "public": "This page holds no personal data.",
    },
}


def _language(lang: str | None) -> Lang:
    return "en" if lang == "en" else "ja"


def _browse(lang: Lang) -> list[dict[str, Any]]:
    groups: list[dict[str, Any]] = []
    entries = load_entries()
    for category in CATEGORY_LABELS:
        members = [entry for entry in entries if entry.category == category]
        if members:
            groups.append({"id": category, "label": category_label(category, lang), "entries": members})
    return groups


@router.get("/help", response_class=HTMLResponse, summary="ヘルプ（受付スタッフ向け FAQ・エラーコード）")
def help_page(request: Request, q: str = "", lang: str | None = None) -> HTMLResponse:
    language = _language(lang)
    query = q.strip()[:MAX_QUERY]
    answer = default_search().search(query, PAGE_RESULTS) if query else None
    other: Lang = "en" if language == "ja" else "ja"
    other_url = "/help?" + urlencode({"q": query, "lang": other} if query else {"lang": other})
    context = {
        "lang": language,
        "t": UI[language],
        "q": query,
        "answer": answer,
        "other_url": other_url,
        "other_lang": other,
        "groups": _browse(language) if answer is None or not answer.hits else [],
    }
    return templates.TemplateResponse(request, "help.html", context)


@router.get("/api/v1/help", summary="ヘルプ検索（JSON）: コードの説明と FAQ の回答")
def help_api(
    q: Annotated[str, Query(min_length=1, max_length=MAX_QUERY, description="質問またはエラーコード")],
    lang: Literal["ja", "en"] = "ja",
    top: Annotated[int, Query(ge=1, le=20)] = 3,
) -> JSONResponse:
    return JSONResponse(answer_dict(default_search().search(q, top), lang))
