"""The messages of the terminal file interface (wire-spec.md) and their element trees."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from onshi.domain import codes
from onshi.wire._spec import Field, code, day, digits, group, integer, moment, raw, text, wrapper

MiB = 1024 * 1024


class MessageKind(StrEnum):
    """File-name prefixes (13 characters) of the messages."""

    SINGLE_INQUIRY_REQUEST = "OQSsiquc01req"  # 資格確認照会要求（単件）
    SINGLE_INQUIRY_RESULT = "OQSsiquc01res"  # 資格確認結果 (also the face-reader result, see FACE_PREFIX)


FACE_PREFIX = "OQSsiquc01res_face_"

# --- shared pieces -------------------------------------------------------------------------

MEDICAL_INSTITUTION_CODE = digits("MedicalInstitutionCode", length=10, required=True)
ARBITRARY_FILE_IDENTIFIER = text("ArbitraryFileIdentifier", max_length=100)
CHARACTER_CODE = code(
    "CharacterCodeIdentifier",
    codes.CharacterCode,
    # The OqsFunc table maps 1=UTF8 / 2=Shift_JIS; '2' can only mean Shift_JIS there.
    aliases={"2": codes.CharacterCode.SHIFT_JIS.value},
)
SEGMENT_OF_RESULT = code(
    "SegmentOfResult",
    codes.SegmentOfResult,
    required=True,
    aliases={"3": codes.SegmentOfResult.ABNORMAL.value},  # one client's comment writes 3 for 異常終了
)


def search_info(required: bool) -> Field:
    """QualificationConfirmSearchInfo (資格確認照会用情報): the request keys, echoed in results."""
    return group(
        "QualificationConfirmSearchInfo",
        raw("InsurerNumber", required=required, max_length=8),
        text("InsuredCardSymbol", max_length=40),
        text("InsuredIdentificationNumber", required=required, max_length=40),
        text("InsuredBranchNumber", max_length=4),
        day("Birthdate", required=required),
        code("LimitApplicationCertificateRelatedConsFlg", codes.ConsentFlag, required=required),
        text("ArbitraryIdentifier", max_length=100),
        required=required,
    )


def _consent(prefix: str, with_available_time: bool = True) -> tuple[Field, ...]:
    fields = (code(f"{prefix}ConsFlg", codes.ConsentState), moment(f"{prefix}ConsTime"))
    return (*fields, moment(f"{prefix}AvailableTime")) if with_available_time else fields


ELDERLY_RECIPIENT = group(
    "ElderlyRecipientCertificateInfo",
    day("ElderlyRecipientCertificateDate"),
    day("ElderlyRecipientValidStartDate"),
    day("ElderlyRecipientValidEndDate"),
    digits("ElderlyRecipientContributionRatio", length=3),
)

LIMIT_CERTIFICATE = group(
    "LimitApplicationCertificateRelatedInfo",
    code("LimitApplicationCertificateClassification", codes.LimitCertificateClass),
    code("LimitApplicationCertificateClassificationFlag", codes.LimitCategory),
    day("LimitApplicationCertificateDate"),
    day("LimitApplicationCertificateValidStartDate"),
    day("LimitApplicationCertificateValidEndDate"),
    day("LimitApplicationCertificateLongTermDate"),
)

SPECIFIC_DISEASE = group(
    "SpecificDiseasesCertificateInfo",
    code("SpecificDiseasesDiseaseCategory", codes.SpecificDisease),
    day("SpecificDiseasesCertificateDate"),
    day("SpecificDiseasesValidStartDate"),
    day("SpecificDiseasesValidEndDate"),
    integer("SpecificDiseasesSelfPay"),
)

RESULT_OF_QUALIFICATION = group(
    "ResultOfQualificationConfirmation",
    code("InsuredCardClassification", codes.CardClassification, required=True),
    raw("InsurerNumber", max_length=8),
    text("InsuredCardSymbol", max_length=40),
    text("InsuredIdentificationNumber", max_length=40),
    text("InsuredBranchNumber", max_length=2),
    code("PersonalFamilyClassification", codes.PersonalFamily),
    text("InsuredName"),
    text("Name", required=True),
    text("NameOfOther"),
    text("NameKana"),
    text("NameOfOtherKana"),
    code("Sex1", codes.Sex, required=True),
    code("Sex2", codes.Sex),
    day("Birthdate", required=True),
    text("Address"),
    text("PostNumber", max_length=8),
    day("QualificationDate"),
    day("DisqualificationDate"),
    day("InsuredCertificateIssuanceDate"),
    day("InsuredCardValidDate"),
    day("InsuredCardExpirationDate"),
    digits("InsuredPartialContributionRatio", length=3),
    code("PreschoolClassification", codes.PreschoolClass, aliases={"2": ""}),
    code("ReasonOfLoss", codes.ReasonOfLoss),
    text("InsurerName", required=True),
    ELDERLY_RECIPIENT,
    code("LimitApplicationCertificateRelatedConsFlg", codes.ConsentFlag),
    moment("LimitApplicationCertificateRelatedConsTime"),
    LIMIT_CERTIFICATE,
    *_consent("SpecificDiseasesCertificateRelated", with_available_time=False),
    # Writers use the wrapper form; SK's repeated-list form is accepted too (see parse_result).
    wrapper("SpecificDiseasesCertificateList", SPECIFIC_DISEASE),
    *_consent("SpecificHealthCheckupsInfo"),
    *_consent("PharmacistsInfo"),
    *_consent("DiagnosisInfo"),
    *_consent("OperationInfo"),
    text("ArbitraryIdentifier", max_length=100),
    text("ReferenceNumber", max_length=50),
    text("QualificationConfirmationKey"),
    code("PrescriptionIssueSelect", codes.PrescriptionIssue),
)

# --- OQSsiquc01req / OQSsiquc01res ------------------------------------------------------------

SINGLE_INQUIRY_REQUEST = group(
    "XmlMsg",
    group(
        "MessageHeader",
        day("QualificationConfirmationDate", required=True),
        MEDICAL_INSTITUTION_CODE,
        ARBITRARY_FILE_IDENTIFIER,
        required=True,
    ),
    group("MessageBody", search_info(required=True), required=True),
)

RESULT_HEADER = group(
    "MessageHeader",
    moment("ProcessExecutionTime", required=True),
    day("QualificationConfirmationDate"),
    MEDICAL_INSTITUTION_CODE,
    ARBITRARY_FILE_IDENTIFIER,
    code("ReferenceClassification", codes.ReferenceClassification),
    SEGMENT_OF_RESULT,
    text("ErrorCode"),
    text("ErrorMessage"),
    CHARACTER_CODE,
    required=True,
)

SINGLE_INQUIRY_RESULT = group(
    "XmlMsg",
    RESULT_HEADER,
    group(
        "MessageBody",
        search_info(required=False),
        code("ProcessingResultStatus", codes.ProcessingResultStatus),
        text("ProcessingResultCode"),
        text("ProcessingResultMessage"),
        code("QualificationValidity", codes.Validity),
        code("PrescriptionIssueSelect", codes.PrescriptionIssue),
        wrapper("ResultList", RESULT_OF_QUALIFICATION),
    ),
)


@dataclass(frozen=True, slots=True)
class Message:
    kind: MessageKind
    spec: Field
    max_bytes: int
    answer: MessageKind | None = None  # the result kind a request is answered with


MESSAGES: dict[MessageKind, Message] = {
    m.kind: m
    for m in (
        Message(
            MessageKind.SINGLE_INQUIRY_REQUEST,
            SINGLE_INQUIRY_REQUEST,
            1 * MiB,
            MessageKind.SINGLE_INQUIRY_RESULT,
        ),
        Message(MessageKind.SINGLE_INQUIRY_RESULT, SINGLE_INQUIRY_RESULT, 1 * MiB),
    )
}
