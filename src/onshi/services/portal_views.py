"""What the portal's pages and API show: a facility's page (マイページ), the facilities a
corporation or the operator manages, and the operator's review queue. Reads only."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

from onshi.domain.facility import FacilityCode
from onshi.domain.milestones import Milestone
from onshi.domain.portal import compliance
from onshi.domain.portal.onboarding import Onboarding, Stage
from onshi.domain.portal.transitional import Notification
from onshi.services.portal_common import Principal
from onshi.services.portal_filings import stored_notification
from onshi.services.portal_onboarding import current
from onshi.store import certificates, milestones, portal_accounts, portal_onboarding, portal_records
from onshi.store.certificates import CertificateRecord
from onshi.store.database import Database
from onshi.store.portal_accounts import FacilityAccount
from onshi.store.portal_onboarding import ApplicationRecord, ConnectionTest, FacilityRow
from onshi.store.portal_records import StoredAnswer, StoredNotification


@dataclass(frozen=True, slots=True)
class FacilityPage:
    row: FacilityRow
    account: FacilityAccount
    onboarding: Onboarding
    reached: dict[Milestone, date]
    applications: list[ApplicationRecord]
    certificates: list[CertificateRecord]
    tests: list[ConnectionTest]
    notifications: list[StoredNotification]
    survey: StoredAnswer | None

    def latest(self, kind: str) -> ApplicationRecord | None:
        return next((a for a in self.applications if a.kind == kind), None)

    def current_notification(self) -> Notification | None:
        found = next((n for n in self.notifications if n.superseded_at is None), None)
        return stored_notification(found) if found else None

    def verdict(self, as_of: date) -> compliance.Verdict:
        """Where the facility stands on the obligation on `as_of` (the operator's list, for one)."""
        row = self.row
        facts = compliance.FacilityFacts(
            row.code, row.name, row.facility_type, row.prefecture_code, row.obligated_from,
            self.onboarding.operating_since, self.current_notification(),
        )  # fmt: skip
        return compliance.judge(facts, as_of)


async def facility_page(db: Database, facility_code: str) -> FacilityPage:
    async with db.read() as conn:
        state = await current(conn, facility_code)
        row = await portal_onboarding.facility_row(conn, facility_code)
        account = await portal_accounts.facility_account(conn, facility_code)
        assert row is not None and account is not None
        return FacilityPage(
            row=row,
            account=account,
            onboarding=state,
            reached=await milestones.of_facility(conn, FacilityCode(facility_code)),
            applications=await portal_onboarding.applications(conn, facility_code=facility_code),
            certificates=list(reversed(await certificates.for_facility(conn, facility_code))),
            tests=await portal_onboarding.connection_tests(conn, facility_code, 10),
            notifications=await portal_records.notifications_of(conn, facility_code),
            survey=await portal_records.current_answer(conn, facility_code),
        )


async def managed_facilities(
    db: Database, principal: Principal, stage: Stage | None = None, limit: int = 100, offset: int = 0
) -> tuple[list[FacilityRow], dict[Stage, int]]:
    """The facilities a corporation manages (all, for the operator), and how many are at each stage."""
    codes: Collection[str] | None = principal.facilities
    async with db.read() as conn:
        rows = await portal_onboarding.listing(conn, codes, stage, limit, offset)
        counts = await portal_onboarding.stage_counts(conn, codes)
    return rows, counts


async def review_queue(
    db: Database, kinds: Collection[str], status: str = portal_onboarding.PENDING, limit: int = 200
) -> list[ApplicationRecord]:
    async with db.read() as conn:
        return await portal_onboarding.applications(conn, status=status, kinds=kinds, limit=limit)


async def application(db: Database, application_id: int) -> ApplicationRecord | None:
    async with db.read() as conn:
        return await portal_onboarding.application(conn, application_id)


async def corporations(db: Database) -> list[portal_accounts.Corporation]:
    async with db.read() as conn:
        return await portal_accounts.corporations(conn)
