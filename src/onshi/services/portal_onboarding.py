"""The onboarding's named verbs (onshi.domain.portal.onboarding has the rules): submit an
application, approve or return it, download (issue) the certificate, renew and revoke
certificates, record a connection test, enter the operation start date.

Each verb reads the facility's stage, applies the domain's transition, moves the stage only if
no one moved it meanwhile, and writes the milestones reached and its audit record — all in one
transaction. The `…_in` forms run inside a caller's transaction (a bulk file's chunk).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.facility import FacilityCode, FacilityType
from onshi.domain.milestones import Milestone
from onshi.domain.portal import onboarding
from onshi.domain.portal.applications import read_details
from onshi.domain.portal.onboarding import Application, Onboarding, Transition
from onshi.security.facility_ca import FacilityCA, IssuedCertificate
from onshi.services.portal_common import PortalError, moved, not_found, record
from onshi.store import certificates, facilities, portal_onboarding
from onshi.store.database import Database
from onshi.store.portal_onboarding import APPROVED, PENDING, RETURNED, ApplicationRecord

APPLY_ACTION = "portal.apply"
DECIDE_ACTION = "portal.decide"
CERTIFICATE_ACTION = "portal.certificate"
CONNECTION_ACTION = "portal.connection_test"
OPERATION_ACTION = "portal.operation_start"
CERTIFICATE_DAYS = 365 * 2
SUBSIDY = "subsidy"


async def current(conn: AsyncConnection, facility_code: str) -> Onboarding:
    found = await portal_onboarding.onboarding_of(conn, facility_code)
    if found is None:
        raise PortalError(
            404,
            "no_account",
            "この医療機関等にはポータルのアカウントがありません",
            "the facility has no portal account",
        )
    return found


async def _move(conn: AsyncConnection, code: str, transition: Transition) -> None:
    if transition.changed:
        assert transition.before is not None
        if not await portal_onboarding.move(conn, code, transition.before, transition.after, now_jst()):
            raise moved()


async def facility_type(conn: AsyncConnection, facility_code: str) -> FacilityType:
    facility = await facilities.get(conn, FacilityCode(facility_code))
    if facility is None:
        raise not_found()
    return facility.facility_type


# --- applications --------------------------------------------------------------------------------


async def submit(
    db: Database, actor: Actor, facility_code: str, application: Application, values: Mapping[str, object]
) -> ApplicationRecord:
    async with db.write() as conn:
        return await submit_in(conn, actor, facility_code, application, values)


async def submit_in(
    conn: AsyncConnection,
    actor: Actor,
    facility_code: str,
    application: Application,
    values: Mapping[str, object],
) -> ApplicationRecord:
    today = today_jst()
    state = await current(conn, facility_code)
    details = read_details(application, values, await facility_type(conn, facility_code), today)
    transition = onboarding.apply(state, onboarding.Submit(application, today))
    await _move(conn, facility_code, transition)
    new_id = await portal_onboarding.add_application(
        conn, facility_code, application.value, details, actor.id, now_jst()
    )
    await record(
        conn, actor, APPLY_ACTION, f"submitted:{application.value}", facility_code, transition.milestones,
        application=new_id,
    )  # fmt: skip
    found = await portal_onboarding.application(conn, new_id)
    assert found is not None
    return found


async def decide(
    db: Database, actor: Actor, application_id: int, approve: bool, reason: str = ""
) -> ApplicationRecord:
    """Approve or return (with a reason) a pending application: onboarding or subsidy."""
    async with db.write() as conn:
        found = await portal_onboarding.application(conn, application_id)
        if found is None:
            raise not_found("申請", "application")
        if found.status != PENDING:
            raise PortalError(
                409, "already_decided", "この申請は処理済みです", "the application was already decided"
            )
        reached: tuple[tuple[Milestone, date], ...] = ()
        if found.kind == SUBSIDY:
            _check_reason(approve, reason)
        else:
            reached = await _decide_onboarding(conn, found, approve, reason)
        status = APPROVED if approve else RETURNED
        if not await portal_onboarding.decide(
            conn, application_id, status, actor.id, now_jst(), reason.strip() or None
        ):
            raise moved()
        await record(
            conn, actor, DECIDE_ACTION, f"{status}:{found.kind}", found.facility_code, reached,
            application=application_id,
        )  # fmt: skip
        decided = await portal_onboarding.application(conn, application_id)
    assert decided is not None
    return decided


def _check_reason(approve: bool, reason: str) -> None:
    if not approve:
        onboarding.check_reason(reason)


async def _decide_onboarding(
    conn: AsyncConnection, found: ApplicationRecord, approve: bool, reason: str
) -> tuple[tuple[Milestone, date], ...]:
    application = Application(found.kind)
    today = today_jst()
    event: onboarding.Event = (
        onboarding.Approve(application, today) if approve else onboarding.Return(application, today, reason)
    )
    transition = onboarding.apply(await current(conn, found.facility_code), event)
    await _move(conn, found.facility_code, transition)
    return transition.milestones


# --- certificates --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Download:
    """A certificate and its key, handed over once: the key exists nowhere else."""

    issued: IssuedCertificate
    ca_pem: bytes


async def download_certificate(db: Database, ca_dir: Path, actor: Actor, facility_code: str) -> Download:
    """Issue the approved certificate now (the only download)."""
    return await _issue(db, ca_dir, actor, facility_code, renewal=False)


async def renew_certificate(db: Database, ca_dir: Path, actor: Actor, facility_code: str) -> Download:
    """A further certificate for a facility that has one (the old stays valid until revoked or expired)."""
    return await _issue(db, ca_dir, actor, facility_code, renewal=True)


async def _issue(db: Database, ca_dir: Path, actor: Actor, facility_code: str, renewal: bool) -> Download:
    today = today_jst()
    event: onboarding.Event = (
        onboarding.RenewCertificate(today) if renewal else onboarding.IssueCertificate(today)
    )
    async with db.read() as conn:
        onboarding.apply(await current(conn, facility_code), event)  # refuse before making a key
    ca = FacilityCA.open(ca_dir)
    issued = ca.issue_facility(facility_code, CERTIFICATE_DAYS)
    async with db.write() as conn:
        transition = onboarding.apply(await current(conn, facility_code), event)
        await _move(conn, facility_code, transition)
        await certificates.record(conn, issued)
        await record(
            conn, actor, CERTIFICATE_ACTION, "renewed" if renewal else "issued", facility_code,
            transition.milestones, serial=issued.serial, not_after=issued.not_after.isoformat(),
        )  # fmt: skip
    return Download(issued, ca.certificate_path.read_bytes())


async def revoke_certificate(
    db: Database, actor: Actor, facility_code: str, serial: str, reason: str
) -> None:
    reason = reason.strip()[:200] or "revoked"
    async with db.write() as conn:
        owned = {c.serial for c in await certificates.for_facility(conn, facility_code)}
        if serial.lower() not in owned:
            raise not_found("電子証明書", "certificate")
        if not await certificates.revoke(conn, serial, reason):
            raise PortalError(
                409, "already_revoked", "この電子証明書は失効済みです", "the certificate is already revoked"
            )
        await record(
            conn, actor, CERTIFICATE_ACTION, "revoked", facility_code, serial=serial.lower(), reason=reason
        )


# --- connection test and operation start ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConnectionOutcome:
    facility_code: str
    serial: str
    stage: onboarding.Stage | None  # None: the facility has no portal account
    connected: bool  # this test moved the facility to connected
    note_ja: str


async def connection_test(db: Database, actor: Actor, serial: str) -> ConnectionOutcome:
    """A terminal of `actor`'s facility reached central with certificate `serial` (mutual TLS)."""
    code, today = actor.id, today_jst()
    async with db.write() as conn:
        await portal_onboarding.record_test(conn, code, serial, now_jst())
        state = await portal_onboarding.onboarding_of(conn, code)
        if state is None:
            await record(conn, actor, CONNECTION_ACTION, "no_account", code, serial=serial)
            return ConnectionOutcome(
                code, serial, None, False, "接続できました（ポータルのアカウントはありません）"
            )
        try:
            transition = onboarding.apply(state, onboarding.ConnectionSucceeded(today))
        except onboarding.TransitionRefused as refused:
            await record(
                conn, actor, CONNECTION_ACTION, "not_advanced", code, serial=serial, reason=refused.code
            )
            return ConnectionOutcome(
                code, serial, state.stage, False, f"接続できました（{refused.message_ja}）"
            )
        await _move(conn, code, transition)
        await record(conn, actor, CONNECTION_ACTION, "connected", code, transition.milestones, serial=serial)
        note = (
            "接続確認が完了しました。運用開始日を登録してください" if transition.changed else "接続できました"
        )
        return ConnectionOutcome(code, serial, transition.after.stage, transition.changed, note)


async def start_operation(db: Database, actor: Actor, facility_code: str, on: date) -> Transition:
    async with db.write() as conn:
        return await start_operation_in(conn, actor, facility_code, on)


async def start_operation_in(conn: AsyncConnection, actor: Actor, facility_code: str, on: date) -> Transition:
    state = await current(conn, facility_code)
    transition = onboarding.apply(state, onboarding.StartOperation(on, today_jst()))
    if transition.changed:
        await _move(conn, facility_code, transition)
        await record(
            conn, actor, OPERATION_ACTION, "started", facility_code, transition.milestones, on=on.isoformat()
        )
    return transition
