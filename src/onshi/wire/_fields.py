"""Element trees shared by several messages: header items, search keys, the qualification entry.

Order of children is the order onshi writes (wire-spec.md §5); input order is free.
"""

from __future__ import annotations

from dataclasses import replace

from onshi.domain import codes
from onshi.domain.batch import MAX_ENTRIES
from onshi.wire._spec import Field, code, day, digits, group, integer, moment, month, raw, text, wrapper

# A bulk upload may list this many persons (or registrations); more is TOO_MANY_ENTRIES.
MAX_BULK_ENTRIES = MAX_ENTRIES

MEDICAL_INSTITUTION_CODE = digits("MedicalInstitutionCode", length=10, required=True)
ARBITRARY_FILE_IDENTIFIER = text("ArbitraryFileIdentifier", max_length=100)
PROCESS_EXECUTION_TIME = moment("ProcessExecutionTime", required=True)
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
ERROR_CODE = text("ErrorCode")
ERROR_MESSAGE = text("ErrorMessage")
RECEPTION_NUMBER = text("ReceptionNumber", max_length=100)
REFERENCE_NUMBER = text("ReferenceNumber", max_length=50)
BULK_COUNTS = (
    integer("NumberOfProcessingResult"),
    integer("NumberOfNormalProcessing"),
    integer("NumberOfError"),
)
PROCESSING_RESULT = (
    code("ProcessingResultStatus", codes.ProcessingResultStatus),
    text("ProcessingResultCode"),
    text("ProcessingResultMessage"),
)


def mandatory(spec: Field) -> Field:
    return replace(spec, required=True)


def repeated(
    spec: Field, required: bool = False, max_count: int | None = None, also_in: tuple[str, ...] = ()
) -> Field:
    return replace(spec, repeated=True, required=required, max_count=max_count, also_in=also_in)


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


def _consent(
    prefix: str, with_available_time: bool = True, alt_prefix: str | None = None
) -> tuple[Field, ...]:
    """<prefix>ConsFlg / ConsTime / AvailableTime. One client's face writer says
    `…AcquisitionTime` (and `PharmaceuticalInfo…` for `PharmacistsInfo…`); both are read."""
    prefixes = (prefix, alt_prefix) if alt_prefix else (prefix,)

    def alts(suffix: str, *others: str) -> tuple[str, ...]:
        names = [p + s for p in prefixes for s in (suffix, *others)]
        return tuple(n for n in names if n != prefix + suffix)

    fields = (
        code(f"{prefix}ConsFlg", codes.ConsentState, alt_names=alts("ConsFlg")),
        moment(f"{prefix}ConsTime", alt_names=alts("ConsTime")),
    )
    if not with_available_time:
        return fields
    return (*fields, moment(f"{prefix}AvailableTime", alt_names=alts("AvailableTime", "AcquisitionTime")))


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

# 医療券・調剤券 (medical aid). Names and nesting from one client only, so free-text items stay text.
MEDICAL_TICKET = group(
    "MedicalTicketInfo",
    code("TicketType", codes.TicketType),
    day("MedicalTicketValidDate"),
    day("MedicalTicketExpirationDate"),
    text("IssueNumber"),
    month("MedicalTreatmentMonth"),
    text("DesignatedMedicalInstitutionCode"),
    code("DesignatedMedicalInstitutionFlag", codes.DesignatedInstitutionFlag),
    text("DesignatedMedicalInstitutionName"),
    text("PrescriptionIssuerMedicalInstitutionCode"),
    text("PrescriptionIssuerMedicalInstitutionName"),
    text("InjuryName1"),
    text("InjuryName2"),
    text("InjuryName3"),
    code("MedicalTreatmentType", codes.MedicalTreatmentType),
    integer("SelfPayAmount"),
    text("DistrictContactName"),
    text("HandlingContactName"),
    code("SingleOrCombinedUse", codes.SingleOrCombined),
    code("StatusOfSocialInsurance", codes.Presence),
    code("ConsistencyFlag", codes.ConsistencyFlag),
    # Spelled so by the only source; the corrected spelling is read too.
    code("StatusOfInfecton", codes.Presence, alt_names=("StatusOfInfection",)),
    code("StatusOfElderlyMedicalCare", codes.Presence),
    code("StatusOfPrefecturalExpenses", codes.Presence),
    text("Remarks1"),
    text("Remarks2"),
    text("Remarks3"),
)

# 公費 entitlements valid on the confirmation date (公費負担医療・地方単独医療費助成・医療扶助). No public
# source shows how the real system lists them beside an insurance result: these names are onshi's,
# built from the public-expense names OD2 reads (PublicExpenseNumber, BeneficiaryNumber).
PUBLIC_EXPENSE_INFO = group(
    "PublicExpenseInfo",
    text("PublicExpenseNumber", max_length=8),  # 公費負担者番号
    text("BeneficiaryNumber", max_length=20),  # 受給者番号
    text("PublicExpenseName"),  # 制度名
    text("PublicExpensePayerName"),  # 実施機関名（福祉事務所名）
    day("PublicExpenseValidStartDate"),
    day("PublicExpenseValidEndDate"),
    digits("PublicExpenseContributionRatio", length=3),  # the patient's share, % (e.g. 020)
    integer("PublicExpenseSelfPayPerVisit"),  # 1回あたりの自己負担額 (yen)
    integer("PublicExpenseSelfPay"),  # 自己負担上限額（月額, yen）
    integer("PublicExpensePriority"),  # 適用順位 (1 applies first)
)

RESULT_OF_QUALIFICATION = group(
    "ResultOfQualificationConfirmation",
    code("InsuredCardClassification", codes.CardClassification, required=True),
    raw("InsurerNumber", max_length=8),
    text("InsuredCardSymbol", max_length=40),
    text("InsuredIdentificationNumber", max_length=40),
    text("InsuredBranchNumber", max_length=2),
    text("PublicExpenseNumber", max_length=8),  # 公費負担者番号 (medical aid, InsuredCardClassification A1)
    text("BeneficiaryNumber", max_length=20),  # 受給者番号
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
    text("WelfareOfficeName"),  # 福祉事務所名 (medical aid)
    ELDERLY_RECIPIENT,
    code("LimitApplicationCertificateChanged", codes.LimitCertificateChanged),  # bulk results (SK order)
    code("LimitApplicationCertificateRelatedConsFlg", codes.ConsentFlag),
    moment("LimitApplicationCertificateRelatedConsTime"),
    LIMIT_CERTIFICATE,
    *_consent("SpecificDiseasesCertificateRelated", with_available_time=False),
    # Writers use the wrapper form; SK's repeated-list form is accepted too (see _codec).
    wrapper("SpecificDiseasesCertificateList", SPECIFIC_DISEASE),
    wrapper("PublicExpenseInfoList", PUBLIC_EXPENSE_INFO, loose=True),
    integer("NumberOfMedicalTickets"),
    wrapper("PublicExpenseResultList", MEDICAL_TICKET, loose=True),
    *_consent("SpecificHealthCheckupsInfo"),
    *_consent("PharmacistsInfo", alt_prefix="PharmaceuticalInfo"),
    *_consent("DiagnosisInfo"),
    *_consent("OperationInfo"),
    # Consents added in 2025 (seen in ORCA's patientgetv2 fields that surface face results).
    *_consent("DiagnosisName"),
    *_consent("InfectiousInfo"),
    *_consent("AllergyInfo"),
    *_consent("ContraindicationInfo"),
    *_consent("TestInfo"),
    *_consent("PrescriptionInfo"),
    text("ArbitraryIdentifier", max_length=100),
    REFERENCE_NUMBER,
    text("QualificationConfirmationKey"),
    code("PrescriptionIssueSelect", codes.PrescriptionIssue),
)


# --- the two-step bulk exchange shared by every bulk family ------------------------------------

RECEIPT_HEADER = group(
    "MessageHeader",
    PROCESS_EXECUTION_TIME,
    MEDICAL_INSTITUTION_CODE,
    ARBITRARY_FILE_IDENTIFIER,
    SEGMENT_OF_RESULT,
    ERROR_CODE,
    ERROR_MESSAGE,
    CHARACTER_CODE,
    required=True,
)

# …01res: the upload's acknowledgement. No ReceptionNumber means the upload was not accepted.
RECEIPT = group(
    "XmlMsg",
    RECEIPT_HEADER,
    group("MessageBody", RECEPTION_NUMBER, moment("ReceptionDateTime"), *PROCESSING_RESULT),
)

# …02req: fetch the result of an accepted upload by its ReceptionNumber.
DOWNLOAD_REQUEST = group(
    "XmlMsg",
    group("MessageHeader", MEDICAL_INSTITUTION_CODE, ARBITRARY_FILE_IDENTIFIER, required=True),
    group("MessageBody", mandatory(RECEPTION_NUMBER), required=True),
)
