"""Hostile and malformed input: always a WireError of the right kind, never a crash or a fetch."""

from __future__ import annotations

import tracemalloc

import pytest

from onshi import wire
from onshi.wire import WireErrorKind

REQUEST = wire.MessageKind.SINGLE_INQUIRY_REQUEST

GOOD = """<XmlMsg><MessageHeader><QualificationConfirmationDate>20250401</QualificationConfirmationDate>
<MedicalInstitutionCode>1311111111</MedicalInstitutionCode></MessageHeader><MessageBody>
<QualificationConfirmSearchInfo><InsurerNumber>01130012</InsurerNumber><InsuredCardSymbol>{symbol}</InsuredCardSymbol>
<InsuredIdentificationNumber>5678</InsuredIdentificationNumber><Birthdate>19800101</Birthdate>
<LimitApplicationCertificateRelatedConsFlg>0</LimitApplicationCertificateRelatedConsFlg>
</QualificationConfirmSearchInfo></MessageBody></XmlMsg>"""


def good(symbol: str = "1234") -> str:
    return GOOD.format(symbol=symbol)


def kind_of_failure(data: bytes) -> WireErrorKind:
    with pytest.raises(wire.WireError) as caught:
        wire.parse(data, REQUEST)
    assert caught.value.message
    return caught.value.kind


def test_external_entity_is_refused_before_parsing(tmp_path: object) -> None:
    xxe = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>' + good(
        "&secret;"
    )
    assert kind_of_failure(xxe.encode()) is WireErrorKind.FORBIDDEN_MARKUP


def test_billion_laughs_is_refused() -> None:
    entities = '<!ENTITY a "ha">' + "".join(
        f'<!ENTITY {c} "&{p};&{p};&{p};&{p};&{p};&{p};&{p};&{p};">'
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)
    )
    bomb = f"<!DOCTYPE x [{entities}]>" + good("&i;")
    assert kind_of_failure(bomb.encode()) is WireErrorKind.FORBIDDEN_MARKUP


def test_undeclared_entity_is_malformed() -> None:
    assert kind_of_failure(good("&nope;").encode()) is WireErrorKind.MALFORMED


def test_oversized_file() -> None:
    assert kind_of_failure(good("x" * (2 * 1024 * 1024)).encode()) is WireErrorKind.TOO_LARGE


def test_deep_nesting_is_malformed_not_a_crash() -> None:
    deep = "<XmlMsg>" + "<a>" * 100_000 + "</a>" * 100_000 + "</XmlMsg>"
    assert kind_of_failure(deep.encode()) in (WireErrorKind.MALFORMED, WireErrorKind.MISSING_ELEMENT)


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        (b"not xml at all", WireErrorKind.MALFORMED),
        (b"", WireErrorKind.MALFORMED),
        (b"<XmlMsg><MessageHeader>", WireErrorKind.MALFORMED),
        (good().replace("XmlMsg", "Other").encode(), WireErrorKind.WRONG_MESSAGE),
        (good().replace("<Birthdate>19800101</Birthdate>", "").encode(), WireErrorKind.MISSING_ELEMENT),
        (good().replace("19800101", "19800230").encode(), WireErrorKind.BAD_VALUE),
        (good().replace("1311111111", "131111111").encode(), WireErrorKind.BAD_VALUE),
        (
            good()
            .replace(
                "<LimitApplicationCertificateRelatedConsFlg>0", "<LimitApplicationCertificateRelatedConsFlg>7"
            )
            .encode(),
            WireErrorKind.BAD_VALUE,
        ),
        (("\ufeff" + good()).encode("utf-16"), WireErrorKind.ENCODING),
        (b'<?xml version="1.0" encoding="EUC-JP"?>' + good().encode(), WireErrorKind.ENCODING),
        (b'<?xml version="1.0" encoding="UTF-8"?>' + good("\u5c71").encode("cp932"), WireErrorKind.ENCODING),
        (b'<?xml version="1.0" encoding="Shift_JIS"?>' + good().encode() + b"\x81", WireErrorKind.ENCODING),
    ],
)
def test_malformed(data: bytes, kind: WireErrorKind) -> None:
    assert kind_of_failure(data) is kind


def test_shift_jis_request() -> None:
    data = ('<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>' + good("練馬①")).encode("cp932")
    parsed = wire.parse(data, REQUEST)
    assert parsed.encoding == wire.SHIFT_JIS
    assert parsed.document["MessageBody"]["QualificationConfirmSearchInfo"]["InsuredCardSymbol"] == "練馬①"


def test_utf8_bom_and_comments_before_the_root() -> None:
    data = "\ufeff<!-- made by a receipt computer -->" + good()
    assert wire.parse(data.encode(), REQUEST).encoding == wire.UTF8


def test_file_names() -> None:
    assert wire.kind_of_filename("OQSsiquc01req_20250401_0001.xml") is REQUEST
    assert wire.result_filename("OQSsiquc01req_20250401_0001.xml") == "OQSsiquc01res_20250401_0001.xml"
    for name in ("OQSsiquc01req.xml", "XYZsiquc01req_1.xml", "readme.txt"):
        with pytest.raises(wire.WireError) as caught:
            wire.kind_of_filename(name)
        assert caught.value.kind is WireErrorKind.WRONG_MESSAGE


def test_quadratic_blowup_is_refused() -> None:
    """One large entity referenced many times (no nesting, so no entity-depth limit stops it)."""
    bomb = f'<!DOCTYPE x [<!ENTITY big "{"x" * 50_000}">]>' + good("&big;" * 10_000)
    assert kind_of_failure(bomb.encode()) is WireErrorKind.FORBIDDEN_MARKUP


def test_refusing_a_huge_file_allocates_little() -> None:
    """A file over the size limit is refused before it is decoded or parsed: bounded memory."""
    huge = good("x" * (16 * 1024 * 1024)).encode()
    tracemalloc.start()
    try:
        assert kind_of_failure(huge) is WireErrorKind.TOO_LARGE
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < len(huge) // 4
