"""The latest batch pre-check (一括照会) results, kept by the terminal for the emergency function.

Facilities run a batch inquiry for the next day's appointments (wire-spec.md §6). Every
`OQSmuquc02res_*.xml` the terminal delivers with SegmentOfResult 1 is remembered unit by unit,
keyed by the person's normalised card keys and birth date (from the unit's echo of the
request) and the result's QualificationConfirmationDate: during an outage, with the function
switched on, a single inquiry for the same person and date is answered from it
(onshi.terminal.emergency). The newest result (ProcessExecutionTime) wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from onshi import wire
from onshi.domain.codes import SegmentOfResult
from onshi.domain.dates import parse_wire_date
from onshi.domain.errors import InvalidValue
from onshi.domain.text import is_ascii_digits, normalise_digits, normalise_identifier

RESULT_PREFIX = wire.MessageKind.BULK_INQUIRY_RESULT.value + "_"  # OQSmuquc02res_


@dataclass(frozen=True, slots=True)
class Precheck:
    person: str  # person_key()
    confirmation_date: str  # YYYYMMDD: the date the pre-check confirmed eligibility on
    processed_at: str  # YYYYMMDDHHMMSS: when central answered the batch (newest wins)
    unit: dict[str, Any]  # the BulkConfirmUnit, keyed by wire element names
    source: str  # the result file it came from

    @property
    def day(self) -> date:
        """The day of the batch result shown to staff (when it was run, else the date it was for)."""
        for text in (self.processed_at[:8], self.confirmation_date):
            try:
                return parse_wire_date(text)
            except InvalidValue:
                continue
        raise ValueError(f"pre-check from {self.source} has no date")


def person_key(search: Mapping[str, Any]) -> str | None:
    """保険者番号|記号|番号|枝番|生年月日 in the canonical form central compares them in (a
    6-digit 国保 number with or without its padding, full-width digits, a one-digit branch);
    None when a required key is missing."""
    insurer = normalise_digits(str(search.get("InsurerNumber") or ""))
    number = normalise_identifier(str(search.get("InsuredIdentificationNumber") or ""))
    birthdate = normalise_digits(str(search.get("Birthdate") or ""))
    if not (insurer and number and birthdate):
        return None
    symbol = normalise_identifier(str(search.get("InsuredCardSymbol") or ""))
    branch = normalise_identifier(str(search.get("InsuredBranchNumber") or ""))
    if branch and is_ascii_digits(branch) and len(branch) < 2:
        branch = branch.zfill(2)
    return "|".join((insurer, symbol, number, branch, birthdate))


def prechecks_in(result_name: str, data: bytes) -> list[Precheck]:
    """The pre-checks a delivered result file carries: none unless it is a complete
    OQSmuquc02res (SegmentOfResult 1, a QualificationConfirmationDate)."""
    if not result_name.startswith(RESULT_PREFIX):
        return []
    try:
        parsed = wire.parse(data, wire.MessageKind.BULK_INQUIRY_RESULT, lenient=True)
    except wire.WireError:
        return []
    header = parsed.document.get("MessageHeader", {})
    on = header.get("QualificationConfirmationDate")
    if header.get("SegmentOfResult") != SegmentOfResult.NORMAL.value or not on:
        return []
    processed_at = header.get("ProcessExecutionTime") or ""
    found = []
    for unit in parsed.document.get("MessageBody", {}).get("BulkConfirmUnit") or []:
        person = person_key(unit.get("QualificationConfirmSearchInfo") or {})
        if person is not None:
            found.append(Precheck(person, on, processed_at, unit, result_name))
    return found
