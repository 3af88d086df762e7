"""The FAQ content and the search: n-gram keywords, the model, their mix, codes first."""

from __future__ import annotations

import re

import pytest
import typer.main

from onshi.cli import app
from onshi.help import embedding, precomputed
from onshi.help.faq import CATEGORY_LABELS, load_entries
from onshi.help.keyword import Bm25, grams
from onshi.help.search import HelpSearch, semantic_texts


def test_the_faq_has_at_least_40_bilingual_entries_in_every_topic() -> None:
    entries = load_entries()
    assert len(entries) >= 40
    assert len({entry.id for entry in entries}) == len(entries)
    for entry in entries:
        assert entry.category in CATEGORY_LABELS, entry.id
        for text in (entry.question_ja, entry.answer_ja, entry.question_en, entry.answer_en, entry.source):
            assert text.strip(), entry.id
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", entry.answer_ja), entry.id
    topics = {"counter", "card", "home", "online", "fallback", "consent", "emergency", "batch"}
    topics |= {"onboarding", "subsidy", "addon", "transitional"}
    assert topics <= {entry.category for entry in entries}


def test_every_answer_links_to_where_it_is_done_or_says_onshi_lacks_it() -> None:
    for entry in load_entries():
        assert entry.links or "まだ" in entry.answer_ja, entry.id


def _command_exists(words: list[str]) -> bool:
    command = typer.main.get_command(app)
    for word in words:
        commands = getattr(command, "commands", None)
        if commands is None or word not in commands:
            return False
        command = commands[word]
    return True


def test_every_linked_command_is_a_real_onshi_command() -> None:
    for entry in load_entries():
        for link in entry.links:
            if link.kind != "command":
                continue
            words = link.target.split()
            assert words[0] == "onshi", link.target
            path: list[str] = []
            for word in words[1:]:
                if word.startswith("-") or not re.fullmatch(r"[a-z|]+", word):
                    break
                path.append(word)
            alternatives = path[-1].split("|")
            for alternative in alternatives:
                assert _command_exists([*path[:-1], alternative]), f"{entry.id}: {link.target}"


def test_grams_fold_katakana_half_width_and_case() -> None:
    assert grams("カードリーダー") == grams("ｶｰﾄﾞﾘｰﾀﾞｰ") == grams("かーどりーだー")
    assert grams("PIN Locked") == ["pin", "locked"]
    assert "顔" in grams("顔認証")  # single kanji count


def test_bm25_ranks_the_document_sharing_rare_grams_first() -> None:
    index = Bm25([grams("暗証番号のロック"), grams("補助金の申請"), grams("顔認証の失敗")])
    scores = index.scores(grams("暗証番号がロックされた"))
    assert scores.index(max(scores)) == 0
    assert index.scores(grams("無関係")) == [0.0, 0.0, 0.0]


def test_no_qualification_data_returns_the_fallback_procedure_first(
    search: HelpSearch, keyword_search: HelpSearch
) -> None:
    for mode in (search, keyword_search):
        first = mode.search("資格情報なしと表示された").hits[0].entry
        assert first.id == "counter-no-data", mode.mode
        assert "被保険者資格申立書" in first.answer_ja
        assert any("/fallback/new" in link.target for link in first.links)


def test_a_code_in_the_question_is_explained_before_the_answers(search: HelpSearch) -> None:
    answer = search.search("画面に ONSE9501 と出た")
    assert [code.code for code in answer.codes] == ["ONSE9501"]
    assert "判定ではありません" in answer.codes[0].explain_ja
    assert answer.hits[0].entry.id == "counter-technical-failure"


def test_english_questions_find_their_answers(search: HelpSearch) -> None:
    assert search.search("the PIN is locked after three wrong tries").hits[0].entry.id == "card-pin-locked"


def test_an_empty_question_answers_nothing(search: HelpSearch) -> None:
    answer = search.search("   ")
    assert answer.hits == () and answer.codes == ()


def test_top_limits_the_answers(search: HelpSearch) -> None:
    assert len(search.search("補助金", top=5).hits) == 5
    assert len(search.search("補助金", top=1).hits) == 1


def test_without_a_model_the_keyword_search_answers_alone(keyword_search: HelpSearch) -> None:
    answer = keyword_search.search("暗証番号ロック")
    assert answer.mode == "keyword"
    assert answer.hits[0].entry.id == "card-pin-locked"
    assert answer.hits[0].semantic is None
    assert keyword_search.search("zzzz qqqq").hits == ()


def test_the_model_setting_is_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(embedding.ENV, "none")
    assert embedding.choose() is None
    monkeypatch.setenv(embedding.ENV, "gpt")
    with pytest.raises(ValueError, match="ONSHI_HELP_MODEL"):
        embedding.choose()
    monkeypatch.setenv(embedding.ENV, "auto")
    assert embedding.choose() == "e5"


def test_the_packaged_embeddings_match_the_faq() -> None:
    texts = [text for entry in load_entries() for text in semantic_texts(entry)]
    assert precomputed.is_current("e5", texts), "faq.json changed: run `python -m onshi.help.precompute`"
    vectors = precomputed.load("e5", texts)
    assert vectors is not None and vectors.shape == (len(texts), 384)
    assert precomputed.load("e5", [*texts, "extra"]) is None
