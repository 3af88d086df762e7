"""The FAQ as typed values, loaded once from the packaged `faq.json`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any, Literal

Lang = Literal["ja", "en"]
LANGS: tuple[Lang, ...] = ("ja", "en")


@dataclass(frozen=True, slots=True)
class Link:
    """Where the thing is done: a command, a screen of the desk, an API, a document or the portal."""

    kind: str
    target: str
    label_ja: str
    label_en: str

    def label(self, lang: Lang) -> str:
        return self.label_ja if lang == "ja" else self.label_en


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    category: str
    question_ja: str
    answer_ja: str
    question_en: str
    answer_en: str
    links: tuple[Link, ...]
    source: str

    def question(self, lang: Lang) -> str:
        return self.question_ja if lang == "ja" else self.question_en

    def answer(self, lang: Lang) -> str:
        return self.answer_ja if lang == "ja" else self.answer_en


CATEGORY_LABELS: dict[str, tuple[str, str]] = {
    "counter": ("窓口での資格確認", "At the counter"),
    "card": ("マイナンバーカード・カードリーダー", "My Number Card and readers"),
    "home": ("訪問診療・訪問看護", "Home visits"),
    "online": ("オンライン診療", "Online care"),
    "fallback": ("確認できないとき（申立書）", "When confirmation fails (declaration)"),
    "consent": ("同意", "Consent"),
    "emergency": ("緊急時資格確認機能", "Emergency function"),
    "batch": ("一括照会・照会番号", "Batch inquiry and reference numbers"),
    "onboarding": ("導入・運用開始", "Onboarding"),
    "subsidy": ("補助金・支援金", "Subsidies"),
    "addon": ("診療報酬の加算", "Fee add-ons"),
    "transitional": ("経過措置", "Transitional measures"),
    "support": ("問い合わせ・エラーコード", "Support and error codes"),
}


def category_label(category: str, lang: Lang) -> str:
    ja, en = CATEGORY_LABELS.get(category, (category, category))
    return ja if lang == "ja" else en


def _entry(raw: dict[str, Any]) -> Entry:
    links = tuple(Link(**link) for link in raw["links"])
    return Entry(
        id=raw["id"],
        category=raw["category"],
        question_ja=raw["question_ja"],
        answer_ja=raw["answer_ja"],
        question_en=raw["question_en"],
        answer_en=raw["answer_en"],
        links=links,
        source=raw["source"],
    )


@cache
def load_entries() -> tuple[Entry, ...]:
    text = resources.files("onshi.help").joinpath("faq.json").read_text(encoding="utf-8")
    return tuple(_entry(raw) for raw in json.loads(text)["entries"])
