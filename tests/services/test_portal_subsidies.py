"""Subsidy applications on both databases: the seed's figures through the portal, a refused
ineligible application, the operator's approval list."""

from __future__ import annotations

import pytest

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.registration import read_registration
from onshi.services import portal_accounts, portal_onboarding, portal_subsidies
from onshi.services import portal_views as views
from onshi.services.portal_common import PortalError
from onshi.store.database import Database

OPERATOR = Actor(ActorKind.OPERATOR, "ops", Channel.CLI)
CODE = "1341000011"
PHARMACY = Actor(ActorKind.FACILITY, CODE, Channel.WEB)


async def test_home_visit_grant_for_a_large_chain_pharmacy(db: Database) -> None:
    form = {"facility_code": CODE, "name": "さくら薬局", "facility_type": "pharmacy", "email": "p@example.jp"}
    await portal_accounts.register_facility(db, OPERATOR, read_registration(form), "kakunin-2024")
    receipts = [
        {
            "item": "mobile_device",
            "yen": "50,000",
            "paid_on": "2024-06-01",
            "number": "R-001",
            "payee": "端末販売",
        },
        {"item": "receipt_computer", "yen": "900000", "paid_on": "2024-06-20", "number": "R-002"},
        {"item": "lan_equipment", "yen": "30000", "number": "R-003"},  # not paid by this program
    ]
    values = {"program": "home_visit", "large_chain": "1"}
    checked = await portal_subsidies.check_for(db, CODE, values, receipts, {})
    calculation = checked.evaluation.calculation
    assert calculation is not None
    # seed 004: large chain 1/2, limit 8.5万円, 事業額上限 17.1万円 (mobile 4.1万 + receipt computer 13万)
    assert (calculation.eligible_cost_yen, calculation.cost_times_rate_yen, calculation.limit_yen) == (
        171_000,
        85_500,
        85_000,
    )
    assert checked.evaluation.grant_yen == 85_000 and checked.document["table_version"]
    record = await portal_subsidies.submit_subsidy(db, PHARMACY, CODE, values, receipts, {})
    assert (record.kind, record.program, record.grant_yen) == ("subsidy", "home_visit", 85_000)
    assert [r["number"] for r in record.details["receipts"]] == ["R-001", "R-002", "R-003"]
    queue = await views.review_queue(db, ("subsidy",))
    assert [a.id for a in queue] == [record.id]
    with pytest.raises(Exception, match="reason"):
        await portal_onboarding.decide(db, OPERATOR, record.id, False, "")
    approved = await portal_onboarding.decide(db, OPERATOR, record.id, True)
    assert (
        approved.status == "approved" and approved.evaluation and approved.evaluation["grant_yen"] == 85_000
    )
    assert await views.review_queue(db, ("subsidy",)) == []


async def test_ineligible_and_bad_applications_are_refused(db: Database) -> None:
    form = {"facility_code": CODE, "name": "さくら薬局", "facility_type": "pharmacy", "email": "p@example.jp"}
    await portal_accounts.register_facility(db, OPERATOR, read_registration(form), "kakunin-2024")
    # card_integration needs operation and ≥ 500 uses in a month of 2023-10…2024-03 (seed 000 1-5)
    with pytest.raises(PortalError) as refused:
        await portal_subsidies.submit_subsidy(
            db, PHARMACY, CODE, {"program": "card_integration"}, [], {"uses": {"2023-11": "120"}}
        )
    assert refused.value.code == "not_eligible" and "運用開始" in refused.value.message_ja
    with pytest.raises(FormInvalid) as invalid:
        await portal_subsidies.check_for(
            db, CODE, {"program": "home_visit", "large_chain": "1"},
            [{"item": "drone", "yen": "-5", "number": ""}], {"rates": {"2024-01": "130"}},
        )  # fmt: skip
    fields = set(invalid.value.by_field())
    assert {"receipts[1].item", "receipts[1].yen", "receipts[1].number", "rates"} <= fields
