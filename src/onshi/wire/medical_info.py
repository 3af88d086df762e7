"""Domain ↔ wire documents for medical-information results: 薬剤情報等 (YZKsiquc01res) and
特定健診情報 (TKKsiquc01res).

The header says who the information is about (QuaInf / QualificationsInfo — the two kinds
name it differently) and ResultCode 1; the body holds the month or checkup entries as
documents shaped like the trees in `onshi.wire._medical_info` (MeTrMonthInf, ShPrMonthInf,
CzDiMonthInf, SpecificHealthCheckupInfo).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from onshi.domain.codes import Sex
from onshi.domain.dates import format_wire_date
from onshi.wire.messages import MessageKind
from onshi.wire.qualification import ResultHeader
from onshi.wire.results import result_header

Document = dict[str, Any]


@dataclass(frozen=True, slots=True)
class InfoPatient:
    """The person a medical-information result is about."""

    name: str
    name_kana: str | None
    birthdate: date
    sex: Sex


def medication_result_document(
    h: ResultHeader,
    patient: InfoPatient,
    claims: Sequence[Document] = (),
    prescriptions: Sequence[Document] = (),
    dispensings: Sequence[Document] = (),
) -> Document:
    """YZKsiquc01res: months from claims (MeTrMonthInf), e-prescriptions (ShPrMonthInf) and
    dispensing results (CzDiMonthInf)."""
    person = {
        "Name": patient.name,
        "KanaName": patient.name_kana,
        "Birth": format_wire_date(patient.birthdate),
        "AdmGendCode": patient.sex.value,
    }
    return {
        "MessageHeader": result_header(MessageKind.MEDICATION_INFO_RESULT, h, QuaInf=person),
        "MessageBody": {
            "MeTrMonthInf": list(claims),
            "ShPrInf": [{"ShPrMonthInf": month} for month in prescriptions],
            "CzDiInf": [{"CzDiMonthInf": month} for month in dispensings],
        },
    }


def checkup_result_document(h: ResultHeader, patient: InfoPatient, checkups: Sequence[Document]) -> Document:
    """TKKsiquc01res: one SpecificHealthCheckupInfo per checkup."""
    person = {
        "Name": patient.name,
        "KanasName": patient.name_kana,
        "Birthday": format_wire_date(patient.birthdate),
        "AdministrativeGenderCode": patient.sex.value,
    }
    return {
        "MessageHeader": result_header(MessageKind.CHECKUP_INFO_RESULT, h, QualificationsInfo=person),
        "MessageBody": {"SpecificHealthCheckupInfo": list(checkups)},
    }
