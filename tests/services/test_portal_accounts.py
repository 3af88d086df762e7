"""Portal accounts on both databases: registration into central's registry, sign-in and its audit,
sessions that stop when the account is suspended, corporations and their facilities."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.portal.registration import read_registration
from onshi.domain.portal.roles import Role
from onshi.services import portal_accounts
from onshi.services.portal_common import PortalError
from onshi.store import facilities
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.schema import audit_events

OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)
FORM = {
    "facility_code": "1311000011",
    "name": "さくら内科",
    "facility_type": "medical_clinic",
    "email": "a@b.jp",
}
PASSWORD = "kakunin-2024"


async def test_sign_in_sessions_and_suspension(db: Database) -> None:
    audit = DirectAuditLog(db.engine)
    await portal_accounts.register_facility(db, OPERATOR, read_registration(FORM), PASSWORD)
    async with db.read() as conn:
        facility = await facilities.get(conn, FacilityCode("1311000011"))
    assert facility is not None and facility.name == "さくら内科"  # created in central's registry
    assert (
        await portal_accounts.sign_in(db, audit, Role.FACILITY, "1311000011", "wrong-pass-1", Channel.WEB)
        is None
    )
    assert (
        await portal_accounts.sign_in(db, audit, Role.FACILITY, "1399999999", PASSWORD, Channel.WEB) is None
    )
    token = await portal_accounts.sign_in(
        db, audit, Role.FACILITY, "１３１１００００１１", PASSWORD, Channel.WEB
    )
    assert token is not None
    principal = await portal_accounts.principal_for_session(db, token, Channel.WEB)
    assert (
        principal is not None
        and principal.facilities == {"1311000011"}
        and principal.display_name == "さくら内科"
    )
    await portal_accounts.set_status(db, OPERATOR, Role.FACILITY, "1311000011", active=False)
    assert await portal_accounts.principal_for_session(db, token, Channel.WEB) is None  # at once
    assert (
        await portal_accounts.sign_in(db, audit, Role.FACILITY, "1311000011", PASSWORD, Channel.WEB) is None
    )
    async with db.read() as conn:
        outcomes = (await conn.execute(select(audit_events.c.outcome).where(audit_events.c.action == "portal.login")
                                       .order_by(audit_events.c.id))).scalars().all()  # fmt: skip
    assert outcomes == [
        "refused:bad_credentials",
        "refused:bad_credentials",
        "signed_in",
        "refused:suspended",
    ]


async def test_registration_keeps_the_registry_authoritative(db: Database) -> None:
    async with db.write() as conn:
        await facilities.save(
            conn, [Facility(FacilityCode.parse("1311000011"), "登録済みの名称", FacilityType.HOSPITAL)]
        )
    with pytest.raises(PortalError) as refused:
        await portal_accounts.register_facility(db, OPERATOR, read_registration(FORM), PASSWORD)
    assert refused.value.code == "type_mismatch"
    await portal_accounts.register_facility(
        db, OPERATOR, read_registration({**FORM, "facility_type": "hospital"}), PASSWORD
    )
    with pytest.raises(PortalError) as refused:
        await portal_accounts.register_facility(
            db, OPERATOR, read_registration({**FORM, "facility_type": "hospital"}), PASSWORD
        )
    assert refused.value.code == "already_registered"


async def test_corporations_and_their_facilities(db: Database) -> None:
    audit = DirectAuditLog(db.engine)
    await portal_accounts.register_facility(
        db, OPERATOR, read_registration(FORM), None
    )  # no password of its own
    assert await portal_accounts.sign_in(db, audit, Role.FACILITY, "1311000011", "", Channel.WEB) is None
    login = await portal_accounts.create_corporation(
        db, OPERATOR, "Sakura-Group", "さくら医療グループ", "g@b.jp", PASSWORD
    )
    with pytest.raises(PortalError):
        await portal_accounts.create_corporation(db, OPERATOR, "sakura-group", "二重", "g@b.jp", PASSWORD)
    assert await portal_accounts.link_facilities(db, OPERATOR, login, ["1311000011"]) == ["1311000011"]
    with pytest.raises(PortalError):
        await portal_accounts.link_facilities(db, OPERATOR, login, ["1319999999"])
    token = await portal_accounts.sign_in(db, audit, Role.CORPORATION, "SAKURA-GROUP", PASSWORD, Channel.API)
    assert token is not None
    principal = await portal_accounts.principal_for_session(db, token, Channel.API)
    assert principal is not None and principal.facilities == {"1311000011"}
    await portal_accounts.set_status(db, OPERATOR, Role.CORPORATION, login, active=False)
    assert await portal_accounts.principal_for_session(db, token, Channel.API) is None
