"""One JSON shape for a help answer, shared by `onshi help --json` and `GET /api/v1/help`."""

from __future__ import annotations

from typing import Any

from onshi.help.codes import CodeHelp
from onshi.help.faq import Lang, category_label
from onshi.help.search import Answer


def code_dict(code: CodeHelp, lang: Lang) -> dict[str, Any]:
    return {
        "code": code.code,
        "kind": code.kind,
        "title": code.title(lang),
        "explanation": code.explanation(lang),
        "next_step": code.next_step(lang),
        "http_status": code.http_status,
    }


def answer_dict(answer: Answer, lang: Lang) -> dict[str, Any]:
    return {
        "query": answer.query,
        "lang": lang,
        "mode": answer.mode,
        "codes": [code_dict(code, lang) for code in answer.codes],
        "results": [
            {
                "id": hit.entry.id,
                "category": hit.entry.category,
                "category_label": category_label(hit.entry.category, lang),
                "question": hit.entry.question(lang),
                "answer": hit.entry.answer(lang),
                "links": [
                    {"kind": link.kind, "target": link.target, "label": link.label(lang)}
                    for link in hit.entry.links
                ],
                "source": hit.entry.source,
                "score": hit.score,
                "keyword_score": hit.keyword,
                "semantic_score": hit.semantic,
            }
            for hit in answer.hits
        ],
    }
