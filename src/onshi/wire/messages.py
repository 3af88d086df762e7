"""The messages of the terminal file interface (wire-spec.md): their kinds and element trees.

Each request kind names the result kind that answers it; `MESSAGES[kind]` holds the tree,
the size cap and the checks between elements.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from onshi.wire import _checks, _fields, _inquiry, _medical_info, _registration
from onshi.wire._checks import Check
from onshi.wire._spec import Field

MiB = 1024 * 1024


class MessageKind(StrEnum):
    """File-name prefixes (13 characters) of the messages."""

    SINGLE_INQUIRY_REQUEST = "OQSsiquc01req"  # 資格確認照会要求（単件）
    SINGLE_INQUIRY_RESULT = "OQSsiquc01res"  # 資格確認結果 (also the face-reader result, see FACE_PREFIX)
    BULK_INQUIRY_REQUEST = "OQSmuquc01req"  # 資格確認一括照会要求
    BULK_INQUIRY_RECEIPT = "OQSmuquc01res"  # 一括照会受付結果 (ReceptionNumber)
    BULK_INQUIRY_DOWNLOAD_REQUEST = "OQSmuquc02req"  # 一括照会結果取得要求
    BULK_INQUIRY_RESULT = "OQSmuquc02res"  # 資格確認一括照会結果
    ONLINE_INQUIRY_REQUEST = "OQSmuonq01req"  # オンライン診療等向け一括照会要求
    ONLINE_INQUIRY_RECEIPT = "OQSmuonq01res"
    ONLINE_INQUIRY_DOWNLOAD_REQUEST = "OQSmuonq02req"
    ONLINE_INQUIRY_RESULT = "OQSmuonq02res"
    HOME_VISIT_INQUIRY_REQUEST = "OQSmuhvq01req"  # 訪問診療等向け一括照会要求
    HOME_VISIT_INQUIRY_RECEIPT = "OQSmuhvq01res"
    HOME_VISIT_INQUIRY_DOWNLOAD_REQUEST = "OQSmuhvq02req"
    HOME_VISIT_INQUIRY_RESULT = "OQSmuhvq02res"
    MEDICAL_AID_INQUIRY_REQUEST = "OQSmutic01req"  # 医療扶助一括照会要求
    MEDICAL_AID_INQUIRY_RECEIPT = "OQSmutic01res"
    MEDICAL_AID_INQUIRY_DOWNLOAD_REQUEST = "OQSmutic02req"
    MEDICAL_AID_INQUIRY_RESULT = "OQSmutic02res"
    REFERENCE_NUMBER_REQUEST = "OQSsiimm01req"  # 照会番号登録要求（単件）
    REFERENCE_NUMBER_RESULT = "OQSsiimm01res"
    BULK_REFERENCE_NUMBER_REQUEST = "OQSmuimm01req"  # 照会番号一括登録要求
    BULK_REFERENCE_NUMBER_RECEIPT = "OQSmuimm01res"
    BULK_REFERENCE_NUMBER_DOWNLOAD_REQUEST = "OQSmuimm02req"
    BULK_REFERENCE_NUMBER_RESULT = "OQSmuimm02res"
    MEDICATION_INFO_REQUEST = "YZKsiquc01req"  # 薬剤情報等閲覧要求
    MEDICATION_INFO_RESULT = "YZKsiquc01res"
    CHECKUP_INFO_REQUEST = "TKKsiquc01req"  # 特定健診情報閲覧要求
    CHECKUP_INFO_RESULT = "TKKsiquc01res"

    @property
    def is_request(self) -> bool:
        return self.value.endswith("req")


FACE_PREFIX = "OQSsiquc01res_face_"

# Kept importable under their old names.
MEDICAL_INSTITUTION_CODE = _fields.MEDICAL_INSTITUTION_CODE
ARBITRARY_FILE_IDENTIFIER = _fields.ARBITRARY_FILE_IDENTIFIER
CHARACTER_CODE = _fields.CHARACTER_CODE
SEGMENT_OF_RESULT = _fields.SEGMENT_OF_RESULT
search_info = _fields.search_info
ELDERLY_RECIPIENT = _fields.ELDERLY_RECIPIENT
LIMIT_CERTIFICATE = _fields.LIMIT_CERTIFICATE
SPECIFIC_DISEASE = _fields.SPECIFIC_DISEASE
RESULT_OF_QUALIFICATION = _fields.RESULT_OF_QUALIFICATION
SINGLE_INQUIRY_REQUEST = _inquiry.SINGLE_INQUIRY_REQUEST
RESULT_HEADER = _inquiry.RESULT_HEADER
SINGLE_INQUIRY_RESULT = _inquiry.SINGLE_INQUIRY_RESULT


@dataclass(frozen=True, slots=True)
class Message:
    kind: MessageKind
    spec: Field
    max_bytes: int
    label_ja: str
    answer: MessageKind | None = None  # the result kind a request is answered with
    check: Check | None = None  # rules between elements (requests only)


K = MessageKind


def _bulk_family(
    label: str, family: str, request: Field, request_bytes: int, check: Check | None = None
) -> tuple[Message, ...]:
    """The four messages of a two-step bulk exchange OQSmu<family>: upload (01req), receipt
    (01res), download request (02req) and result (02res)."""
    upload, receipt, download, result = (MessageKind(f"OQSmu{family}{step}") for step in _STEPS)
    return (
        Message(upload, request, request_bytes, f"{label}要求", receipt, check),
        Message(receipt, _fields.RECEIPT, 1 * MiB, f"{label}受付結果"),
        Message(download, _fields.DOWNLOAD_REQUEST, 1 * MiB, f"{label}結果取得要求", result),
        Message(result, _inquiry.BULK_INQUIRY_RESULT, 64 * MiB, f"{label}結果"),
    )


_STEPS = ("01req", "01res", "02req", "02res")

_ALL: tuple[Message, ...] = (
    Message(
        K.SINGLE_INQUIRY_REQUEST, SINGLE_INQUIRY_REQUEST, 1 * MiB, "資格確認照会要求", K.SINGLE_INQUIRY_RESULT
    ),
    Message(K.SINGLE_INQUIRY_RESULT, SINGLE_INQUIRY_RESULT, 1 * MiB, "資格確認結果"),
    *_bulk_family("資格確認一括照会", "quc", _inquiry.BULK_INQUIRY_REQUEST, 16 * MiB),
    *_bulk_family(
        "オンライン診療等向け一括照会",
        "onq",
        _inquiry.ONLINE_INQUIRY_REQUEST,
        1 * MiB,
        _checks.online_inquiry,
    ),
    *_bulk_family(
        "訪問診療等向け一括照会",
        "hvq",
        _inquiry.HOME_VISIT_INQUIRY_REQUEST,
        1 * MiB,
        _checks.home_visit_inquiry,
    ),
    *_bulk_family("医療扶助一括照会", "tic", _inquiry.MEDICAL_AID_INQUIRY_REQUEST, 1 * MiB),
    Message(
        K.REFERENCE_NUMBER_REQUEST,
        _registration.REGISTRATION_REQUEST,
        1 * MiB,
        "照会番号登録要求",
        K.REFERENCE_NUMBER_RESULT,
    ),
    Message(K.REFERENCE_NUMBER_RESULT, _registration.REGISTRATION_RESULT, 1 * MiB, "照会番号登録結果"),
    Message(
        K.BULK_REFERENCE_NUMBER_REQUEST,
        _registration.BULK_REGISTRATION_REQUEST,
        16 * MiB,
        "照会番号一括登録要求",
        K.BULK_REFERENCE_NUMBER_RECEIPT,
    ),
    Message(K.BULK_REFERENCE_NUMBER_RECEIPT, _fields.RECEIPT, 1 * MiB, "照会番号一括登録受付結果"),
    Message(
        K.BULK_REFERENCE_NUMBER_DOWNLOAD_REQUEST,
        _fields.DOWNLOAD_REQUEST,
        1 * MiB,
        "照会番号一括登録結果取得要求",
        K.BULK_REFERENCE_NUMBER_RESULT,
    ),
    Message(
        K.BULK_REFERENCE_NUMBER_RESULT,
        _registration.BULK_REGISTRATION_RESULT,
        64 * MiB,
        "照会番号一括登録結果",
    ),
    Message(
        K.MEDICATION_INFO_REQUEST,
        _medical_info.MEDICATION_REQUEST,
        1 * MiB,
        "薬剤情報等閲覧要求",
        K.MEDICATION_INFO_RESULT,
        _checks.medication_request,
    ),
    Message(K.MEDICATION_INFO_RESULT, _medical_info.MEDICATION_RESULT, 32 * MiB, "薬剤情報等閲覧結果"),
    Message(
        K.CHECKUP_INFO_REQUEST,
        _medical_info.CHECKUP_REQUEST,
        1 * MiB,
        "特定健診情報閲覧要求",
        K.CHECKUP_INFO_RESULT,
    ),
    Message(K.CHECKUP_INFO_RESULT, _medical_info.CHECKUP_RESULT, 32 * MiB, "特定健診情報閲覧結果"),
)

MESSAGES: dict[MessageKind, Message] = {m.kind: m for m in _ALL}
