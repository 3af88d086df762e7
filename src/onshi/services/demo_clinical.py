"""Clinical records for the demo's card holder, so that a consented view shows something.

They are the same records a claims feed would bring (onshi.feeds.clinical_csv), built here in
code: a few months of dispensed drugs at the demo clinic and a pharmacy, the visits that
came with them, one operation and — from 40 — yearly checkups.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from onshi.domain.clinical import Checkup, ClinicalRecord, GuidanceLevel, Medication, Procedure, RecordKind
from onshi.domain.consent import checkup_allowed
from onshi.domain.dates import add_months
from onshi.domain.qualification import Qualification
from onshi.services.consents import patient_of
from onshi.store import clinical
from onshi.store.database import Database

CLINIC = ("1319900019", "オンシ・デモ診療所")
PHARMACY = ("1349900013", "オンシ・デモ薬局")


def demo_records(patient: Qualification, today: date) -> list[ClinicalRecord]:
    records: list[ClinicalRecord] = []
    for months_ago in range(1, 7):
        visit = add_months(today, -months_ago).replace(day=12)
        records += [
            Procedure(RecordKind.TREATMENT, visit, *CLINIC, "112007410", "再診料"),
            Medication(
                visit, *PHARMACY, "620000107", "アムロジピンOD錠5mg", Decimal(1), "錠", 28, "1日1回朝食後"
            ),
            Medication(
                visit,
                *PHARMACY,
                "620004541",
                "メトホルミン塩酸塩錠250mg",
                Decimal(2),
                "錠",
                28,
                "1日2回朝夕食後",
            ),
        ]
    records.append(
        Procedure(RecordKind.SURGERY, today - timedelta(days=800), *CLINIC, "150253010", "腹腔鏡下胆嚢摘出術")
    )
    if checkup_allowed(patient.birthdate, today):
        for years_ago in (1, 2):
            examined = add_months(today, -12 * years_ago).replace(day=20)
            records.append(Checkup(
                examined, *CLINIC, height_cm=Decimal("168.0"), weight_kg=Decimal(72 - years_ago),
                waist_cm=Decimal("88.5"), bmi=Decimal("25.5"), systolic_mmhg=134, diastolic_mmhg=86,
                triglycerides_mg_dl=162, hdl_mg_dl=48, ldl_mg_dl=142, hba1c_percent=Decimal("6.1"),
                ast_u_l=24, alt_u_l=31, gamma_gt_u_l=58, urine_glucose="-", urine_protein="-",
                guidance=GuidanceLevel.MOTIVATIONAL,
            ))  # fmt: skip
    return records


async def seed_demo_clinical(db: Database, patient: Qualification, today: date) -> int:
    async with db.write() as conn:
        return await clinical.insert(
            conn, [(patient_of(patient), r) for r in demo_records(patient, today)], None
        )
