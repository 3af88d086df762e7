"""Batches (一括照会・一括登録): an upload accepted at once under a reception number (受付番号),
worked through in chunks by worker processes, answered entry by entry.

A batch is a fact about a facility's upload, not about its transport: the terminal's
OQSmuquc01req / OQSmuimm01req files and the facility API create the same batches.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime
from enum import StrEnum
from typing import TypeVar

T = TypeVar("T")

# Entries one worker transaction answers: large enough that per-chunk costs (claim,
# commit, one lookup query) vanish, small enough that a killed worker loses little work.
CHUNK_SIZE = 500
MAX_ENTRIES = 10_000  # per upload, as the wire codec enforces for files


class BatchKind(StrEnum):
    INQUIRY = "inquiry"  # 資格確認一括照会 (OQSmuquc)
    REFERENCE_NUMBERS = "reference_numbers"  # 照会番号一括登録 (OQSmuimm)
    MEDICAL_AID = "medical_aid"  # 医療扶助一括照会 (OQSmutic): one criteria entry, a unit per recipient


# Kinds whose upload holds criteria instead of persons: their one entry is answered with any
# number of units (stored as one `{"BulkConfirmUnit": [...]}` and spread out in the result).
CRITERIA_KINDS = frozenset({BatchKind.MEDICAL_AID})


class BatchStatus(StrEnum):
    PROCESSING = "processing"  # 処理中: some chunk still pending
    DONE = "done"  # every entry answered


class ChunkState(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # the worker could not answer it: every entry carries a system error


def chunk_size(kind: BatchKind) -> int:
    """Inquiries are independent and spread over workers. An upload's registrations are
    applied in one transaction, in order, so that a later entry for the same person wins
    (as it would within a single file) whichever worker runs."""
    return CHUNK_SIZE if kind is BatchKind.INQUIRY else MAX_ENTRIES


def chunked(entries: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(entries), size):
        yield entries[start : start + size]


RECEPTION_RANDOM_DIGITS = 12


def reception_number(received_at: datetime, random_part: int) -> str:
    """受付番号: the reception date and 12 random digits (drawn by the caller, unguessable:
    it is the key a download request presents, beside the facility's own credentials)."""
    return f"{received_at:%Y%m%d}{random_part % 10**RECEPTION_RANDOM_DIGITS:0{RECEPTION_RANDOM_DIGITS}d}"
