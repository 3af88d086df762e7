from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest

from onshi import wire
from onshi.domain.codes import ReferenceClassification
from onshi.domain.dates import JST
from onshi.reader.facefile import face_filename, write_face_file
from onshi.wire import qualification as wire_result
from onshi.wire.qualification import ResultHeader

NAME = re.compile(r"^OQSsiquc01res_face_1310000017[0-9a-f]{20}_20261123093000\.xml$")


def test_the_name_has_the_real_terminals_form() -> None:
    names = {face_filename("1310000017", "20261123093000") for _ in range(5)}
    assert all(NAME.match(name) for name in names)
    assert len(names) == 5
    with pytest.raises(ValueError, match="bad facility code"):
        face_filename("131", "20261123093000")


def test_the_file_is_written_whole_into_the_face_folder(tmp_path: Path) -> None:
    header = ResultHeader(
        "1310000017",
        datetime(2026, 11, 23, 9, 30, tzinfo=JST),
        reference_classification=ReferenceClassification.MY_NUMBER_CARD,
    )
    document = {"MessageHeader": wire_result.header(header), "MessageBody": {"ProcessingResultStatus": "1"}}
    path = write_face_file(tmp_path, document, wire.SHIFT_JIS)
    assert path.parent == tmp_path / "face"
    assert NAME.match(path.name)
    assert [p.name for p in (tmp_path / "face").iterdir()] == [path.name]  # no temporary left behind
    parsed = wire.parse(path.read_bytes(), wire.MessageKind.SINGLE_INQUIRY_RESULT, lenient=True)
    assert parsed.encoding == wire.SHIFT_JIS
