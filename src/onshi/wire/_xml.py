"""Bytes ↔ XML trees, safely.

* Encoding comes from a BOM or the XML declaration. UTF-8 and Shift_JIS are accepted;
  Shift_JIS is read and written as CP932 (the Windows variant real terminals and receipt
  computers use, which has ①, ～ and the NEC/IBM extensions).
* A DTD, entity declaration or processing instruction is refused before parsing, so no
  external entity is fetched and no entity expansion (billion laughs) can happen; lxml is
  also configured with entities, DTD loading and network off.
* Documents over a size cap are refused before parsing.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from functools import lru_cache

from lxml import etree

from onshi.wire._errors import WireError, WireErrorKind

_DECLARATION = re.compile(
    rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._-]+)[\"'][^>]*\?>", re.IGNORECASE
)
_ANY_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_SHIFT_JIS_NAMES = {
    "shift_jis",
    "shift-jis",
    "sjis",
    "x-sjis",
    "windows-31j",
    "cp932",
    "ms932",
    "ms_kanji",
    "csshiftjis",
}
_UTF8_NAMES = {"utf-8", "utf8"}
_FORBIDDEN = re.compile(r"<!DOCTYPE|<!ENTITY", re.IGNORECASE)

UTF8 = "UTF-8"
SHIFT_JIS = "Shift_JIS"

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
    remove_blank_text=False,
    collect_ids=False,
)


def decode(data: bytes, max_bytes: int) -> tuple[str, str]:
    """The document as text and the encoding it declared (UTF-8 or Shift_JIS)."""
    if len(data) > max_bytes:
        raise WireError(
            WireErrorKind.TOO_LARGE, f"ファイルが大きすぎます（{len(data)}バイト、上限{max_bytes}バイト）"
        )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        raise WireError(WireErrorKind.ENCODING, "UTF-16/UTF-32 は受け付けません（UTF-8 または Shift_JIS）")
    encoding = UTF8
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif match := _DECLARATION.match(data):
        name = match.group(1).decode("ascii").lower()
        if name in _SHIFT_JIS_NAMES:
            encoding = SHIFT_JIS
        elif name not in _UTF8_NAMES:
            raise WireError(
                WireErrorKind.ENCODING, f"文字コード {name} は受け付けません（UTF-8 または Shift_JIS）"
            )
    try:
        text = data.decode("cp932" if encoding == SHIFT_JIS else "utf-8")
    except UnicodeDecodeError as error:
        raise WireError(
            WireErrorKind.ENCODING, f"{encoding} として読めないバイト列があります（位置 {error.start}）"
        ) from None
    return text, encoding


def declared_encoding(data: bytes) -> str:
    """UTF-8 or Shift_JIS, as the BOM or declaration says; UTF-8 when neither says (never raises).
    Used to answer a refused file in the encoding its writer reads."""
    match = None if data.startswith(codecs.BOM_UTF8) else _DECLARATION.match(data[:1024])
    if match and match.group(1).decode("ascii").lower() in _SHIFT_JIS_NAMES:
        return SHIFT_JIS
    return UTF8


def parse(data: bytes, max_bytes: int) -> tuple[etree._Element, str]:
    """The root element of a document, and its declared encoding."""
    text, encoding = decode(data, max_bytes)
    if _FORBIDDEN.search(text):
        raise WireError(WireErrorKind.FORBIDDEN_MARKUP, "DTD・実体宣言を含むファイルは受け付けません")
    body = _ANY_DECLARATION.sub("", text, count=1)
    try:
        root = etree.fromstring(body.encode("utf-8"), _PARSER)
    except etree.XMLSyntaxError as error:
        raise WireError(WireErrorKind.MALFORMED, f"XMLとして正しくありません: {error.msg}") from None
    if root is None:
        raise WireError(WireErrorKind.MALFORMED, "XMLとして正しくありません: 空の文書です")
    return root, encoding


def serialise(root: etree._Element, encoding: str) -> bytes:
    """XML bytes with the declaration real terminals write. In Shift_JIS output, characters
    that CP932 cannot carry exactly (𠮷, IVS, and the wave-dash family that Python's codec
    maps one way only: 〜 is written as ～) become numeric character references."""
    return serialise_text(etree.tostring(root, encoding="unicode", pretty_print=True), encoding)


def serialise_text(body: str, encoding: str) -> bytes:
    """`serialise` of a document already written out as text (lxml's pretty print)."""
    return serialise_pieces([body], encoding)


def serialise_pieces(pieces: Sequence[str], encoding: str) -> bytes:
    """`serialise_text` of the pieces' concatenation, each piece encoded on its own (both
    encodings work character by character): an 18 MB bulk result is joined as bytes, not
    first as one string of twice or four times that size."""
    if encoding == SHIFT_JIS:
        declaration = b'<?xml version="1.0" encoding="Shift_JIS" standalone="no"?>\n'
        return declaration + b"".join(encode_cp932_exactly(piece) for piece in pieces)
    declaration = b'<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
    return declaration + b"".join(piece.encode("utf-8") for piece in pieces)


def encode_cp932_exactly(text: str) -> bytes:
    """CP932 bytes that decode to exactly `text`: characters CP932 lacks, and those whose
    CP932 bytes decode to another character, are written as numeric character references."""
    exact = _one_way_characters().sub(lambda match: f"&#{ord(match.group())};", text)
    return exact.encode("cp932", errors="xmlcharrefreplace")


@lru_cache(maxsize=1)
def _one_way_characters() -> re.Pattern[str]:
    """The BMP characters CP932 encodes but decodes as another (〜 → ～ and its family)."""
    found: list[str] = []
    for code in range(0x80, 0x10000):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        try:
            if char.encode("cp932").decode("cp932") != char:
                found.append(char)
        except UnicodeEncodeError:
            continue
    return re.compile("[" + re.escape("".join(found)) + "]")
