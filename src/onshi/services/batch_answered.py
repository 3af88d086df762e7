"""What answering a chunk of a batch gives (shared by every kind's answerer)."""

from __future__ import annotations

from dataclasses import dataclass, field

from onshi.domain.audit import AuditEvent
from onshi.domain.batch import ChunkState
from onshi.store.batches import Entry


@dataclass(slots=True)
class Answered:
    """A chunk's units (one per entry), how many were normal, and the audit records to add."""

    units: list[Entry] = field(default_factory=list)
    normal: int = 0
    events: list[AuditEvent] = field(default_factory=list)
    state: ChunkState = ChunkState.DONE
