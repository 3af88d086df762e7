from onshi.domain.actors import ActorKind
from onshi.domain.facility import Facility, FacilityCode, FacilityStatus, FacilityType
from onshi.store import apikeys, facilities
from onshi.store.database import Database

CLINIC = Facility(FacilityCode.parse("1310000017"), "テスト診療所", FacilityType.MEDICAL_CLINIC)


async def test_keys_are_stored_hashed_and_resolve(db: Database) -> None:
    async with db.write() as conn:
        await facilities.save(conn, [CLINIC])
        key, key_id = await apikeys.create(conn, ActorKind.FACILITY, CLINIC.code.digits, "reception")
    async with db.read() as conn:
        resolved = await apikeys.resolve_with_facility(conn, key.secret)
        stored = [c.prefix for c in await apikeys.for_actor(conn, ActorKind.FACILITY, CLINIC.code.digits)]
        assert await apikeys.resolve(conn, key.secret + "x") is None
    assert resolved is not None
    assert resolved.credential.id == key_id
    assert resolved.facility_status == "active"
    assert stored == [key.secret[:14]]
    async with db.write() as conn:
        assert await apikeys.revoke(conn, key_id)
        assert not await apikeys.revoke(conn, key_id)
        credential = await apikeys.resolve(conn, key.secret)
    assert credential is not None
    assert credential.revoked


async def test_facilities_upsert_and_status(db: Database) -> None:
    async with db.write() as conn:
        await facilities.save(conn, [CLINIC])
        await facilities.save(conn, [Facility(CLINIC.code, "改名診療所", FacilityType.MEDICAL_CLINIC)])
        assert await facilities.set_status(conn, CLINIC.code, FacilityStatus.SUSPENDED)
        assert not await facilities.set_status(
            conn, FacilityCode.parse("1310000025"), FacilityStatus.SUSPENDED
        )
    async with db.read() as conn:
        saved = await facilities.get(conn, CLINIC.code)
        assert await facilities.count(conn) == 1
    assert saved is not None
    assert (saved.name, saved.status) == ("改名診療所", FacilityStatus.SUSPENDED)
