"""Documents survive XML (UTF-8 and Shift_JIS) and JSON unchanged: any document of any
message kind (generated from its spec), and results built from any qualification."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onshi import wire
from onshi.domain.codes import (
    CardClassification,
    CharacterCode,
    LimitCategory,
    LimitCertificateClass,
    Sex,
    Validity,
)
from onshi.domain.dates import JST
from onshi.domain.eligibility import Reason, Verdict
from onshi.domain.names import clean_name
from onshi.domain.qualification import ElderlyRecipientCertificate, LimitCertificate, Qualification
from onshi.wire.messages import MESSAGES
from onshi.wire.qualification import ResultHeader, header, verdict_body
from tests.factories import key, qualification
from tests.wire.strategies import documents

RESULT = wire.MessageKind.SINGLE_INQUIRY_RESULT
# Names real systems mangle: 外字 outside CP932, IVS, CP932-only symbols, wave dashes.
NAME_CHARS = st.sampled_from([*"山田太郎花子髙﨑𠮷邉齋①～〜ｱｲｳ　", "邉\U000e0104", "葛\U000e0100"])
names = st.lists(NAME_CHARS, min_size=1, max_size=8).map("".join).map(clean_name).filter(bool)  # as stored
days = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))
optional_days = st.one_of(st.none(), days)


@st.composite
def qualifications(draw: st.DrawFn) -> Qualification:
    return qualification(
        key=key(
            symbol=draw(st.sampled_from(["", "12-34", "練馬"])),
            number=draw(st.from_regex(r"\A[0-9]{1,8}\Z")),
            branch=draw(st.sampled_from([None, "00", "03"])),
        ),
        name=draw(names),
        name_kana=draw(st.sampled_from(["ヤマダ タロウ", "ガギグ パピプ", "ヴ"])),
        insured_name=draw(st.one_of(st.none(), names)),
        sex1=draw(st.sampled_from(list(Sex))),
        birthdate=draw(days),
        qualification_date=draw(days),
        disqualification_date=draw(optional_days),
        card_classification=draw(st.sampled_from(list(CardClassification))),
        copay_percent=draw(st.sampled_from([None, 10, 20, 30])),
        address=draw(st.one_of(st.none(), names)),
        elderly=draw(
            st.one_of(
                st.none(),
                st.builds(
                    ElderlyRecipientCertificate,
                    optional_days,
                    optional_days,
                    optional_days,
                    st.sampled_from([None, 20, 30]),
                ),
            )
        )
        or None,
        limit=draw(
            st.one_of(
                st.none(),
                st.builds(
                    LimitCertificate,
                    st.sampled_from(list(LimitCertificateClass)),
                    st.sampled_from(list(LimitCategory)),
                    optional_days,
                ),
            )
        )
        or None,
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(qualifications(), min_size=0, max_size=3),
    st.sampled_from([wire.UTF8, wire.SHIFT_JIS]),
    st.booleans(),
)
def test_result_roundtrip(results: list[Qualification], encoding: str, consent: bool) -> None:
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
    verdict = Verdict(Validity.VALID if results else Validity.NOT_FOUND, Reason.VALID, tuple(results))
    document = {
        "MessageHeader": header(ResultHeader("1311111111", moment, date(2026, 11, 23), "id-1")),
        "MessageBody": verdict_body(verdict, date(2026, 11, 23), None, moment if consent else None),
    }
    expected = with_character_code(wire.prune(document), RESULT, encoding)
    xml = wire.to_xml(document, RESULT, encoding)
    parsed = wire.parse(xml, RESULT)
    assert parsed.encoding == encoding
    assert parsed.document == expected
    assert orjson.loads(orjson.dumps(wire.to_json(document))) == {"XmlMsg": wire.prune(document)}


def with_character_code(document: dict[str, Any], kind: wire.MessageKind, encoding: str) -> dict[str, Any]:
    """What a file written in `encoding` says: results state their encoding in the header."""
    header_names = {c.name for c in MESSAGES[kind].spec.child("MessageHeader").children}
    if "CharacterCodeIdentifier" not in header_names:
        return document
    code = CharacterCode.SHIFT_JIS if encoding == wire.SHIFT_JIS else CharacterCode.UTF8
    return {**document, "MessageHeader": {**document["MessageHeader"], "CharacterCodeIdentifier": code.value}}


@pytest.mark.parametrize("kind", list(wire.MessageKind))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_every_kind_roundtrips(kind: wire.MessageKind, data: st.DataObject) -> None:
    document = data.draw(documents(kind), label="document")
    encoding = data.draw(st.sampled_from([wire.UTF8, wire.SHIFT_JIS]), label="encoding")
    xml = wire.to_xml(document, kind, encoding)
    parsed = wire.parse(xml, kind)
    assert parsed.kind is kind
    assert parsed.encoding == encoding
    assert parsed.document == with_character_code(wire.prune(document), kind, encoding)
    assert wire.parse(xml, kind, lenient=True).document == parsed.document
    assert orjson.loads(orjson.dumps(wire.to_json(document))) == {"XmlMsg": wire.prune(document)}


def test_writers_state_the_encoding_they_write() -> None:
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
    document = {"MessageHeader": header(ResultHeader("1311111111", moment)), "MessageBody": {}}
    for encoding, code in ((wire.UTF8, "0"), (wire.SHIFT_JIS, "1")):
        parsed = wire.parse(wire.to_xml(document, RESULT, encoding), RESULT)
        assert parsed.document["MessageHeader"]["CharacterCodeIdentifier"] == code
    with pytest.raises(ValueError, match="encoding"):
        wire.to_xml(document, RESULT, "EUC-JP")


def test_characters_outside_shift_jis_become_references_not_question_marks() -> None:
    moment = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
    verdict = Verdict(Validity.VALID, Reason.VALID, (qualification(name="𠮷田　邉\U000e0104"),))
    document = {
        "MessageHeader": header(ResultHeader("1311111111", moment)),
        "MessageBody": verdict_body(verdict, date(2026, 1, 1), None),
    }
    xml = wire.to_xml(document, RESULT, wire.SHIFT_JIS)
    assert b"&#134071;" in xml  # 𠮷
    assert b"?" not in xml.split(b"?>", 1)[1]
    assert (
        wire.parse(xml, RESULT).document["MessageBody"]["ResultList"][0]["ResultOfQualificationConfirmation"][
            "Name"
        ]
        == "𠮷田　邉\U000e0104"
    )
