"""The fallback procedure at the desk (domain.md §6): the 被保険者資格申立書 and what follows.

When confirmation shows 資格(無効) or 資格情報なし, when central or the terminal does not
answer, or when reception is split, staff take the patient's declaration; the domain
(onshi.domain.fallback) decides the copay and the 不詳 claim fields. The declaration is
kept with the patient; when a later confirmation succeeds, the desk lists what the
declaration got wrong, and staff mark it resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.desk import schema as t
from onshi.desk import store
from onshi.desk.context import Desk
from onshi.desk.results import Person
from onshi.desk.store import DeskError
from onshi.domain.codes import Sex
from onshi.domain.dates import now_jst, parse_flexible_date, today_jst
from onshi.domain.facility import FacilityCode
from onshi.domain.fallback import Declaration, DeclaredCopay, FallbackReason, InsuranceKind
from onshi.domain.insurer import InsurerNumber

# The declaration's fields as stored (JSON) and as posted by the form.
TEXT_FIELDS = (
    "name",
    "name_kana",
    "postal_code",
    "address",
    "phone",
    "insurer_name",
    "insurer_number",
    "card_symbol",
    "card_number",
    "card_branch",
    "employer",
)


def build(desk: Desk, form: dict[str, str], staff_name: str, on: date | None = None) -> Declaration:
    """A validated Declaration from the posted form (raises InvalidValue with a Japanese message)."""
    values = {name: (form.get(name) or "").strip() or None for name in TEXT_FIELDS}
    insurer = values.pop("insurer_number")
    return Declaration(
        facility_code=FacilityCode.parse(desk.facility_code),
        declared_on=on or today_jst(),
        reason=FallbackReason(form.get("reason") or FallbackReason.OUTAGE.value),
        birthdate=parse_flexible_date(form.get("birthdate") or "", "birthdate"),
        sex=Sex(form.get("sex") or "3"),
        insurance_kind=InsuranceKind(form.get("insurance_kind") or InsuranceKind.UNKNOWN.value),
        insurer_number=InsurerNumber.parse(insurer, "insurer_number") if insurer else None,
        declared_copay=DeclaredCopay(form.get("declared_copay") or DeclaredCopay.UNKNOWN.value),
        staff_name=staff_name,
        **values,  # type: ignore[arg-type]
    )


def to_json(declaration: Declaration) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(declaration, name) for name in TEXT_FIELDS}
    data["insurer_number"] = str(declaration.insurer_number) if declaration.insurer_number else None
    data.update(
        declared_on=declaration.declared_on.isoformat(),
        reason=declaration.reason.value,
        birthdate=declaration.birthdate.isoformat(),
        sex=declaration.sex.value,
        insurance_kind=declaration.insurance_kind.value,
        declared_copay=declaration.declared_copay.value,
        staff_name=declaration.staff_name,
        facility_code=str(declaration.facility_code.digits),
    )
    return data


def from_json(data: dict[str, Any]) -> Declaration:
    values = {name: data.get(name) for name in TEXT_FIELDS}
    insurer = values.pop("insurer_number")
    return Declaration(
        facility_code=FacilityCode.parse(data["facility_code"]),
        declared_on=date.fromisoformat(data["declared_on"]),
        reason=FallbackReason(data["reason"]),
        birthdate=date.fromisoformat(data["birthdate"]),
        sex=Sex(data["sex"]),
        insurance_kind=InsuranceKind(data["insurance_kind"]),
        insurer_number=InsurerNumber.parse(insurer) if insurer else None,
        declared_copay=DeclaredCopay(data["declared_copay"]),
        staff_name=data["staff_name"],
        **values,  # type: ignore[arg-type]
    )


async def record(
    desk: Desk, declaration: Declaration, by: str, patient_id: int | None, arrival_id: int | None
) -> int:
    """Keep the declaration; a patient not yet registered is registered from it (the receipt
    computer bills them), so the next confirmation finds them."""
    copay = declaration.copay()
    async with desk.db.write() as conn:
        if patient_id is None:
            patient_id = (await store.add_patient(conn, _patient_values(declaration))).id
        else:
            await store.get_patient(conn, patient_id)
        result = await conn.execute(
            insert(t.declarations)
            .values(
                created_at=now_jst(),
                created_by=by,
                patient_id=patient_id,
                arrival_id=arrival_id,
                reason=declaration.reason.value,
                data=to_json(declaration),
                copay_percent=copay.percent,
                copay_default=copay.is_default,
            )
            .returning(t.declarations.c.id)
        )
        declaration_id: int = result.scalar_one()
    return declaration_id


def _patient_values(declaration: Declaration) -> dict[str, Any]:
    return {
        "name": declaration.name,
        "name_kana": declaration.name_kana,
        "birthdate": declaration.birthdate,
        "sex": declaration.sex.value,
        "postal_code": declaration.postal_code,
        "address": declaration.address,
        "insurer_number": str(declaration.insurer_number) if declaration.insurer_number else None,
        "insurer_name": declaration.insurer_name,
        "symbol": declaration.card_symbol,
        "number": declaration.card_number,
        "branch": declaration.card_branch,
        "copay_percent": declaration.copay().percent,
    }


async def get(conn: AsyncConnection, declaration_id: int) -> tuple[Row[Any], Declaration]:
    row = (await conn.execute(select(t.declarations).where(t.declarations.c.id == declaration_id))).first()
    if row is None:
        raise DeskError(f"申立書 {declaration_id} はありません")
    return row, from_json(row.data)


async def declarations_of(conn: AsyncConnection, patient_id: int) -> list[Row[Any]]:
    query = (
        select(t.declarations)
        .where(t.declarations.c.patient_id == patient_id)
        .order_by(t.declarations.c.id.desc())
    )
    return list((await conn.execute(query)).all())


@dataclass(frozen=True, slots=True)
class ToCorrect:
    label: str
    declared: object
    confirmed: object


def to_correct(row: Row[Any], person: Person) -> list[ToCorrect]:
    """What the declaration (and so the claim) got wrong, by a later successful confirmation."""
    data = row.data
    declared_insurer = data.get("insurer_number")
    pairs = [
        ("保険者番号", declared_insurer or "不詳", (person.insurer_number or "").strip() or None),
        ("記号", data.get("card_symbol") or ("不詳" if not data.get("card_number") else None), person.symbol),
        ("番号", data.get("card_number") or "不詳", person.number),
        ("枝番", data.get("card_branch"), person.branch),
        (
            "負担割合",
            f"{row.copay_percent // 10}割",
            f"{person.copay_percent // 10}割" if person.copay_percent else None,
        ),
    ]
    return [
        ToCorrect(label, declared, confirmed)
        for label, declared, confirmed in pairs
        if confirmed is not None and declared != confirmed
    ]


async def resolve(desk: Desk, declaration_id: int, arrival_id: int | None, by: str) -> None:
    async with desk.db.write() as conn:
        row, _ = await get(conn, declaration_id)
        if row.resolved_at is not None:
            return
        await conn.execute(
            update(t.declarations)
            .where(t.declarations.c.id == declaration_id)
            .values(resolved_at=now_jst(), resolved_by=by, resolved_arrival_id=arrival_id)
        )
