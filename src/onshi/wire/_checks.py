"""Rules between elements of a request that a tree cannot say (which criteria, ranges).

Each check takes a parsed document and raises WireError; they run after the tree is read.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from onshi.domain.codes import MedicalTreatmentFlag
from onshi.wire._errors import WireError, WireErrorKind

Check = Callable[[dict[str, Any]], None]
SEARCH = "MessageBody/QualificationConfirmSearchInfo"


def _range(values: dict[str, Any], start: str, end: str, path: str) -> bool:
    """Whether the range is given; both ends or neither, and not ending before it starts.
    YYYYMMDD and YYYYMM strings compare in date order."""
    first, last = values.get(start), values.get(end)
    if first is None and last is None:
        return False
    if first is None or last is None:
        missing = start if first is None else end
        raise WireError(
            WireErrorKind.MISSING_ELEMENT,
            f"{path}/{missing}: {start} と {end} は組で指定してください",
            missing,
        )
    if first > last:
        raise WireError(
            WireErrorKind.INCONSISTENT, f"{path}: {start}（{first}）が {end}（{last}）より後です", start
        )
    return True


def _treatment_flag(values: dict[str, Any], expected: MedicalTreatmentFlag) -> None:
    flag = values.get("MedicalTreatmentFlag")
    if flag is not None and flag != expected:
        raise WireError(
            WireErrorKind.INCONSISTENT,
            f"{SEARCH}/MedicalTreatmentFlag: この照会では {expected.value} です（{flag}）",
            "MedicalTreatmentFlag",
        )


def online_inquiry(document: dict[str, Any]) -> None:
    """オンライン診療等: examination dates or consent dates, and MedicalTreatmentFlag 3."""
    search = document["MessageBody"]["QualificationConfirmSearchInfo"]
    by_examination = _range(search, "ExaminationDateFrom", "ExaminationDateTo", SEARCH)
    by_consent = _range(search, "ConsentDateFrom", "ConsentDateTo", SEARCH)
    if not (by_examination or by_consent):
        raise WireError(
            WireErrorKind.MISSING_ELEMENT,
            f"{SEARCH}: 受診日（ExaminationDateFrom/To）または同意日（ConsentDateFrom/To）を指定してください",
            "ExaminationDateFrom",
        )
    _treatment_flag(search, MedicalTreatmentFlag.ONLINE)


def home_visit_inquiry(document: dict[str, Any]) -> None:
    """訪問診療等: consent dates in order, and MedicalTreatmentFlag 2."""
    search = document["MessageBody"]["QualificationConfirmSearchInfo"]
    _range(search, "ConsentDateFrom", "ConsentDateTo", SEARCH)
    _treatment_flag(search, MedicalTreatmentFlag.HOME_VISIT)


def medication_request(document: dict[str, Any]) -> None:
    """薬剤情報等: the StartDate–EndDate months, when given, in order."""
    body = document["MessageBody"]
    first, last = body.get("StartDate"), body.get("EndDate")
    if first is not None and last is not None and first > last:
        raise WireError(
            WireErrorKind.INCONSISTENT,
            f"MessageBody: StartDate（{first}）が EndDate（{last}）より後です",
            "StartDate",
        )
