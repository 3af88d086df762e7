"""Request files the desk drops into the terminal's `req` folder (wire-spec.md §5.1, §6, §7).

Built with onshi.wire exactly as a vendor's receipt computer would write them: Shift_JIS,
insurer numbers space-padded to 8, and a file name whose suffix the desk chose, so the
result's name (`…res_<suffix>.xml`) tells the desk which request it answers.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from onshi import wire
from onshi.domain.dates import format_wire_date
from onshi.domain.insurer import InsurerNumber
from onshi.terminal.files import write_atomically
from onshi.wire.qualification import search_info

REQUEST_FOLDER = "req"
DESK_SUFFIX_PREFIX = "desk"  # request names the desk writes: results with it are the desk's


@dataclass(frozen=True, slots=True)
class InsuredKeys:
    """What a receipt computer sends to identify a person: the card numbers and birth date."""

    insurer_number: str
    symbol: str | None
    number: str
    branch: str | None
    birthdate: date

    def search_info(self) -> dict[str, Any]:
        return search_info(
            insurer_number=InsurerNumber.parse(self.insurer_number).wire,
            symbol=self.symbol or None,
            number=self.number,
            branch=self.branch or None,
            birthdate=self.birthdate,
        )


def new_suffix(at: datetime) -> str:
    """`desk<YYYYMMDDHHMMSS><8 hex>`: sortable by time, unique without coordination."""
    return f"{DESK_SUFFIX_PREFIX}{at:%Y%m%d%H%M%S}{secrets.token_hex(4)}"


def _header(facility_code: str, suffix: str, on: date | None) -> dict[str, Any]:
    header: dict[str, Any] = {"MedicalInstitutionCode": facility_code, "ArbitraryFileIdentifier": suffix}
    if on is not None:
        header = {"QualificationConfirmationDate": format_wire_date(on), **header}
    return header


def _document(
    kind: wire.MessageKind, suffix: str, header: dict[str, Any], body: dict[str, Any]
) -> tuple[str, bytes]:
    return f"{kind.value}_{suffix}.xml", wire.to_xml(
        {"MessageHeader": header, "MessageBody": body}, kind, wire.SHIFT_JIS
    )


def single_inquiry(facility_code: str, keys: InsuredKeys, on: date, suffix: str) -> tuple[str, bytes]:
    """OQSsiquc01req: is this person insured on `on`?"""
    body = {"QualificationConfirmSearchInfo": keys.search_info()}
    return _document(
        wire.MessageKind.SINGLE_INQUIRY_REQUEST, suffix, _header(facility_code, suffix, on), body
    )


def reference_registration(
    facility_code: str, reference: str, keys: InsuredKeys, suffix: str
) -> tuple[str, bytes]:
    """OQSsiimm01req: register the patient number as 照会番号, so face files name the patient."""
    info = {
        "ReferenceNumber": reference,
        "InsurerNumber": InsurerNumber.parse(keys.insurer_number).wire,
        "InsuredCardSymbol": keys.symbol or None,
        "InsuredIdentificationNumber": keys.number,
        "InsuredBranchNumber": keys.branch or None,
    }
    body = {"ReferenceNumberRegistrationInfo": info}
    return _document(
        wire.MessageKind.REFERENCE_NUMBER_REQUEST, suffix, _header(facility_code, suffix, None), body
    )


def bulk_inquiry(
    facility_code: str, entries: list[tuple[str, InsuredKeys]], on: date, suffix: str
) -> tuple[str, bytes]:
    """OQSmuquc01req: the appointment list, each entry tagged with its ArbitraryIdentifier."""
    people = [{**keys.search_info(), "ArbitraryIdentifier": identifier} for identifier, keys in entries]
    body = {"QualificationConfirmSearchInfo": people}
    return _document(wire.MessageKind.BULK_INQUIRY_REQUEST, suffix, _header(facility_code, suffix, on), body)


def bulk_download(facility_code: str, reception_number: str, suffix: str) -> tuple[str, bytes]:
    """OQSmuquc02req: fetch the results of an accepted bulk inquiry."""
    header = {"MedicalInstitutionCode": facility_code}
    body = {"ReceptionNumber": reception_number}
    return _document(wire.MessageKind.BULK_INQUIRY_DOWNLOAD_REQUEST, suffix, header, body)


def drop(terminal_root: Path, name: str, content: bytes) -> Path:
    """Write a request file into `req`, whole or not at all (the terminal may pick it at once)."""
    folder = terminal_root / REQUEST_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    write_atomically(path, content)
    return path
