"""Malformed input of every request kind raises a WireError of the right kind — never a
crash — and is answered with a conformant error result that itself parses."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from onshi import wire
from onshi.domain.dates import JST
from onshi.wire import MessageKind, WireErrorKind
from onshi.wire._spec import Field, Fmt
from onshi.wire.messages import MESSAGES
from onshi.wire.result_codes import FILE_ERRORS
from tests.wire.examples import MIC, REQUEST_KINDS, REQUESTS

NOW = datetime(2026, 11, 23, 9, 30, tzinfo=JST)
BAD = {
    Fmt.DATE: "20250230",
    Fmt.DATETIME: "20250101246000",
    Fmt.MONTH: "202513",
    Fmt.CODE: "ZZ",
    Fmt.DIGITS: "12a",
}


def good(kind: MessageKind, encoding: str = wire.UTF8) -> bytes:
    return wire.to_xml(REQUESTS[kind], kind, encoding)


def leaves(spec: Field, value: Any, path: str) -> Iterator[tuple[str, Field]]:
    """(path, field) of every leaf present in a document, paths relative to XmlMsg."""
    if spec.item is not None:
        for i, entry in enumerate(value, 1):
            yield from leaves(spec.item, entry[spec.item.name], f"{path}/{spec.item.name}[{i}]")
    elif spec.is_group:
        for child in spec.children:
            if child.name not in value:
                continue
            occurrences = value[child.name] if child.repeated else [value[child.name]]
            for i, occurrence in enumerate(occurrences, 1):
                yield from leaves(child, occurrence, f"{path}/{child.name}[{i}]".lstrip("/"))
    else:
        yield path, spec


def edited(kind: MessageKind, path: str, value: str | None) -> bytes:
    """The good file with the element at `path` removed (None) or given another value."""
    root = etree.fromstring(good(kind))
    (element,) = root.xpath(path)
    if value is None:
        element.getparent().remove(element)
    else:
        element.text = value
    return etree.tostring(root, encoding="utf-8", xml_declaration=True)


def failure(data: bytes, kind: MessageKind) -> wire.WireError:
    with pytest.raises(wire.WireError) as caught:
        wire.parse(data, kind)
    assert caught.value.message
    assert caught.value.kind in FILE_ERRORS
    return caught.value


def answered(data: bytes, kind: MessageKind, error: wire.WireError) -> dict[str, Any]:
    """The error result parses strictly as the answer kind and says SegmentOfResult 9."""
    result = wire.error_result(data, kind, error, NOW)
    assert result.kind is wire.answer_of(kind)
    parsed = wire.parse(result.to_xml(), result.kind)
    header = parsed.document["MessageHeader"]
    assert header["SegmentOfResult"] == "9"
    assert header["ErrorCode"] == FILE_ERRORS[error.kind].code
    assert FILE_ERRORS[error.kind].summary_ja in header["ErrorMessage"]
    assert header["CharacterCodeIdentifier"] == ("1" if result.encoding == wire.SHIFT_JIS else "0")
    body = parsed.document.get("MessageBody", {})
    if "ProcessingResultStatus" in {c.name for c in MESSAGES[result.kind].spec.child("MessageBody").children}:
        assert body["ProcessingResultStatus"] == "2"
    if "ResultCode" in header:
        assert header["ResultCode"] != "1"
    return header


def cases(kind: MessageKind) -> Iterator[tuple[str, bytes, WireErrorKind]]:
    text = good(kind).decode()
    yield "not xml", b"not xml at all", WireErrorKind.MALFORMED
    yield "empty", b"", WireErrorKind.MALFORMED
    yield "truncated", good(kind)[:-40], WireErrorKind.MALFORMED
    yield "wrong root", text.replace("XmlMsg>", "Other>").encode(), WireErrorKind.WRONG_MESSAGE
    yield "doctype", _with_doctype(text).encode(), WireErrorKind.FORBIDDEN_MARKUP
    yield "euc-jp", text.replace("UTF-8", "EUC-JP").encode(), WireErrorKind.ENCODING
    yield "utf-16", text.encode("utf-16"), WireErrorKind.ENCODING
    yield (
        "cp932 bytes in utf-8",
        text.replace("</XmlMsg>", "\u5c71</XmlMsg>").encode("cp932"),
        WireErrorKind.ENCODING,
    )
    for path, field in leaves(MESSAGES[kind].spec, REQUESTS[kind], ""):
        if field.required:
            yield f"missing {path}", edited(kind, path, None), WireErrorKind.MISSING_ELEMENT
        if field.fmt in BAD:
            yield f"bad {path}", edited(kind, path, BAD[field.fmt]), WireErrorKind.BAD_VALUE


def _with_doctype(text: str) -> str:
    return text.replace("?>", '?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>', 1)


ALL_CASES = [(kind, name, data, expected) for kind in REQUEST_KINDS for name, data, expected in cases(kind)]


@pytest.mark.parametrize(
    ("kind", "data", "expected"),
    [
        pytest.param(kind, data, expected, id=f"{kind.value}-{name}")
        for kind, name, data, expected in ALL_CASES
    ],
)
def test_malformed_request_is_refused_and_answered(
    kind: MessageKind, data: bytes, expected: WireErrorKind
) -> None:
    error = failure(data, kind)
    assert error.kind is expected
    answered(data, kind, error)


@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_oversized_file_is_refused_before_parsing(kind: MessageKind) -> None:
    text = good(kind).decode()
    data = text.replace("</XmlMsg>", "<!--" + "x" * MESSAGES[kind].max_bytes + "--></XmlMsg>").encode()
    error = failure(data, kind)
    assert error.kind is WireErrorKind.TOO_LARGE
    assert answered(data, kind, error)["MedicalInstitutionCode"] == MIC  # read from the first 64 KiB


@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_every_request_kind_covers_the_basic_failures(kind: MessageKind) -> None:
    found = {expected for k, _, _, expected in ALL_CASES if k is kind} | {WireErrorKind.TOO_LARGE}
    assert found >= set(WireErrorKind) - {WireErrorKind.TOO_MANY_ENTRIES, WireErrorKind.INCONSISTENT}


@pytest.mark.parametrize("kind", REQUEST_KINDS)
def test_error_result_echoes_what_could_be_read(kind: MessageKind) -> None:
    data = good(kind, wire.SHIFT_JIS).replace(b"</MessageBody>", b"<Broken></MessageBody>")
    header = answered(data, kind, failure(data, kind))
    assert header["MedicalInstitutionCode"] == MIC
    expected_identifier = REQUESTS[kind]["MessageHeader"].get("ArbitraryFileIdentifier")
    assert header.get("ArbitraryFileIdentifier") == expected_identifier
    if "ReceptionNumber" in REQUESTS[kind]["MessageBody"]:
        assert header["ReceptionNumber"] == "R-0001"
    assert wire.error_result(data, kind, failure(data, kind), NOW).encoding == wire.SHIFT_JIS


def test_error_result_without_anything_readable_uses_the_callers_facility() -> None:
    kind = MessageKind.BULK_INQUIRY_REQUEST
    error = failure(b"\x00\x01garbage", kind)
    result = wire.error_result(b"\x00\x01garbage", kind, error, NOW, facility_code="2714206386")
    header = wire.parse(result.to_xml(), result.kind).document["MessageHeader"]
    assert header["MedicalInstitutionCode"] == "2714206386"
    assert "ArbitraryFileIdentifier" not in header
    unknown = wire.error_result(b"", kind, failure(b"", kind), NOW)
    assert unknown.document["MessageHeader"]["MedicalInstitutionCode"] == "0000000000"


def test_echo_values_are_checked_not_copied() -> None:
    kind = MessageKind.SINGLE_INQUIRY_REQUEST
    data = good(kind).replace(MIC.encode(), b"13111111&amp;1").replace(b"file-7", b"x" * 101)
    header = answered(data, kind, failure(data, kind))
    assert header["MedicalInstitutionCode"] == "0000000000"
    assert "ArbitraryFileIdentifier" not in header


def test_doctype_file_is_answered_without_expanding_anything() -> None:
    kind = MessageKind.REFERENCE_NUMBER_REQUEST
    data = _with_doctype(good(kind).decode()).replace("file-7", "&e;").encode()
    header = answered(data, kind, failure(data, kind))
    assert header["MedicalInstitutionCode"] == MIC
    assert "ArbitraryFileIdentifier" not in header


@pytest.mark.parametrize(
    "kind", [MessageKind.BULK_INQUIRY_REQUEST, MessageKind.BULK_REFERENCE_NUMBER_REQUEST]
)
def test_too_many_entries(kind: MessageKind) -> None:
    body = REQUESTS[kind]["MessageBody"]
    (name,) = body
    document = {**REQUESTS[kind], "MessageBody": {name: [body[name][0]] * 10_001}}
    data = wire.to_xml(document, kind)
    error = failure(data, kind)
    assert error.kind is WireErrorKind.TOO_MANY_ENTRIES
    assert answered(data, kind, error)["ErrorCode"] == "ONSE9008"


def _criteria(kind: MessageKind, **values: str | None) -> bytes:
    search = {**REQUESTS[kind]["MessageBody"]["QualificationConfirmSearchInfo"], **values}
    document = {**REQUESTS[kind], "MessageBody": {"QualificationConfirmSearchInfo": search}}
    return wire.to_xml(document, kind)


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        (MessageKind.ONLINE_INQUIRY_REQUEST, {"ExaminationDateTo": "20250201"}, WireErrorKind.INCONSISTENT),
        (MessageKind.ONLINE_INQUIRY_REQUEST, {"ExaminationDateTo": None}, WireErrorKind.MISSING_ELEMENT),
        (
            MessageKind.ONLINE_INQUIRY_REQUEST,
            {"ExaminationDateFrom": None, "ExaminationDateTo": None},
            WireErrorKind.MISSING_ELEMENT,
        ),
        (MessageKind.ONLINE_INQUIRY_REQUEST, {"MedicalTreatmentFlag": "2"}, WireErrorKind.INCONSISTENT),
        (MessageKind.HOME_VISIT_INQUIRY_REQUEST, {"ConsentDateFrom": "20250401"}, WireErrorKind.INCONSISTENT),
        (MessageKind.HOME_VISIT_INQUIRY_REQUEST, {"MedicalTreatmentFlag": "3"}, WireErrorKind.INCONSISTENT),
    ],
)
def test_criteria_rules(kind: MessageKind, values: dict[str, str | None], expected: WireErrorKind) -> None:
    data = _criteria(kind, **values)
    error = failure(data, kind)
    assert error.kind is expected
    answered(data, kind, error)


def test_online_inquiry_by_consent_dates_and_without_flag() -> None:
    kind = MessageKind.ONLINE_INQUIRY_REQUEST
    data = _criteria(
        kind,
        ExaminationDateFrom=None,
        ExaminationDateTo=None,
        ConsentDateFrom="20250301",
        ConsentDateTo="20250301",
        MedicalTreatmentFlag=None,
    )
    assert wire.parse(data, kind).document["MessageBody"]["QualificationConfirmSearchInfo"]["ConsentDateTo"]


def test_medication_months_in_order() -> None:
    kind = MessageKind.MEDICATION_INFO_REQUEST
    document = {**REQUESTS[kind], "MessageBody": {**REQUESTS[kind]["MessageBody"], "StartDate": "202504"}}
    error = failure(wire.to_xml(document, kind), kind)
    assert error.kind is WireErrorKind.INCONSISTENT
    assert FILE_ERRORS[error.kind].code == "ONSE9009"


@pytest.mark.parametrize("kind", REQUEST_KINDS)
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_files_never_crash(kind: MessageKind, data: st.DataObject) -> None:
    """Random cuts, byte flips and junk: parse either succeeds or raises WireError, and the
    answer to a refusal always parses."""
    original = good(kind, data.draw(st.sampled_from([wire.UTF8, wire.SHIFT_JIS])))
    damaged = data.draw(
        st.one_of(
            st.binary(max_size=200),
            st.integers(0, len(original)).map(lambda n: original[:n]),
            st.lists(
                st.tuples(st.integers(0, len(original) - 1), st.integers(0, 255)), min_size=1, max_size=4
            ).map(lambda flips: _flipped(original, flips)),
        )
    )
    try:
        wire.parse(damaged, kind)
    except wire.WireError as error:
        answered(damaged, kind, error)


def _flipped(data: bytes, flips: list[tuple[int, int]]) -> bytes:
    buffer = bytearray(data)
    for position, value in flips:
        buffer[position] = value
    return bytes(buffer)
