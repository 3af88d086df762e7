"""What a result file says about a patient, read as a receipt computer reads it.

Single results, face files and the units of a bulk result carry the same person data in
different wrappers (wire-spec.md §5.2, §6: `ResultList/ResultOfQualificationConfirmation`
in single results, the entry directly inside `BulkConfirmUnit`); `confirmation_of` reads
either. The client success test of §5.2 decides `valid`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum
from typing import Any

from onshi.domain.dates import parse_wire_date
from onshi.domain.names import clean_kana
from onshi.wire.public_expense import entries_items as _items
from onshi.wire.public_expense import public_expense_of, tickets_of
from onshi.wire.results import result_entries

EMERGENCY_CODE = "ONSW3001"  # answered by the terminal from the pre-check in emergency mode


class Outcome(StrEnum):
    VALID = "valid"  # 資格有効
    INVALID = "invalid"  # 資格(無効)
    NO_RECORD = "no_record"  # 資格情報なし / 該当資格なし
    ERROR = "error"  # the request could not be processed (bad numbers, file error)
    IN_PROGRESS = "in_progress"  # 処理中 (bulk results not ready)

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS = {
    Outcome.VALID: "資格有効",
    Outcome.INVALID: "資格(無効)",
    Outcome.NO_RECORD: "資格情報なし",
    Outcome.ERROR: "エラー",
    Outcome.IN_PROGRESS: "処理中",
}

# QualificationValidity (OQSCD006): 1 有効, 2 無効, 3 無効（新しい資格あり）, 4 該当資格なし,
# 5 複数該当, 6 資格確認不能 — only 1 is coverage.
_VALIDITY_OUTCOME = {"1": Outcome.VALID, "2": Outcome.INVALID, "3": Outcome.INVALID, "4": Outcome.NO_RECORD}


@dataclass(frozen=True, slots=True)
class Person:
    """The patient data of one ResultOfQualificationConfirmation, in the desk's terms."""

    name: str | None = None
    name_kana: str | None = None
    birthdate: date | None = None
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
    public_expense: str | None = None  # the entitlements of the day, one line (see public_expense_of)
    medical_tickets: str | None = None  # this month's 医療券・調剤券 (shown, not compared)


@dataclass(frozen=True, slots=True)
class Confirmation:
    outcome: Outcome
    validity: str | None
    code: str | None
    message: str | None
    confirmed_on: date | None
    people: tuple[Person, ...] = field(default=())
    identifier: str | None = None  # ArbitraryIdentifier of a bulk entry

    @property
    def person(self) -> Person | None:
        """The one person a usable answer is about (None when zero or several)."""
        return self.people[0] if len(self.people) == 1 else None

    @property
    def emergency(self) -> bool:
        return self.code == EMERGENCY_CODE


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _date(value: Any) -> date | None:
    text = _text(value)
    if text is None:
        return None
    try:
        return parse_wire_date(text)
    except ValueError:
        return None


def _percent(entry: dict[str, Any]) -> int | None:
    """InsuredPartialContributionRatio, else the elderly recipient certificate's ratio (`030` → 30)."""
    elderly = entry.get("ElderlyRecipientCertificateInfo") or {}
    raw = _text(entry.get("InsuredPartialContributionRatio")) or _text(
        elderly.get("ElderlyRecipientContributionRatio") if isinstance(elderly, dict) else None
    )
    return int(raw) if raw and raw.isdecimal() else None


def _limit_category(entry: dict[str, Any]) -> str | None:
    info = entry.get("LimitApplicationCertificateRelatedInfo")
    if isinstance(info, list):
        info = info[0] if info else None
    if not isinstance(info, dict):
        return None
    return _text(info.get("LimitApplicationCertificateClassificationFlag"))


def _kana(value: Any) -> str | None:
    """Terminals write half-width kana (ﾔﾏﾀﾞ); the desk keeps names as staff type them."""
    text = _text(value)
    return clean_kana(text) if text else None


def person_of(entry: dict[str, Any]) -> Person:
    insurer = _text(entry.get("InsurerNumber"))
    return Person(
        name=_text(entry.get("Name")),
        name_kana=_kana(entry.get("NameKana")),
        birthdate=_date(entry.get("Birthdate")),
        sex=_text(entry.get("Sex1")),
        postal_code=_text(entry.get("PostNumber")),
        address=_text(entry.get("Address")),
        insurer_number=insurer,
        insurer_name=_text(entry.get("InsurerName")),
        symbol=_text(entry.get("InsuredCardSymbol")),
        number=_text(entry.get("InsuredIdentificationNumber")),
        branch=_text(entry.get("InsuredBranchNumber")),
        copay_percent=_percent(entry),
        card_valid_from=_date(entry.get("InsuredCardValidDate")),
        card_valid_until=_date(entry.get("InsuredCardExpirationDate")),
        limit_category=_limit_category(entry),
        reference_number=_text(entry.get("ReferenceNumber")),
        public_expense=public_expense_of(entry),
        medical_tickets=tickets_of(entry),
    )


def _merged_medical_aid(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One client's layout gives medical aid its own A1 entry beside the insurance entry of the
    same person (OD2): read as the insurance entry with the aid among its entitlements."""
    aid = [e for e in entries if _text(e.get("InsuredCardClassification")) == "A1"]
    insured = [e for e in entries if e not in aid]
    if len(insured) != 1 or not aid:
        return entries
    merged = dict(insured[0])
    infos = [
        item for e in (insured[0], *aid) for item in _items(e, "PublicExpenseInfoList", "PublicExpenseInfo")
    ]
    for e in aid:
        if not _items(e, "PublicExpenseInfoList", "PublicExpenseInfo"):
            infos.append({"PublicExpenseName": "医療扶助", **e})
    merged["PublicExpenseInfoList"] = [{"PublicExpenseInfo": info} for info in infos]
    tickets = [
        t for e in (insured[0], *aid) for t in _items(e, "PublicExpenseResultList", "MedicalTicketInfo")
    ]
    merged["PublicExpenseResultList"] = [{"MedicalTicketInfo": t} for t in tickets]
    return [merged]


def _reference_numbers(body: dict[str, Any]) -> list[str]:
    raw = body.get("ReferenceNumber")
    values = raw if isinstance(raw, list) else [raw]
    return [text for text in (_text(v) for v in values) if text]


def file_status(header: dict[str, Any]) -> Confirmation | None:
    """The file-level answer when the file was not processed normally (処理中 or error), else None."""
    segment = _text(header.get("SegmentOfResult")) or "1"
    confirmed_on = _date(header.get("QualificationConfirmationDate"))
    if segment == "2":
        return Confirmation(Outcome.IN_PROGRESS, None, None, "処理中", confirmed_on)
    if segment != "1":
        message = _text(header.get("ErrorMessage")) or "ファイルを処理できませんでした"
        return Confirmation(Outcome.ERROR, None, _text(header.get("ErrorCode")), message, confirmed_on)
    return None


def confirmation_of(body: dict[str, Any], header: dict[str, Any]) -> Confirmation:
    """A single result's body or a bulk unit, with the header that carries its file-level status."""
    unprocessed = file_status(header)
    if unprocessed is not None:
        return unprocessed
    confirmed_on = _date(header.get("QualificationConfirmationDate"))
    people = [person_of(entry) for entry in _merged_medical_aid(result_entries(body))]
    references = _reference_numbers(body)
    if references and len(people) == 1 and people[0].reference_number is None:
        people = [_with_reference(people[0], references[0])]
    validity = _text(body.get("QualificationValidity"))
    status = _text(body.get("ProcessingResultStatus"))
    outcome = Outcome.ERROR if status != "1" else _VALIDITY_OUTCOME.get(validity or "", Outcome.ERROR)
    if outcome is Outcome.VALID and len(people) != 1:
        outcome = Outcome.ERROR  # the success test needs exactly one result (wire-spec §5.2)
    echo = body.get("QualificationConfirmSearchInfo") or {}
    return Confirmation(
        outcome,
        validity,
        _text(body.get("ProcessingResultCode")),
        _text(body.get("ProcessingResultMessage")),
        confirmed_on,
        tuple(people),
        _text(echo.get("ArbitraryIdentifier")) if isinstance(echo, dict) else None,
    )


def _with_reference(person: Person, reference: str) -> Person:
    return replace(person, reference_number=reference)


def single_result(document: dict[str, Any]) -> Confirmation:
    """An OQSsiquc01res (face file or answer to a request)."""
    return confirmation_of(document.get("MessageBody") or {}, document.get("MessageHeader") or {})


def bulk_results(document: dict[str, Any]) -> tuple[Confirmation | None, list[Confirmation]]:
    """An OQSmuquc02res: the file-level answer when it was not processed normally (処理中 or
    error; no units then), else None and one confirmation per unit in file order."""
    header = document.get("MessageHeader") or {}
    unprocessed = file_status(header)
    if unprocessed is not None:
        return unprocessed, []
    units = (document.get("MessageBody") or {}).get("BulkConfirmUnit") or []
    units = units if isinstance(units, list) else [units]
    return None, [confirmation_of(unit, header) for unit in units if isinstance(unit, dict)]
