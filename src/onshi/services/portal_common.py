"""What the portal's services share: who is acting (`Principal`), the errors they raise, and the
audit record every state change writes in its own transaction.

Errors: `PortalError` (status, code, Japanese and English message) for what the request asks
that cannot be done — not found or not the caller's (404), a state that moved (409). Domain
refusals keep their own types (`TransitionRefused`, `FormInvalid`, `InvalidValue`); the web
layer maps all of them to answers in one place (onshi.portal.errors).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityCode
from onshi.domain.milestones import Milestone
from onshi.domain.portal.roles import Permission, Role, allowed
from onshi.store import milestones
from onshi.store.audit import insert_events

MILESTONE_SOURCE = "portal"


class PortalError(Exception):
    def __init__(self, status: int, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.status = status
        self.code = code
        self.message_ja = message_ja
        self.message_en = message_en


def not_found(what_ja: str = "医療機関等", what_en: str = "facility") -> PortalError:
    return PortalError(404, "not_found", f"{what_ja}が見つかりません", f"no such {what_en}")


def moved() -> PortalError:
    return PortalError(
        409,
        "state_changed",
        "ほかの操作で状態が変わりました。画面を更新してください",
        "the state changed meanwhile",
    )


@dataclass(frozen=True, slots=True)
class Principal:
    """A signed-in portal user. `facilities`: the codes it may act on (None: all, the operator)."""

    role: Role
    actor: Actor
    facilities: frozenset[str] | None
    display_name: str = ""

    def may(self, permission: Permission) -> bool:
        return allowed(self.role, permission)

    def covers(self, facility_code: str) -> bool:
        return self.facilities is None or facility_code in self.facilities

    def check(self, permission: Permission, facility_code: str | None = None) -> None:
        """Refuse what the role may not do (403) and facilities that are not its own (404, so a
        caller learns nothing about other facilities)."""
        if not self.may(permission):
            raise PortalError(
                403,
                "forbidden",
                f"{self.role.label_ja}はこの操作をできません",
                f"a {self.role.value} may not do this",
            )
        if facility_code is not None and not self.covers(facility_code):
            raise not_found()


async def record(
    conn: AsyncConnection,
    actor: Actor,
    action: str,
    outcome: str,
    facility_code: str,
    reached: Iterable[tuple[Milestone, date]] = (),
    **detail: Any,
) -> None:
    """The audit record of a portal change, and the milestones it reached, in the caller's
    transaction (the change, its milestones and its audit commit together or not at all)."""
    steps = [(FacilityCode(facility_code), milestone, on) for milestone, on in reached]
    if steps:
        await milestones.record(conn, steps, MILESTONE_SOURCE)
        detail["milestones"] = [milestone.value for _, milestone, _ in steps]
    event = AuditEvent(
        actor, action, outcome, detail={"facility": facility_code, **detail}, occurred_at=now_jst()
    )
    await insert_events(conn, [event])
