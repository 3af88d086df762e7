"""Held-out accuracy: 50 questions in staff's own words (tests/help/heldout.json), written from
the topic list before the FAQ text and never used for tuning (dev.json is for that)."""

from __future__ import annotations

import sys

import pytest

from onshi.help.search import HelpSearch
from tests.help.conftest import questions


def accuracy(search: HelpSearch, name: str) -> tuple[float, float]:
    asked = questions(name)
    top1 = top3 = 0
    for question in asked:
        found = [hit.entry.id for hit in search.search(question["q"], 3).hits]
        top1 += found[:1] == [question["expected"]]
        top3 += question["expected"] in found
    return top1 / len(asked), top3 / len(asked)


def test_the_heldout_set_is_50_questions_on_real_entries(search: HelpSearch) -> None:
    asked = questions("heldout")
    assert len(asked) == 50
    ids = {entry.id for entry in search.entries}
    assert all(question["expected"] in ids for question in asked)
    assert not {question["q"] for question in asked} & {question["q"] for question in questions("dev")}


def test_heldout_accuracy(
    search: HelpSearch, keyword_search: HelpSearch, capsys: pytest.CaptureFixture[str]
) -> None:
    hybrid = accuracy(search, "heldout")
    keyword = accuracy(keyword_search, "heldout")
    with capsys.disabled():
        sys.stdout.write(
            f"\nhelp held-out (50): {search.mode}: top-1 {hybrid[0]:.0%}, top-3 {hybrid[1]:.0%}\n"
        )
        sys.stdout.write(
            f"help held-out (50): keyword only: top-1 {keyword[0]:.0%}, top-3 {keyword[1]:.0%}\n"
        )
    assert hybrid[1] >= 0.9
    assert keyword[1] >= 0.7  # a sane floor for the fallback without a model
