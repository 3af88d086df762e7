"""The emergency function (緊急時資格確認機能) at the terminal: the switch's state as central
last told it, and the answers the terminal writes itself from a batch pre-check.

`GET EMERGENCY_PATH` tells a facility's terminal whether the operator switched the function
on for it (its own code or its prefecture). While central cannot be reached and the switch
is on, a single inquiry for a person the terminal holds a pre-check for (onshi.terminal.
prechecks) is answered at once from that pre-check, marked ONSW3001 in ProcessingResultCode
and ProcessingResultMessage, and reconciled with central's real answer later
(onshi.terminal.reconcile).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime
from typing import Any

from onshi import wire
from onshi.domain.codes import CharacterCode, ConsentFlag, ProcessingResultStatus
from onshi.domain.dates import parse_wire_date
from onshi.domain.emergency import Scope
from onshi.terminal.journal import Journal
from onshi.terminal.prechecks import Precheck, person_key
from onshi.wire.qualification import ResultHeader, header
from onshi.wire.result_codes import EMERGENCY_ANSWER

EMERGENCY_PATH = "/api/v1/terminal/emergency"
STATUS_NAME = "emergency"  # the journal's status row holding the last answer
REQUEST = wire.MessageKind.SINGLE_INQUIRY_REQUEST
RESULT = wire.MessageKind.SINGLE_INQUIRY_RESULT

# Limit-certificate data are shown only with the consent given for *this* inquiry.
_LIMIT_DATA = ("LimitApplicationCertificateRelatedInfo", "LimitApplicationCertificateRelatedConsTime")


@dataclass(frozen=True, slots=True)
class EmergencyState:
    """Central's answer to GET EMERGENCY_PATH (and, at the terminal, when it was received)."""

    active: bool
    switch_id: int | None = None
    scope: str | None = None
    since: str | None = None  # ISO 8601, when the switch was switched on
    reason: str | None = None
    checked_at: str | None = None  # when the terminal last heard it (not sent by central)

    @classmethod
    def from_answer(cls, answer: Any, checked_at: str) -> EmergencyState:
        """Central's JSON; anything unexpected reads as *not* active (nothing is invented)."""
        if not isinstance(answer, dict) or answer.get("active") is not True:
            return cls(False, checked_at=checked_at)
        switch_id = answer.get("switch_id")
        return cls(
            True,
            switch_id if isinstance(switch_id, int) else None,
            _text(answer.get("scope")),
            _text(answer.get("since")),
            _text(answer.get("reason")),
            checked_at,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str | None) -> EmergencyState:
        if not text:
            return INACTIVE
        values = json.loads(text)
        return cls.from_answer(values, values.get("checked_at"))

    @property
    def label_ja(self) -> str:
        if not self.active:
            return "無効（通常運用）"
        scope = Scope(self.scope).label_ja if self.scope in set(Scope) else self.scope
        return f"有効（#{self.switch_id} {scope}単位、{self.since} から、理由: {self.reason}）"


INACTIVE = EmergencyState(False)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def emergency_message(precheck_day: date) -> str:
    return f"{EMERGENCY_ANSWER.summary_ja}（{precheck_day:%Y-%m-%d} の一括照会結果）"


def emergency_answer(request: wire.Parsed, precheck: Precheck, at: datetime) -> bytes | None:
    """The OQSsiquc01res for a single inquiry, from the person's pre-check unit; None when the
    unit holds no verdict (it was an error for that entry: nothing is invented)."""
    unit = precheck.unit
    validity = unit.get("QualificationValidity")
    if unit.get("ProcessingResultStatus") != ProcessingResultStatus.NORMAL.value or not validity:
        return None
    request_header = request.document["MessageHeader"]
    search = request.document["MessageBody"]["QualificationConfirmSearchInfo"]
    consented = search.get("LimitApplicationCertificateRelatedConsFlg") == ConsentFlag.CONSENTED.value
    result_header = ResultHeader(
        facility_code=request_header["MedicalInstitutionCode"],
        processed_at=at,
        confirmation_date=parse_wire_date(request_header["QualificationConfirmationDate"]),
        arbitrary_file_identifier=request_header.get("ArbitraryFileIdentifier"),
        character_code=CharacterCode.SHIFT_JIS if request.encoding == wire.SHIFT_JIS else CharacterCode.UTF8,
    )
    body = {
        "QualificationConfirmSearchInfo": search,
        "ProcessingResultStatus": ProcessingResultStatus.NORMAL.value,
        "ProcessingResultCode": EMERGENCY_ANSWER.code,
        "ProcessingResultMessage": emergency_message(precheck.day),
        "QualificationValidity": validity,
        "ResultList": [
            {"ResultOfQualificationConfirmation": _entry(entry, consented)}
            for entry in unit.get("ResultOfQualificationConfirmation") or []
        ],
    }
    document = {"MessageHeader": header(result_header), "MessageBody": body}
    return wire.to_xml(document, RESULT, request.encoding)


def _entry(entry: dict[str, Any], consented: bool) -> dict[str, Any]:
    if consented:
        return entry
    kept = {name: value for name, value in entry.items() if name not in _LIMIT_DATA}
    if "LimitApplicationCertificateRelatedConsFlg" in kept:
        kept["LimitApplicationCertificateRelatedConsFlg"] = ConsentFlag.NOT_CONSENTED.value
    return kept


def answer_from_precheck(
    journal: Journal, facility_code: str, filename: str, content: bytes, at: datetime
) -> tuple[str, bytes] | None:
    """(result file name, bytes) answering a single inquiry from the person's pre-check, or
    None: not a single inquiry, not this facility's or not readable (central will say so
    once it is back), or no usable pre-check for the person on the inquiry's date."""
    try:
        if wire.kind_of_filename(filename) is not REQUEST:
            return None
        request = wire.parse(content, REQUEST)
    except wire.WireError:
        return None
    request_header = request.document["MessageHeader"]
    if request_header["MedicalInstitutionCode"] != facility_code:
        return None
    person = person_key(request.document["MessageBody"]["QualificationConfirmSearchInfo"])
    if person is None:
        return None
    precheck = journal.precheck(person, request_header["QualificationConfirmationDate"])
    answer = emergency_answer(request, precheck, at) if precheck is not None else None
    return (wire.result_filename(filename), answer) if answer is not None else None
