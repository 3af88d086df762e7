"""The desk's patients, how a confirmation finds its patient, and what differs.

Pure logic over plain values (no I/O). Matching follows what receipt computers do
(user-asks.md §"open the patient"): the 照会番号 the facility registered comes back in face
files and names the patient outright; otherwise insured numbers and birth date, then name
and birth date, give a ranked list for staff to choose from; otherwise the patient is new.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from onshi.desk.results import Person
from onshi.domain.names import clean_kana, name_match_key
from onshi.domain.text import normalise_identifier


@dataclass(frozen=True, slots=True)
class Patient:
    """A patient in the desk's own registry (what a receipt computer keeps)."""

    id: int
    name: str
    name_kana: str | None
    birthdate: date
    sex: str | None = None
    postal_code: str | None = None
    address: str | None = None
    insurer_number: str | None = None
    insurer_name: str | None = None
    symbol: str | None = None
    number: str | None = None
    branch: str | None = None
    copay_percent: int | None = None
    card_valid_from: date | None = None
    card_valid_until: date | None = None
    limit_category: str | None = None
    reference_number: str | None = None
    public_expense: str | None = None  # 公費 (the line the last applied confirmation gave)

    @property
    def patient_number(self) -> str:
        """診察券番号 as printed on the patient's card; also registered as the 照会番号."""
        return f"{self.id:08d}"

    @property
    def has_insured_numbers(self) -> bool:
        return bool(self.insurer_number and self.number)


# The fields compared after a confirmation (seed 003: name, address, insurer, numbers, copay,
# validity, limit category; and the public-expense entitlements of the day), with the label staff see.
COMPARED_FIELDS: dict[str, str] = {
    "name": "氏名",
    "name_kana": "氏名カナ",
    "sex": "性別",
    "postal_code": "郵便番号",
    "address": "住所",
    "insurer_number": "保険者番号",
    "insurer_name": "保険者名称",
    "symbol": "記号",
    "number": "番号",
    "branch": "枝番",
    "copay_percent": "負担割合",
    "card_valid_from": "有効開始日",
    "card_valid_until": "有効終了日",
    "limit_category": "限度額適用区分",
    "public_expense": "公費",
}


@dataclass(frozen=True, slots=True)
class Difference:
    field: str
    label: str
    registered: object
    confirmed: object


def _comparable(field: str, value: object) -> object:
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if field == "insurer_number":
            return text.replace(" ", "") or None  # 国保 numbers come space-padded to 8
        if field == "name_kana":
            return clean_kana(text) or None
        if field in ("symbol", "number", "branch"):
            return normalise_identifier(text) or None
        return text.replace("\u3000", " ") or None
    return value


def differences(patient: Patient, person: Person) -> list[Difference]:
    """Fields where the confirmation says something else than the registry, in display order.
    A field the confirmation does not carry (None) is no evidence and is not listed."""
    found = []
    for field, label in COMPARED_FIELDS.items():
        confirmed = getattr(person, field)
        registered = getattr(patient, field)
        if confirmed is None:
            continue
        if _comparable(field, registered) != _comparable(field, confirmed):
            found.append(Difference(field, label, registered, confirmed))
    return found


@dataclass(frozen=True, slots=True)
class Candidate:
    patient: Patient
    score: int
    reason: str


def _same_numbers(patient: Patient, person: Person) -> bool:
    if not (patient.has_insured_numbers and person.insurer_number and person.number):
        return False
    keys = ("insurer_number", "symbol", "number")
    same = all(_comparable(k, getattr(patient, k)) == _comparable(k, getattr(person, k)) for k in keys)
    branches = (patient.branch, person.branch)
    return same and (
        None in branches or _comparable("branch", branches[0]) == _comparable("branch", branches[1])
    )


def _same_name(left: str | None, right: str | None) -> bool:
    return bool(left and right) and name_match_key(left or "") == name_match_key(right or "")


def score(patient: Patient, person: Person) -> Candidate | None:
    """How well a registered patient fits a confirmed person (None: not a candidate)."""
    same_birth = person.birthdate is not None and patient.birthdate == person.birthdate
    if person.reference_number and patient.reference_number == person.reference_number:
        return Candidate(patient, 100, "照会番号が一致")
    if _same_numbers(patient, person):
        if same_birth:
            return Candidate(patient, 95, "保険者番号・記号・番号と生年月日が一致")
        return Candidate(patient, 50, "保険者番号・記号・番号が一致（生年月日が相違）")
    if same_birth and _same_name(patient.name_kana, person.name_kana):
        return Candidate(patient, 85, "生年月日と氏名カナが一致")
    if same_birth and _same_name(patient.name, person.name):
        return Candidate(patient, 80, "生年月日と氏名が一致")
    if same_birth:
        return Candidate(patient, 30, "生年月日のみ一致")
    if _same_name(patient.name_kana, person.name_kana) or _same_name(patient.name, person.name):
        return Candidate(patient, 20, "氏名のみ一致（生年月日が相違）")
    return None


def rank(patients: Iterable[Patient], person: Person, limit: int = 10) -> list[Candidate]:
    """Candidates best first (ties: lower patient number first)."""
    scored = [c for c in (score(p, person) for p in patients) if c is not None]
    scored.sort(key=lambda c: (-c.score, c.patient.id))
    return scored[:limit]


def certain_match(candidates: list[Candidate]) -> Patient | None:
    """The patient to open without asking: a 照会番号 hit, or a single numbers-and-birth-date hit."""
    if not candidates:
        return None
    best = candidates[0]
    if best.score == 100:
        return best.patient
    strong = [c for c in candidates if c.score >= 95]
    return best.patient if len(strong) == 1 else None
