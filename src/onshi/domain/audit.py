"""Audit events: who did what, when, about which key, with which result — and nothing else.

An event never carries a patient's name, birth date, address or any clinical data: only
the searched key (保険者番号:記号:番号:枝番) and, when a person matched, their card key.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst
from onshi.domain.qualification import MemberKey


def subject_key(insurer_number: str, symbol: str, number: str, branch: str | None) -> str:
    return f"{insurer_number}:{symbol}:{number}:{branch or ''}"


def member_subject_key(key: MemberKey) -> str:
    return subject_key(key.insurer_number.digits, key.symbol, key.number, key.branch)


@dataclass(frozen=True, slots=True)
class AuditEvent:
    actor: Actor
    action: str  # e.g. "confirm.numbers", "insurer.import", "auth.refused"
    outcome: str  # e.g. "validity:1", "rejected:bad_check_digit", "refused:unknown_key"
    subject_key: str | None = None
    detail: dict[str, Any] | None = None
    occurred_at: datetime = field(default_factory=now_jst)


GENESIS = "0" * 64  # the chain's value before the first event


def chain_step(previous: str, canonical: bytes) -> str:
    """The audit chain after one more event: SHA-256 over the previous value and the event's
    canonical form. Editing, deleting or inserting any sealed event changes every value after it."""
    return hashlib.sha256(previous.encode("ascii") + b"\n" + canonical).hexdigest()
