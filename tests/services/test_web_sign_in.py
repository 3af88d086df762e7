"""Signing in to web pages with an API key: the same refusals as every API call."""

from __future__ import annotations

from onshi.domain.actors import ActorKind
from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.services.web_sign_in import check_facility_key, check_operator_key
from onshi.store import apikeys, facilities
from onshi.store.database import Database

CLINIC, OTHER = "1310000017", "1310000025"


async def test_facility_keys_open_only_their_own_active_facility(db: Database) -> None:
    async with db.write() as conn:
        for code in (CLINIC, OTHER):
            await facilities.save(conn, [Facility(FacilityCode(code), "診療所", FacilityType.MEDICAL_CLINIC)])
        key, key_id = await apikeys.create(conn, ActorKind.FACILITY, CLINIC)
        operator, _ = await apikeys.create(conn, ActorKind.OPERATOR, "ops")
    good = await check_facility_key(db, CLINIC, key.secret)
    assert good.refusal == "" and good.actor.kind is ActorKind.FACILITY and good.actor.credential_id == key_id
    assert (await check_facility_key(db, OTHER, key.secret)).refusal == "unknown_key"
    assert (await check_facility_key(db, CLINIC, operator.secret)).refusal == "unknown_key"
    assert (await check_facility_key(db, CLINIC, "")).refusal == "unknown_key"
    async with db.write() as conn:
        await facilities.set_status(conn, FacilityCode(CLINIC), FacilityStatus.SUSPENDED)
    assert (await check_facility_key(db, CLINIC, key.secret)).refusal == "facility_inactive"
    async with db.write() as conn:
        await apikeys.revoke(conn, key_id)
    assert (await check_facility_key(db, CLINIC, key.secret)).refusal == "revoked_key"


async def test_only_live_operator_keys_open_operator_pages(db: Database) -> None:
    async with db.write() as conn:
        await facilities.save(conn, [Facility(FacilityCode(CLINIC), "診療所", FacilityType.MEDICAL_CLINIC)])
        clinic, _ = await apikeys.create(conn, ActorKind.FACILITY, CLINIC)
        operator, operator_id = await apikeys.create(conn, ActorKind.OPERATOR, "ops")
    assert (await check_operator_key(db, operator.secret)).refusal == ""
    refused = await check_operator_key(db, clinic.secret)
    assert refused.refusal == "forbidden" and refused.actor.id == CLINIC  # audited as who tried
    assert (await check_operator_key(db, "onshi_ok_nope")).refusal == "unknown_key"
    async with db.write() as conn:
        await apikeys.revoke(conn, operator_id)
    assert (await check_operator_key(db, operator.secret)).refusal == "revoked_key"
