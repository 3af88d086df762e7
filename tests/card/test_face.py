from __future__ import annotations

import json
from pathlib import Path

from onshi.card import face


def test_captures_of_the_holder_match_and_strangers_do_not() -> None:
    template = face.new_template()
    assert all(face.matches(template, face.capture_of_holder(template)) for _ in range(20))
    assert not any(face.matches(template, face.new_template()) for _ in range(20))


def test_a_capture_can_come_from_a_file(tmp_path: Path) -> None:
    template = face.new_template()
    (tmp_path / "face.json").write_text(json.dumps([v * 3 for v in template]), encoding="utf-8")
    assert face.matches(template, face.load_template(tmp_path / "face.json"))
