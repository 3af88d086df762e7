"""`onshi help "質問"`: answers for reception staff from the FAQ, codes explained first."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import TYPE_CHECKING

import typer

from onshi.help.faq import Lang, category_label

if TYPE_CHECKING:
    from onshi.help.search import Answer


class HelpLang(StrEnum):
    ja = "ja"
    en = "en"


_WORDS = {
    "ja": {
        "meaning": "意味",
        "next": "次にすること",
        "source": "出典",
        "none": "該当する回答が見つかりませんでした。言葉を変えて試してください。",
        "mode": "検索方式",
    },
    "en": {
        "meaning": "What it means",
        "next": "Next step",
        "source": "Source",
        "none": "No answer found; try other words.",
        "mode": "Search",
    },
}


def _text(answer: Answer, lang: Lang) -> str:
    words = _WORDS[lang]
    lines: list[str] = []
    for code in answer.codes:
        lines += [f"■ {code.title(lang)}", f"  {words['meaning']}: {code.explanation(lang)}"]
        lines += [f"  {words['next']}: {code.next_step(lang)}", ""]
    for rank, hit in enumerate(answer.hits, 1):
        entry = hit.entry
        lines.append(f"{rank}. {entry.question(lang)}  [{category_label(entry.category, lang)} · {entry.id}]")
        lines.append(f"   {entry.answer(lang)}")
        lines += [f"   → {link.label(lang)}: {link.target}" for link in entry.links]
        lines += [f"   {words['source']}: {entry.source}", ""]
    if not answer.codes and not answer.hits:
        lines += [words["none"], ""]
    lines.append(f"({words['mode']}: {answer.mode})")
    return "\n".join(lines)


def help_command(
    question: str = typer.Argument(
        ..., help="質問（ふだんの言葉で）またはエラーコード, e.g. 資格情報なしと表示された"
    ),
    top: int = typer.Option(3, "--top", min=1, max=20, help="how many FAQ answers to show"),
    lang: HelpLang = typer.Option(HelpLang.ja, "--lang", help="answer language"),
    as_json: bool = typer.Option(
        False, "--json", help="print the answer as JSON (the shape of GET /api/v1/help)"
    ),
) -> None:
    """Answer a reception-staff question from the FAQ (codes such as ONSE9501 are explained first).

    Exit 0 when something was found, 1 when nothing matched.
    """
    language: Lang = "ja" if lang is HelpLang.ja else "en"
    # Imported here: numpy and the model load only when someone asks, not for every command.
    from onshi.help.payload import answer_dict
    from onshi.help.search import default_search

    answer = default_search().search(question, top)
    if as_json:
        print(json.dumps(answer_dict(answer, language), ensure_ascii=False, indent=2))
    else:
        print(_text(answer, language))
    if not answer.codes and not answer.hits:
        raise typer.Exit(1)
