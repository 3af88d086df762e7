"""`onshi operator emergency …` and the emergency lines of `onshi terminal status`, through the
real executable."""

from __future__ import annotations

from pathlib import Path

from onshi.terminal.emergency import STATUS_NAME, EmergencyState
from onshi.terminal.journal import Journal
from tests.cli.conftest import Cli


def test_switch_on_list_and_off(onshi: Cli) -> None:
    onshi("facility", "add", "--code", "1310000017", "--name", "テスト診療所")
    on = onshi("operator", "emergency", "on", "--prefecture", "13", "--reason", "東京都内の回線障害")
    assert on.stdout.startswith(
        "緊急時資格確認機能を有効にしました: #1 都道府県 13（東京都）（理由: 東京都内の回線障害）"
    )
    assert "emergency function switched on: #1" in on.stdout
    again = onshi("operator", "emergency", "on", "--prefecture", "１３", "--reason", "再度")
    assert again.stdout.startswith("既に有効です: #1")
    facility = onshi("operator", "emergency", "on", "--facility", "1310000017", "--reason", "院内LAN障害")
    assert "#2 医療機関等 1310000017" in facility.stdout

    listed = onshi("operator", "emergency", "list").stdout
    assert "東京都内の回線障害" in listed and "院内LAN障害" in listed

    off = onshi("operator", "emergency", "off", "1")
    assert off.stdout.startswith("緊急時資格確認機能を解除しました: #1")
    listed = onshi("operator", "emergency", "list").stdout
    assert "院内LAN障害" in listed and "東京都内の回線障害" not in listed
    assert "東京都内の回線障害" in onshi("operator", "emergency", "list", "--all").stdout

    twice = onshi("operator", "emergency", "off", "1", check=False)
    assert twice.returncode == 1 and "既に解除されています" in twice.stderr
    unknown = onshi("operator", "emergency", "off", "99", check=False)
    assert unknown.returncode == 1 and "記録はありません" in unknown.stderr
    onshi("operator", "emergency", "off", "2")
    assert "有効な緊急時資格確認機能はありません" in onshi("operator", "emergency", "list").stdout
    trail = onshi("audit", "tail").stdout
    assert trail.count("emergency.on") == 3 and trail.count("emergency.off") == 2


def test_bad_switches_are_refused(onshi: Cli) -> None:
    both = onshi(
        "operator", "emergency", "on", "--prefecture", "13", "--facility", "1310000017", "--reason", "x",
        check=False,
    )  # fmt: skip
    assert both.returncode == 2 and "どちらか一方" in both.stderr
    neither = onshi("operator", "emergency", "on", "--reason", "x", check=False)
    assert neither.returncode == 2
    bad = onshi("operator", "emergency", "on", "--prefecture", "48", "--reason", "x", check=False)
    assert bad.returncode == 2 and "都道府県番号が存在しません" in bad.stderr
    unregistered = onshi(
        "operator", "emergency", "on", "--facility", "1310000025", "--reason", "x", check=False
    )
    assert unregistered.returncode == 2 and "登録されていません" in unregistered.stderr
    assert "有効な緊急時資格確認機能はありません" in onshi("operator", "emergency", "list", "--all").stdout


def test_terminal_status_shows_the_switch_and_the_emergency_answers(onshi: Cli, tmp_path: Path) -> None:
    root = tmp_path / "terminal"
    journal = Journal(root / ".onshi" / "journal.sqlite3")
    try:
        quiet = onshi("terminal", "status", "--root", str(root)).stdout
        assert "緊急時資格確認機能 emergency function: 無効（通常運用）（未確認 / never checked）" in quiet
        state = EmergencyState(
            True, 4, "prefecture", "2026-11-23T09:00:00+09:00", "回線障害", "2026-11-23T09:05:00"
        )
        journal.set_status(STATUS_NAME, state.to_json())
        for name in ("a", "b", "c"):
            entry = journal.receive(f"OQSsiquc01req_{name}.xml", b"<XmlMsg/>")
            journal.answered_in_emergency(entry.id, f"OQSsiquc01res_{name}.xml", b"<r/>")
            journal.done(entry.id)
            if name == "a":
                journal.reconciled(entry.id, "OQSsiquc01res_a_reconciled.xml", b"<real/>")
                journal.reconciliation_done(entry.id)
    finally:
        journal.close()
    shown = onshi("terminal", "status", "--root", str(root)).stdout
    assert (
        "緊急時資格確認機能 emergency function: 有効（#4 都道府県単位、2026-11-23T09:00:00+09:00 から、理由: 回線障害）"
        in shown
    )
    assert "緊急時回答 answered in emergency mode: 3、照合済み reconciled: 1、照合待ち waiting: 2" in shown
