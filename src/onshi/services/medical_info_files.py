"""薬剤情報等 (YZKsiquc01req → YZKsiquc01res) and 特定健診情報 (TKKsiquc01req → TKKsiquc01res)
request files: the same consent-gated view as the API (onshi.services.clinical), in the
trees clients read (wire-spec.md §8).

The request names the patient by card keys only (no birth date): the 枝番 is needed when a
card number covers several people. Refusals are result files with ResultCode 2 and the
reason in MessageContents, as clients expect; every request is audited as a view.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from onshi import wire
from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent, subject_key
from onshi.domain.clinical import Checkup, ClinicalRecord, Medication, Procedure, RecordKind
from onshi.domain.codes import MedicationFileCategory
from onshi.domain.dates import format_wire_date, now_jst, parse_wire_month
from onshi.domain.errors import InvalidValue
from onshi.domain.insured import parse_branch, parse_number, parse_symbol
from onshi.domain.insurer import InsurerNumber
from onshi.domain.qualification import Qualification
from onshi.services.clinical import MAX_FILE_RECORDS, VIEW_ACTION, ClinicalPage, view_person
from onshi.services.file_answers import Answer, file_error, result_header, wire_error
from onshi.store import qualifications
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.wire.medical_info import InfoPatient, checkup_result_document, medication_result_document
from onshi.wire.result_codes import CLINICAL_REFUSALS, FACILITY_MISMATCH, INPUT_ERRORS, ResultCode
from onshi.wire.results import result_header as wire_header

MEDICATION = wire.MessageKind.MEDICATION_INFO_REQUEST
CHECKUP = wire.MessageKind.CHECKUP_INFO_REQUEST
_PDF = {MedicationFileCategory.PDF.value, MedicationFileCategory.PDF_WITH_TREATMENT.value}

# 特定健診 items as onshi writes them: (ItemCode, ItemName, unit). The codes are onshi's own
# (the official JLAC10-based list is not reproduced here); ItemName says what each is.
CHECKUP_ITEMS: tuple[tuple[str, str, str, str], ...] = (
    ("height_cm", "ONS-HT", "身長", "cm"),
    ("weight_kg", "ONS-WT", "体重", "kg"),
    ("waist_cm", "ONS-WC", "腹囲", "cm"),
    ("bmi", "ONS-BMI", "BMI", "kg/m2"),
    ("systolic_mmhg", "ONS-SBP", "収縮期血圧", "mmHg"),
    ("diastolic_mmhg", "ONS-DBP", "拡張期血圧", "mmHg"),
    ("triglycerides_mg_dl", "ONS-TG", "中性脂肪", "mg/dl"),
    ("hdl_mg_dl", "ONS-HDL", "HDLコレステロール", "mg/dl"),
    ("ldl_mg_dl", "ONS-LDL", "LDLコレステロール", "mg/dl"),
    ("hba1c_percent", "ONS-A1C", "HbA1c（NGSP）", "%"),
    ("glucose_mg_dl", "ONS-GLU", "空腹時血糖", "mg/dl"),
    ("ast_u_l", "ONS-AST", "AST（GOT）", "U/l"),
    ("alt_u_l", "ONS-ALT", "ALT（GPT）", "U/l"),
    ("gamma_gt_u_l", "ONS-GGT", "γ-GT（γ-GTP）", "U/l"),
    ("urine_glucose", "ONS-UGL", "尿糖", ""),
    ("urine_protein", "ONS-UPR", "尿蛋白", ""),
)


async def medication_request(db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
    return await _answer(db, audit, actor, data, MEDICATION)


async def checkup_request(db: Database, audit: AuditLog, actor: Actor, data: bytes) -> Answer:
    return await _answer(db, audit, actor, data, CHECKUP)


async def _answer(db: Database, audit: AuditLog, actor: Actor, data: bytes, kind: wire.MessageKind) -> Answer:
    try:
        parsed = wire.parse(data, kind)
    except wire.WireError as error:
        return await wire_error(audit, actor, kind, data, error, VIEW_ACTION)
    header, body = parsed.document["MessageHeader"], parsed.document["MessageBody"]
    identifier = header.get("ArbitraryFileIdentifier")
    if header["MedicalInstitutionCode"] != actor.id:
        return await file_error(
            audit, actor, kind, FACILITY_MISMATCH, None, identifier, parsed.encoding, VIEW_ACTION
        )
    h = result_header(actor, identifier, parsed.encoding)
    answer = _Failure(kind, h, parsed.encoding, audit, actor)
    if (body["FileCategory"] in _PDF and kind is MEDICATION) or (
        kind is CHECKUP and body["FileCategory"] == "1"
    ):
        return await answer(CLINICAL_REFUSALS["pdf_not_supported"], "refused:pdf")
    try:
        patient = await _patient(db, header)
    except InvalidValue as error:
        return await answer(
            INPUT_ERRORS[error.problem],
            f"rejected:{error.problem.value}",
            f"{error.field}: {error.message_ja}",
        )
    if isinstance(patient, str):
        return await answer(CLINICAL_REFUSALS[patient], f"refused:{patient}", subject=_searched(header))
    if kind is CHECKUP:
        page = await view_person(db, audit, actor, patient, RecordKind.CHECKUP, per_page=MAX_FILE_RECORDS)
        if not isinstance(page, ClinicalPage):
            assert page.refusal is not None
            return Answer(
                answer.document(CLINICAL_REFUSALS[page.refusal.value]),
                answer.result_kind,
                parsed.encoding,
                200,
            )
        document = checkup_result_document(
            h, _info_patient(patient), [_checkup(c) for c in page.records if isinstance(c, Checkup)]
        )
        return Answer(document, answer.result_kind, parsed.encoding, 200)
    return await _medication(db, audit, actor, patient, body, answer, h, parsed.encoding)


async def _medication(
    db: Database,
    audit: AuditLog,
    actor: Actor,
    patient: Qualification,
    body: dict[str, Any],
    answer: _Failure,
    h: Any,
    encoding: str,
) -> Answer:
    drugs = await view_person(db, audit, actor, patient, RecordKind.MEDICATION, per_page=MAX_FILE_RECORDS)
    if not isinstance(drugs, ClinicalPage):
        assert drugs.refusal is not None
        return Answer(
            answer.document(CLINICAL_REFUSALS[drugs.refusal.value]), answer.result_kind, encoding, 200
        )
    records: list[ClinicalRecord] = list(drugs.records)
    if body["FileCategory"] == MedicationFileCategory.XML_WITH_TREATMENT.value:
        acts = await view_person(db, audit, actor, patient, RecordKind.TREATMENT, per_page=MAX_FILE_RECORDS)
        if isinstance(acts, ClinicalPage):  # treatment shares the medication consent: refused only by depth
            records += acts.records
    start, end = _month(body.get("StartDate")), _month(body.get("EndDate"))
    kept = [
        r for r in records if (start is None or r.on >= start) and (end is None or r.on.replace(day=1) <= end)
    ]
    months = claim_months(kept, actor.id)
    document = medication_result_document(h, _info_patient(patient), claims=months)
    return Answer(document, answer.result_kind, encoding, 200)


def _month(text: str | None) -> date | None:
    return parse_wire_month(text) if text else None


def claim_months(records: Iterable[ClinicalRecord], own_facility: str) -> list[dict[str, Any]]:
    """MeTrMonthInf per facility and month (newest first), DiDateInf per day inside."""
    months: dict[tuple[str, str, str], dict[date, list[ClinicalRecord]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for record in records:
        if isinstance(record, (Medication, Procedure)):
            key = (record.on.strftime("%Y%m"), record.facility_code, record.facility_name)
            months[key][record.on].append(record)
    return [
        {
            "DiOrg": "1" if code == own_facility else "0",
            "MeTrDiHCd": code,
            "MeTrDiHNm": name,
            "MeTrMonth": month,
            "DiDateInfs": [{"DiDateInf": _day(day, days[day])} for day in sorted(days, reverse=True)],
        }
        for (month, code, name), days in sorted(months.items(), key=lambda item: item[0][0], reverse=True)
    ]


def _day(day: date, records: Sequence[ClinicalRecord]) -> dict[str, Any]:
    drugs = [r for r in records if isinstance(r, Medication)]
    acts = [r for r in records if isinstance(r, Procedure)]
    entry: dict[str, Any] = {
        "DiDate": format_wire_date(day),
        "DrugInfs": [{"DrugInf": _drug(d)} for d in drugs],
    }
    if acts:
        entry["MeTrInfs"] = [
            {"MeTrInf": {"SinInfN": a.name, "SinInfCd": a.code, "Qua1": str(a.quantity)}} for a in acts
        ]
    return entry


def _drug(drug: Medication) -> dict[str, Any]:
    return {
        "DrugC": drug.drug_code, "DrugN": drug.drug_name, "Qua1": f"{drug.quantity.normalize():f}",
        "Unit": drug.unit, "UsageN": drug.usage or None, "Times": str(drug.days),
    }  # fmt: skip


def _checkup(checkup: Checkup) -> dict[str, Any]:
    items = []
    for attribute, code, name, unit in CHECKUP_ITEMS:
        value = getattr(checkup, attribute)
        if value is not None:
            items.append({"ItemCode": code, "ItemName": name, "DataValue": str(value), "Unit": unit or None})
    if checkup.guidance is not None:
        items.append({"ItemCode": "ONS-GUIDE", "ItemName": "保健指導レベル", "DataValue": checkup.guidance.value,
                      "DataValueName": checkup.guidance.label_ja})  # fmt: skip
    infos = [{"HealthCheckupResultAndQuestionInfo": item} for item in items]
    return {"EffectiveTime": format_wire_date(checkup.on), "HealthCheckupResultAndQuestionInfos": infos}


def _info_patient(patient: Qualification) -> InfoPatient:
    return InfoPatient(patient.name, patient.name_kana, patient.birthdate, patient.sex1)


async def _patient(db: Database, header: dict[str, Any]) -> Qualification | str:
    """The person the card keys name, or "no_patient" / "ambiguous". Raises InvalidValue."""
    insurer = InsurerNumber.parse(header["InsurerNumber"])
    symbol = parse_symbol(header.get("InsuranceCardSymbol"))
    number = parse_number(header["InsuredPersonIdentificationNumber"])
    branch = parse_branch(header.get("BranchNumber"))
    async with db.read() as conn:
        family = await qualifications.family(conn, insurer, symbol, number)
    people = [q for q in family if branch is None or q.key.branch == branch]
    if not people:
        return "no_patient"
    if len({q.key for q in people}) > 1:
        return "ambiguous"
    return max(people, key=lambda q: q.qualification_date)


def _searched(header: dict[str, Any]) -> str:
    return subject_key(
        str(header.get("InsurerNumber") or ""), str(header.get("InsuranceCardSymbol") or ""),
        str(header.get("InsuredPersonIdentificationNumber") or ""), str(header.get("BranchNumber") or ""),
    )[:64]  # fmt: skip


class _Failure:
    """A result file saying why nothing is shown (ResultCode 2, the reason in MessageContents)."""

    def __init__(self, kind: wire.MessageKind, h: Any, encoding: str, audit: AuditLog, actor: Actor) -> None:
        self.result_kind = wire.answer_of(kind)
        self._h, self._encoding, self._audit, self._actor = h, encoding, audit, actor

    def document(self, code: ResultCode, message: str | None = None) -> dict[str, Any]:
        text = f"{code.summary_ja}（{message}）" if message else code.summary_ja
        header = wire_header(self.result_kind, self._h, error=code, message=text)
        return {
            "MessageHeader": header,
            "MessageBody": {"ResultCode": header["ResultCode"], "MessageContents": text},
        }

    async def __call__(
        self, code: ResultCode, outcome: str, message: str | None = None, subject: str | None = None
    ) -> Answer:
        await self._audit.record(
            AuditEvent(self._actor, VIEW_ACTION, outcome[:48], subject, occurred_at=now_jst())
        )
        return Answer(self.document(code, message), self.result_kind, self._encoding, 200)
