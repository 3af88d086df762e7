"""Subsidy applications (補助金申請): the receipts and facts a facility gives, the eligibility
check and the grant from the versioned table (onshi.domain.portal.subsidies), the stored
application the operator approves or returns (services.portal_onboarding.decide).

The facility's type and operation start are the portal's own records; an application that is
not eligible is refused with the conditions it fails, so the operator's list holds only
applications the rules allow. The evaluation is stored with the table version it used.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.facility import FacilityType
from onshi.domain.portal import subsidies
from onshi.domain.portal.documents import evaluation_document, plain
from onshi.domain.portal.subsidy_form import SubsidyRequest, read_request
from onshi.domain.portal.subsidy_table import default_table
from onshi.services.portal_common import PortalError, record
from onshi.services.portal_onboarding import SUBSIDY, current, facility_type
from onshi.store import portal_onboarding
from onshi.store.database import Database
from onshi.store.portal_onboarding import ApplicationRecord

SUBSIDY_ACTION = "portal.subsidy"


@dataclass(frozen=True, slots=True)
class Checked:
    request: SubsidyRequest
    evaluation: subsidies.Evaluation
    document: dict[str, object]  # every figure, JSON-ready


def check(
    values: Mapping[str, object],
    receipts: Sequence[Mapping[str, object]],
    monthly: Mapping[str, Mapping[str, object]],
    kind: FacilityType,
    operating_since: date | None,
    today: date,
) -> Checked:
    """Raises FormInvalid (bad input) or InvalidValue (the calculator refused a value)."""
    table = default_table()
    request = read_request(
        values,
        receipts,
        monthly,
        facility_type=kind,
        operating_since=operating_since,
        today=today,
        table=table,
    )
    evaluation = subsidies.evaluate(request.program, request.applicant, today, table)
    document = plain(evaluation_document(evaluation, table.version))
    assert isinstance(document, dict)
    return Checked(request, evaluation, document)


async def check_for(
    db: Database,
    facility_code: str,
    values: Mapping[str, object],
    receipts: Sequence[Mapping[str, object]],
    monthly: Mapping[str, Mapping[str, object]],
) -> Checked:
    """The check with the facility's own type and operation start."""
    async with db.read() as conn:
        state = await current(conn, facility_code)
        kind = await facility_type(conn, facility_code)
    return check(values, receipts, monthly, kind, state.operating_since, today_jst())


async def submit_subsidy(
    db: Database,
    actor: Actor,
    facility_code: str,
    values: Mapping[str, object],
    receipts: Sequence[Mapping[str, object]],
    monthly: Mapping[str, Mapping[str, object]],
) -> ApplicationRecord:
    checked = await check_for(db, facility_code, values, receipts, monthly)
    if not checked.evaluation.eligible:
        failed = "、".join(check.note.ja for check in checked.evaluation.checks if not check.met)
        raise PortalError(
            422, "not_eligible", f"補助の要件を満たしていません: {failed}", "the application is not eligible"
        )
    details = {
        "receipts": [receipt.stored() for receipt in checked.request.receipts],
        "applicant": plain(checked.request.applicant),
    }
    async with db.write() as conn:
        await current(conn, facility_code)
        new_id = await portal_onboarding.add_application(
            conn, facility_code, SUBSIDY, details, actor.id, now_jst(), program=checked.request.program,
            grant_yen=checked.evaluation.grant_yen, evaluation=checked.document,
        )  # fmt: skip
        await record(
            conn, actor, SUBSIDY_ACTION, f"submitted:{checked.request.program}", facility_code,
            application=new_id, grant_yen=checked.evaluation.grant_yen,
        )  # fmt: skip
        found = await portal_onboarding.application(conn, new_id)
    assert found is not None
    return found
