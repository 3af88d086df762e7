"""Portal accounts and sign-in.

- A facility registers itself (アカウント登録: code, name, type, contact, password), or its
  corporation registers it (then the corporation acts for it; the account has no password of
  its own). Registration creates the facility in central's registry when it is not there yet,
  sets the day its obligation applies (`facilities.obligated_from`) and records the
  `account_registered` milestone — with its audit record, in one transaction.
- Corporations (法人) are created by the operator, who links existing facilities to them.
- Sign-in: a facility with its code and password, a corporation with its login and password,
  an operator with its name and operator API key (`onshi operator key`). Each sign-in, and each
  refusal, is audited. Sessions last 8 hours.

Registration is first come, first served for a code: the operator's review of every
application (and `onshi portal account suspend`) is the check that the registrant is the facility.
"""

from __future__ import annotations

import functools
import secrets
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityStatus
from onshi.domain.portal import onboarding
from onshi.domain.portal.registration import FacilityRegistration, check_login, check_password
from onshi.domain.portal.roles import Role
from onshi.security.passwords import hash_password, password_matches
from onshi.services.portal_common import PortalError, Principal, not_found, record
from onshi.store import apikeys, facilities, portal_onboarding
from onshi.store import portal_accounts as store
from onshi.store.audit import AuditLog, insert_events
from onshi.store.database import Database

SESSION_LIFETIME = timedelta(hours=8)
REGISTER_ACTION = "portal.register"
LOGIN_ACTION = "portal.login"
CORPORATION_ACTION = "portal.corporation"
ACCOUNT_ACTION = "portal.account"


async def register_facility(
    db: Database,
    actor: Actor,
    registration: FacilityRegistration,
    password: str | None,
    corporation_login: str | None = None,
) -> onboarding.Transition:
    """A facility's account. `password` None: registered by its corporation (`corporation_login`)."""
    if password is not None:
        check_password(password)
    digest = hash_password(password) if password is not None else None
    async with db.write() as conn:
        return await register_in(conn, actor, registration, digest, corporation_login)


async def register_in(
    conn: AsyncConnection,
    actor: Actor,
    registration: FacilityRegistration,
    password_hash: str | None,
    corporation_login: str | None,
) -> onboarding.Transition:
    """Registration inside the caller's transaction (also one row of a bulk file)."""
    code = registration.code
    if await store.facility_account(conn, code.digits) is not None:
        raise PortalError(
            409,
            "already_registered",
            f"医療機関等コード {code} のアカウントは登録済みです",
            "already registered",
        )
    await _ensure_facility(conn, registration)
    at = now_jst()
    account = store.FacilityAccount(
        code.digits, corporation_login, registration.email, store.ACTIVE, registration.opened_on,
        registration.paper_claims, password_hash,
    )  # fmt: skip
    await store.add_facility_account(conn, account, corporation_login or "self", at)
    await portal_onboarding.set_obligated_from(conn, code.digits, registration.obligated_from)
    transition = onboarding.register(today_jst())
    obligated = registration.obligated_from
    await record(
        conn, actor, REGISTER_ACTION, "registered", code.digits, transition.milestones,
        corporation=corporation_login, obligated_from=obligated.isoformat() if obligated else None,
    )  # fmt: skip
    return transition


async def _ensure_facility(conn: AsyncConnection, registration: FacilityRegistration) -> None:
    existing = await facilities.get(conn, registration.code)
    if existing is None:
        facility = Facility(registration.code, registration.name, registration.facility_type)
        await facilities.save(conn, [facility])
        return
    if existing.facility_type is not registration.facility_type:
        raise PortalError(
            409,
            "type_mismatch",
            f"医療機関等コード {registration.code} は{existing.facility_type.label_ja}として登録されています",
            f"the facility is registered as a {existing.facility_type.value}",
        )
    if existing.status is not FacilityStatus.ACTIVE:
        raise PortalError(
            403, "facility_suspended", "この医療機関等は利用が停止されています", "facility suspended"
        )


# --- corporations ----------------------------------------------------------------------------------


async def create_corporation(
    db: Database, actor: Actor, login: str, name: str, email: str, password: str
) -> str:
    """Returns the login as stored (lower case)."""
    login = check_login(login)
    check_password(password)
    if not name.strip() or len(name) > 120:
        raise PortalError(422, "bad_name", "法人名は1～120文字です", "a name has 1–120 characters")
    async with db.write() as conn:
        if not await store.add_corporation(
            conn, login, name.strip(), email.strip(), hash_password(password), now_jst()
        ):
            raise PortalError(
                409, "login_taken", f"ログインID {login} は使われています", "the login is taken"
            )
        event = AuditEvent(actor, CORPORATION_ACTION, "created", detail={"corporation": login})
        await _insert(conn, event)
    return login


async def link_facilities(db: Database, actor: Actor, login: str, codes: Iterable[str]) -> list[str]:
    """Link facilities that have an account to the corporation; returns the codes linked."""
    linked = []
    async with db.write() as conn:
        if await store.corporation(conn, login) is None:
            raise not_found("法人", "corporation")
        for text in codes:
            code = FacilityCode.parse(text)
            if not await store.link(conn, code.digits, login):
                raise PortalError(
                    404,
                    "no_account",
                    f"{code} にはポータルのアカウントがありません",
                    f"{code} has no portal account",
                )
            await record(conn, actor, CORPORATION_ACTION, "linked", code.digits, corporation=login)
            linked.append(code.digits)
    return linked


async def _insert(conn: AsyncConnection, event: AuditEvent) -> None:
    await insert_events(conn, [event])


async def set_status(db: Database, actor: Actor, role: Role, subject: str, active: bool) -> None:
    """Suspend or reactivate a facility's account or a corporation: its sessions stop at once."""
    status = store.ACTIVE if active else store.SUSPENDED
    async with db.write() as conn:
        if role is Role.FACILITY:
            code = FacilityCode.parse(subject).digits
            if not await store.set_facility_status(conn, code, status):
                raise not_found("ポータルのアカウント", "portal account")
            await record(conn, actor, ACCOUNT_ACTION, status, code)
            return
        if not await store.set_corporation_status(conn, subject.lower(), status):
            raise not_found("法人", "corporation")
        await _insert(
            conn, AuditEvent(actor, ACCOUNT_ACTION, status, detail={"corporation": subject.lower()})
        )


# --- sign-in ---------------------------------------------------------------------------------------


async def sign_in(
    db: Database, audit: AuditLog, role: Role, login: str, secret: str, channel: Channel
) -> str | None:
    """A session token, or None (the refusal is audited). Facilities give their code, corporations
    their login, operators their name with an operator API key as `secret`."""
    login = login.strip()[:64]
    async with db.read() as conn:
        actor, refusal = await _check(conn, role, login, secret, channel)
    if refusal:
        await audit.record(AuditEvent(actor, LOGIN_ACTION, f"refused:{refusal}"))
        return None
    async with db.write() as conn:
        token = await store.open_session(
            conn, role, actor.id, now_jst(), SESSION_LIFETIME, actor.credential_id
        )
    await audit.record(AuditEvent(actor, LOGIN_ACTION, "signed_in", detail={"role": role.value}))
    return token


async def _check(
    conn: AsyncConnection, role: Role, login: str, secret: str, channel: Channel
) -> tuple[Actor, str]:
    anonymous = Actor(ActorKind.ANONYMOUS, login or "-", channel)
    if role is Role.FACILITY:
        try:
            code = FacilityCode.parse(login).digits
        except ValueError:
            _matches(secret, None)
            return anonymous, "bad_credentials"
        account = await store.facility_account(conn, code)
        facility = await facilities.get(conn, FacilityCode(code))
        actor = Actor(ActorKind.FACILITY, code, channel)
        stored = account.password_hash if account is not None and facility is not None else None
        if not _matches(secret, stored) or account is None or facility is None:
            return (actor if account else anonymous), "bad_credentials"
        inactive = account.status != store.ACTIVE or not facility.is_active
        return actor, "suspended" if inactive else ""
    if role is Role.CORPORATION:
        corporation = await store.corporation(conn, login.lower())
        if not _matches(secret, corporation.password_hash if corporation else None) or corporation is None:
            return anonymous, "bad_credentials"
        actor = Actor(ActorKind.CORPORATION, corporation.login, channel)
        return actor, "suspended" if corporation.status != store.ACTIVE else ""
    credential = await apikeys.resolve(conn, secret.strip()) if secret.strip() else None
    if credential is None or credential.actor_kind is not ActorKind.OPERATOR or credential.actor_id != login:
        return anonymous, "bad_credentials"
    actor = Actor(ActorKind.OPERATOR, login, channel, credential.id)
    return actor, "revoked_key" if credential.revoked else ""


@functools.cache
def _decoy() -> str:
    return hash_password(secrets.token_urlsafe(16))


def _matches(secret: str, stored: str | None) -> bool:
    """The password check, as slow for an unknown login (or one without a password) as for a
    known one, so the time taken does not tell which logins exist."""
    if stored is None:
        password_matches(secret, _decoy())
        return False
    return password_matches(secret, stored)


async def sign_out(db: Database, token: str) -> None:
    if token:
        async with db.write() as conn:
            await store.end_session(conn, token, now_jst())


async def principal_for_session(db: Database, token: str, channel: Channel) -> Principal | None:
    async with db.read() as conn:
        found = await store.session(conn, token, now_jst())
        if found is None:
            return None
        return await principal(conn, found.role, found.subject, channel, found.credential_id)


_KINDS = {
    Role.FACILITY: ActorKind.FACILITY,
    Role.CORPORATION: ActorKind.CORPORATION,
    Role.OPERATOR: ActorKind.OPERATOR,
}


async def principal(
    conn: AsyncConnection, role: Role, subject: str, channel: Channel, credential_id: int | None = None
) -> Principal:
    """The principal for an authenticated subject: its facilities and a name to show."""
    actor = Actor(_KINDS[role], subject, channel, credential_id)
    if role is Role.FACILITY:
        facility = await facilities.get(conn, FacilityCode(subject))
        return Principal(role, actor, frozenset({subject}), facility.name if facility else subject)
    if role is Role.CORPORATION:
        corporation = await store.corporation(conn, subject)
        name = corporation.name if corporation else subject
        return Principal(role, actor, frozenset(await store.facilities_of(conn, subject)), name)
    return Principal(role, actor, None, subject)


def role_of(kind: ActorKind) -> Role | None:
    return {
        ActorKind.FACILITY: Role.FACILITY,
        ActorKind.CORPORATION: Role.CORPORATION,
        ActorKind.OPERATOR: Role.OPERATOR,
    }.get(kind)
