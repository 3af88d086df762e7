"""`onshi help` through the installed executable, as staff and scripts run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ONSHI = Path(sys.executable).with_name("onshi")


def onshi_help(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ONSHI), "help", *args],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": "200"},
        timeout=120,
    )


def test_no_qualification_data_answers_with_the_fallback_procedure_first() -> None:
    result = onshi_help("資格情報なしと表示された")
    assert result.returncode == 0, result.stderr
    first = result.stdout.split("\n\n")[0]
    assert first.startswith("1. 「資格情報なし」と表示されたときの対応は？")
    assert "被保険者資格申立書" in first
    assert "受付 /fallback/new" in first
    assert "出典:" in first
    assert "2. " in result.stdout and "3. " in result.stdout and "4. " not in result.stdout


def test_json_in_english_with_a_code_explained_first() -> None:
    result = onshi_help("ONSE9501 appeared", "--json", "--lang", "en", "--top", "1")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["lang"] == "en"
    assert body["codes"][0]["code"] == "ONSE9501"
    assert "Not a verdict" in body["codes"][0]["explanation"]
    assert [hit["id"] for hit in body["results"]] == ["counter-technical-failure"]
    assert body["mode"].startswith("hybrid")


def test_keyword_only_when_the_model_is_switched_off_and_exit_1_on_nothing() -> None:
    env = {**os.environ, "ONSHI_HELP_MODEL": "none", "COLUMNS": "200"}
    run = subprocess.run(
        [str(ONSHI), "help", "暗証番号 ロック", "--top", "1"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.startswith("1. 暗証番号を3回間違えて")
    assert "(検索方式: keyword)" in run.stdout
    nothing = subprocess.run(
        [str(ONSHI), "help", "zzzz"], capture_output=True, text=True, env=env, timeout=120
    )
    assert nothing.returncode == 1
    assert "見つかりませんでした" in nothing.stdout
