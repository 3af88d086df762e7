"""The XML file interface of the 資格確認端末 (wire-spec.md): parse requests, build results.

Pure functions over bytes and plain dicts. Documents are nested dicts keyed by element
names — the same shape the terminal's Web API uses for JSON — so one document can be
written as an XML file or returned as JSON.

Public surface (pinned by tests/wire/test_exports.py):
    MessageKind, FACE_PREFIX, WireError, WireErrorKind, Parsed,
    kind_of_filename, result_filename, parse, to_xml, to_json, prune
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onshi.wire import _codec, _xml
from onshi.wire._errors import WireError, WireErrorKind
from onshi.wire.messages import FACE_PREFIX, MESSAGES, MessageKind

__all__ = [
    "FACE_PREFIX",
    "MessageKind",
    "Parsed",
    "WireError",
    "WireErrorKind",
    "kind_of_filename",
    "parse",
    "prune",
    "result_filename",
    "to_json",
    "to_xml",
]

UTF8 = _xml.UTF8
SHIFT_JIS = _xml.SHIFT_JIS


@dataclass(frozen=True, slots=True)
class Parsed:
    kind: MessageKind
    document: dict[str, Any]  # the content of XmlMsg: {"MessageHeader": …, "MessageBody": …}
    encoding: str  # "UTF-8" or "Shift_JIS", as the file declared it


def kind_of_filename(name: str) -> MessageKind:
    """The message a file carries, from its 13-character prefix (`OQSsiquc01req_…xml`)."""
    prefix = name[:13]
    try:
        kind = MessageKind(prefix)
    except ValueError:
        raise WireError(
            WireErrorKind.WRONG_MESSAGE, f"ファイル名から電文の種類がわかりません: {name}"
        ) from None
    if name[13:14] != "_":
        raise WireError(
            WireErrorKind.WRONG_MESSAGE, f"ファイル名は {prefix}_<任意の文字列>.xml の形式です: {name}"
        )
    return kind


def result_filename(request_name: str) -> str:
    """The result of `X…req_<suffix>.xml` is `X…res_<suffix>.xml` (clients compute it this way)."""
    kind = kind_of_filename(request_name)
    answer = MESSAGES[kind].answer
    if answer is None:
        raise WireError(WireErrorKind.WRONG_MESSAGE, f"{kind.value} は要求電文ではありません")
    return answer.value + request_name[13:]


def parse(data: bytes, kind: MessageKind, lenient: bool = False) -> Parsed:
    """Parse and validate a document of the given kind. Raises WireError.

    `lenient=True` is for reading results written by others (terminals, other tools): missing
    required elements are tolerated; every value present is still checked."""
    message = MESSAGES[kind]
    root, encoding = _xml.parse(data, message.max_bytes)
    if root.tag != message.spec.name:
        raise WireError(
            WireErrorKind.WRONG_MESSAGE, f"ルート要素が {message.spec.name} ではありません: {root.tag}"
        )
    document = _codec.read(root, message.spec, lenient=lenient)
    return Parsed(kind, document, encoding)


def prune(value: Any) -> Any:
    """The document without absent (None, empty) values — what XML and JSON both carry."""
    if isinstance(value, dict):
        pruned = {k: prune(v) for k, v in value.items()}
        return {k: v for k, v in pruned.items() if v not in (None, "", [], {})}
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def to_xml(document: dict[str, Any], kind: MessageKind, encoding: str = UTF8) -> bytes:
    """The document as an XML file of the given kind (element order from the message spec)."""
    root = _codec.build(prune(document), MESSAGES[kind].spec)
    return _xml.serialise(root, encoding)


def to_json(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the terminal Web API's JSON form: {"XmlMsg": …}."""
    return {"XmlMsg": prune(document)}
