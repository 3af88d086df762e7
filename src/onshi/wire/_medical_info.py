"""Medical-information requests and results: 薬剤情報等 (YZKsiquc01) and 特定健診情報 (TKKsiquc01).

Requests name the card keys differently from qualification requests (InsuranceCardSymbol,
InsuredPersonIdentificationNumber, BranchNumber); the qualification names are read too.
Result trees are known only from one client's reader, so their items are read as text:
a stricter format would reject real files over a guess.
"""

from __future__ import annotations

from onshi.domain import codes
from onshi.wire._fields import (
    ARBITRARY_FILE_IDENTIFIER,
    CHARACTER_CODE,
    ERROR_CODE,
    ERROR_MESSAGE,
    MEDICAL_INSTITUTION_CODE,
    PROCESS_EXECUTION_TIME,
    SEGMENT_OF_RESULT,
)
from onshi.wire._spec import Field, code, group, month, raw, text, wrapper

REQUEST_HEADER = group(
    "MessageHeader",
    MEDICAL_INSTITUTION_CODE,
    raw("InsurerNumber", required=True, max_length=8),
    text("InsuranceCardSymbol", max_length=40, alt_names=("InsuredCardSymbol",)),
    text(
        "InsuredPersonIdentificationNumber",
        required=True,
        max_length=40,
        alt_names=("InsuredIdentificationNumber",),
    ),
    text("BranchNumber", max_length=4, alt_names=("InsuredBranchNumber",)),
    ARBITRARY_FILE_IDENTIFIER,
    required=True,
)

MEDICATION_REQUEST = group(
    "XmlMsg",
    REQUEST_HEADER,
    group(
        "MessageBody",
        month("StartDate"),
        month("EndDate"),
        code("FileCategory", codes.MedicationFileCategory, required=True),
        code("PrDiInfClassification", codes.PrDiInfClassification),
        code("MedicalTreatmentFlag", codes.MedicalTreatmentFlag),
        required=True,
    ),
)

CHECKUP_REQUEST = group(
    "XmlMsg",
    REQUEST_HEADER,
    group(
        "MessageBody",
        code("FileCategory", codes.CheckupFileCategory, required=True),
        code("PrDiInfClassification", codes.PrDiInfClassification),
        code("MedicalTreatmentFlag", codes.MedicalTreatmentFlag),
        required=True,
    ),
)

# Clients look for ResultCode (1 = success) and MessageContents anywhere in the file; onshi
# writes them in the header and reads them in the body too.
STATUS = (text("ResultCode"), text("MessageContents"))


def _texts(*names: str) -> tuple[Field, ...]:
    return tuple(text(name) for name in names)


def _result_header(patient: Field) -> Field:
    return group(
        "MessageHeader",
        PROCESS_EXECUTION_TIME,
        MEDICAL_INSTITUTION_CODE,
        ARBITRARY_FILE_IDENTIFIER,
        SEGMENT_OF_RESULT,
        ERROR_CODE,
        ERROR_MESSAGE,
        *STATUS,
        CHARACTER_CODE,
        patient,
        required=True,
    )


def _month_family(month_name: str, month_fields: tuple[str, ...], dates: Field) -> Field:
    return group(month_name, *_texts(*month_fields), dates, repeated=True)


def _drugs(prefix: str, usage_class: str) -> Field:
    names = ("DrugC", "DrugN", "IngreN", "Qua1", "Unit", "UsageN", "SpInst", "Times")
    return wrapper(
        f"{prefix}DrugInfs", group(f"{prefix}DrugInf", *_texts(*(prefix + n for n in names), usage_class))
    )


# 診療行為 (FileCategory 3/4): only in the claims-derived family.
TREATMENTS = wrapper(
    "MeTrInfs", group("MeTrInf", *_texts("SinInfN", "SinInfCd", "MeTrIdCl", "Qua1", "Times", "Unit"))
)

# Three families with the same shape: claims (MeTr…), dispensing results (Cz…), prescriptions (Sh…).
CLAIMS_MONTH = _month_family(
    "MeTrMonthInf",
    ("DiOrg", "MeTrDiHCd", "MeTrDiHNm", "PrlsHCd", "PrlsHNm", "MeTrMonth", "PrIsOrg", "InOut"),
    wrapper(
        "DiDateInfs", group("DiDateInf", text("DiDate"), text("PrDate"), _drugs("", "MeTrIdCl"), TREATMENTS)
    ),
)
DISPENSING_MONTH = _month_family(
    "CzDiMonthInf",
    ("CzDiOrg", "CzMeTrDiHCd", "CzMeTrDiHNm", "CzPrlsHCd", "CzPrlsHNm", "CzDiMonth", "CzPrIsOrg", "CzPrCl"),
    wrapper(
        "CzDiDateInfs", group("CzDiDateInf", text("CzDiDate"), text("CzPrDate"), _drugs("Cz", "CzUsageCl"))
    ),
)
PRESCRIPTION_MONTH = _month_family(
    "ShPrMonthInf",
    ("ShPrOrg", "ShMeTrDiHCd", "ShMeTrDiHNm", "ShPrHCd", "ShPrHNm", "ShPrMonth", "ShPrIsOrg", "ShPrCl"),
    wrapper("ShPrDateInfs", group("ShPrDateInf", text("ShPrDate"), _drugs("Sh", "ShUsageCl"))),
)

MEDICATION_RESULT = group(
    "XmlMsg",
    _result_header(group("QuaInf", *_texts("Name", "KanaName", "Birth", "AdmGendCode"))),
    group(
        "MessageBody",
        *STATUS,
        CLAIMS_MONTH,
        wrapper("ShPrInf", PRESCRIPTION_MONTH),
        wrapper("CzDiInf", DISPENSING_MONTH),
    ),
)

CHECKUP = group(
    "SpecificHealthCheckupInfo",
    text("EffectiveTime"),
    wrapper(
        "HealthCheckupResultAndQuestionInfos",
        group(
            "HealthCheckupResultAndQuestionInfo",
            *_texts("ItemCode", "ItemName", "DataType", "DataValue", "Unit", "Oid", "DataValueName"),
        ),
    ),
    repeated=True,
)

CHECKUP_RESULT = group(
    "XmlMsg",
    _result_header(
        group(
            "QualificationsInfo",
            text("Name"),
            text("KanasName", alt_names=("KanaName",)),  # sic, as the client reads it
            text("Birthday"),
            text("AdministrativeGenderCode"),
        )
    ),
    group("MessageBody", *STATUS, CHECKUP),
)
