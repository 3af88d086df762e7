"""The public functions of onshi.wire (re-exported by the package): parse, build, file names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from onshi.domain.codes import CharacterCode
from onshi.wire import _codec, _xml
from onshi.wire._errors import WireError, WireErrorKind
from onshi.wire._spec import Field
from onshi.wire.messages import MESSAGES, MessageKind

UTF8 = _xml.UTF8
SHIFT_JIS = _xml.SHIFT_JIS
CHARACTER_CODE_ELEMENT = "CharacterCodeIdentifier"


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


def answer_of(request_kind: MessageKind) -> MessageKind:
    """The result kind that answers a request kind (OQSmuquc01req → OQSmuquc01res)."""
    answer = MESSAGES[request_kind].answer
    if answer is None:
        raise WireError(WireErrorKind.WRONG_MESSAGE, f"{request_kind.value} は要求電文ではありません")
    return answer


def result_filename(request_name: str) -> str:
    """The result of `X…req_<suffix>.xml` is `X…res_<suffix>.xml` (clients compute it this way)."""
    return answer_of(kind_of_filename(request_name)).value + request_name[13:]


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
    if message.check is not None and not lenient:
        message.check(document)
    return Parsed(kind, document, encoding)


def prune(value: Any) -> Any:
    """The document without absent (None, empty) values — what XML and JSON both carry."""
    if isinstance(value, dict):
        return _pruned_dict(value)
    if isinstance(value, list):
        return [prune(v) for v in value]
    return value


def _pruned_dict(value: dict[str, Any]) -> dict[str, Any]:
    # Every single-confirmation answer goes through here: one pass, no intermediate dict.
    pruned: dict[str, Any] = {}
    for key, item in value.items():
        if item is None:
            continue
        if isinstance(item, dict):
            item = _pruned_dict(item)
        elif isinstance(item, list):
            item = [prune(v) for v in item]
        if item in _ABSENT:
            continue
        pruned[key] = item
    return pruned


_ABSENT: tuple[object, ...] = ("", [], {})


def to_xml(document: dict[str, Any], kind: MessageKind, encoding: str = UTF8) -> bytes:
    """The document as an XML file of the given kind (element order from the message spec),
    in UTF-8 or Shift_JIS (CP932). A result's CharacterCodeIdentifier is set to say which."""
    if encoding not in (UTF8, SHIFT_JIS):
        raise ValueError(f"encoding must be {UTF8!r} or {SHIFT_JIS!r}, not {encoding!r}")
    spec = MESSAGES[kind].spec
    root = _codec.build(_with_character_code(document, spec, encoding), spec)
    return _xml.serialise(root, encoding)


def _with_character_code(document: dict[str, Any], spec: Field, encoding: str) -> dict[str, Any]:
    """The file must not claim another encoding than it is written in."""
    header_spec = spec.child("MessageHeader")
    if not any(child.name == CHARACTER_CODE_ELEMENT for child in header_spec.children):
        return document
    code = CharacterCode.SHIFT_JIS if encoding == SHIFT_JIS else CharacterCode.UTF8
    header = {**document.get("MessageHeader", {}), CHARACTER_CODE_ELEMENT: code.value}
    return {**document, "MessageHeader": header}


def to_json(document: dict[str, Any]) -> dict[str, Any]:
    """The document in the terminal Web API's JSON form: {"XmlMsg": …}."""
    return {"XmlMsg": prune(document)}
