"""What staff do at the desk: open a confirmation's patient, register, re-confirm, correct.

Every change to the registry is recorded with who made it (desk_corrections), and every
request goes to central only as a file in the terminal's `req` folder.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from typing import Any

from onshi.desk import outbox, store
from onshi.desk.context import Desk
from onshi.desk.patients import Candidate, Difference, Patient, certain_match, differences, rank
from onshi.desk.results import Outcome, Person
from onshi.desk.store import DeskError
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.insurer import InsurerNumber


def person_to_json(person: Person) -> dict[str, Any]:
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in dataclasses.asdict(person).items()}


def person_from_json(data: dict[str, Any] | None) -> Person | None:
    if not data:
        return None
    values = dict(data)
    for name in ("birthdate", "card_valid_from", "card_valid_until"):
        if values.get(name):
            values[name] = date.fromisoformat(values[name])
    known = {f.name for f in dataclasses.fields(Person)}
    return Person(**{k: v for k, v in values.items() if k in known})


def keys_of(patient: Patient) -> outbox.InsuredKeys:
    if not patient.has_insured_numbers:
        raise DeskError("保険者番号と被保険者証番号が登録されていないため照会できません")
    assert patient.insurer_number is not None and patient.number is not None
    return outbox.InsuredKeys(
        patient.insurer_number, patient.symbol, patient.number, patient.branch, patient.birthdate
    )


@dataclass(frozen=True, slots=True)
class ArrivalView:
    """A confirmation as staff open it: its patient, or the candidates to choose from."""

    id: int
    source: str
    outcome: Outcome
    message: str | None
    code: str | None
    person: Person | None
    patient: Patient | None
    candidates: list[Candidate]
    differences: list[Difference]
    received_at: Any


async def open_arrival(desk: Desk, arrival_id: int) -> ArrivalView:
    """(b): the linked patient; else a certain match (照会番号, or one numbers+birth-date hit),
    linked at once; else ranked candidates (empty: offer to register)."""
    async with desk.db.write() as conn:
        row = await store.get_arrival(conn, arrival_id)
        person = person_from_json(row.person)
        patient = await store.get_patient(conn, row.patient_id) if row.patient_id else None
        candidates: list[Candidate] = []
        if patient is None and person is not None:
            candidates = rank(await store.candidates_for(conn, person), person)
            patient = certain_match(candidates)
            if patient is not None:
                await store.link_arrival(conn, arrival_id, patient.id)
    found = differences(patient, person) if patient and person else []
    return ArrivalView(
        row.id,
        row.source,
        Outcome(row.outcome),
        row.message,
        row.code,
        person,
        patient,
        candidates,
        found,
        row.received_at,
    )


async def link(desk: Desk, arrival_id: int, patient_id: int) -> None:
    async with desk.db.write() as conn:
        await store.get_patient(conn, patient_id)
        await store.link_arrival(conn, arrival_id, patient_id)


def _patient_values(person: Person) -> dict[str, Any]:
    values = {k: v for k, v in dataclasses.asdict(person).items() if k != "reference_number"}
    if values.get("insurer_number"):
        values["insurer_number"] = values["insurer_number"].strip()
    return values


async def register_from_arrival(desk: Desk, arrival_id: int, by: str) -> Patient:
    """A new patient from a confirmation's data, linked to it, with its 照会番号 requested."""
    async with desk.db.write() as conn:
        row = await store.get_arrival(conn, arrival_id)
        person = person_from_json(row.person)
        if person is None or not person.name or person.birthdate is None:
            raise DeskError("この確認結果には登録に必要な氏名・生年月日がありません")
        patient = await store.add_patient(conn, _patient_values(person))
        await store.link_arrival(conn, arrival_id, patient.id)
    if patient.has_insured_numbers:
        await register_reference(desk, patient, by)
    return patient


async def register_patient(desk: Desk, values: dict[str, Any], by: str) -> Patient:
    """A patient typed in by staff (first visit without a card confirmation)."""
    if not values.get("name") or not values.get("birthdate"):
        raise DeskError("氏名と生年月日は必須です")
    if values.get("insurer_number"):
        try:
            InsurerNumber.parse(values["insurer_number"])
        except InvalidValue as error:
            raise DeskError(error.message_ja) from error
    async with desk.db.write() as conn:
        patient = await store.add_patient(conn, values)
    if patient.has_insured_numbers:
        await register_reference(desk, patient, by)
    return patient


async def register_reference(desk: Desk, patient: Patient, by: str) -> str:
    """Ask the terminal to register the patient number as 照会番号 (answer: OQSsiimm01res)."""
    suffix = outbox.new_suffix(now_jst())
    name, content = outbox.reference_registration(
        desk.facility_code, patient.patient_number, keys_of(patient), suffix
    )
    async with desk.db.write() as conn:
        await store.add_request(conn, name, "reference", by, patient_id=patient.id)
    outbox.drop(desk.root, name, content)
    return name


async def reconfirm(desk: Desk, patient_id: int, by: str) -> str:
    """(c) one click: an OQSsiquc01req from the numbers on file; the answer arrives in `res`."""
    async with desk.db.read() as conn:
        patient = await store.get_patient(conn, patient_id)
    try:
        keys = keys_of(patient)
        suffix = outbox.new_suffix(now_jst())
        name, content = outbox.single_inquiry(desk.facility_code, keys, today_jst(), suffix)
    except InvalidValue as error:
        raise DeskError(f"登録されている番号では照会できません：{error.message_ja}") from error
    async with desk.db.write() as conn:
        await store.add_request(conn, name, "inquiry", by, patient_id=patient.id)
    outbox.drop(desk.root, name, content)
    return name


async def apply_corrections(desk: Desk, patient_id: int, arrival_id: int, fields: list[str], by: str) -> int:
    """(e) take the confirmed values of the chosen fields into the registry in one step."""
    async with desk.db.write() as conn:
        patient = await store.get_patient(conn, patient_id)
        person = person_from_json((await store.get_arrival(conn, arrival_id)).person)
        if person is None:
            raise DeskError("この確認結果には反映できる資格情報がありません")
        offered = {d.field: d.confirmed for d in differences(patient, person)}
        changes = {field: offered[field] for field in fields if field in offered}
        if changes.get("insurer_number"):
            changes["insurer_number"] = str(changes["insurer_number"]).strip()
        return await store.correct_patient(conn, patient, changes, by, arrival_id)
