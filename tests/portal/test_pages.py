"""The portal's pages over HTTP with real sessions, on both databases: the add-on calculator shows
the seed's figures, the subsidy check every figure of the grant, the notification its deadline and
today's verdict, the operator's compliance list and queue, the API's compliance of a facility."""

from __future__ import annotations

import re

import httpx

from onshi.domain.actors import ActorKind
from tests.central.conftest import LiveCentral
from tests.portal.conftest import CODE

SEED_CLINIC = {"facility_type": "medical_clinic", "per": "day", "first_visits": "3", "revisits": "20",
               "days_per_month": "20", "card_rate": "42.4", "online_claims": "1", "operating": "1", "as_of": "2022-06-01"}  # fmt: skip


def figures(html: str, table: str) -> dict[str, str]:
    section = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return dict(re.findall(r'data-figure="(\w+)">([^<]+)<', section))


def test_the_add_on_page_reproduces_the_seed_model_cases(sessions: dict[str, httpx.Client]) -> None:
    page = sessions["facility"].get("/portal/addon", params=SEED_CLINIC)
    assert page.status_code == 200
    assert figures(page.text, "with-card") == {
        "points": "43点",
        "yen": "430円",
        "month": "8,600円",
        "year": "103,200円",
    }
    assert figures(page.text, "insurance-card")["year"] == "21,600円"
    assert "42.824" in page.text  # the exact points before rounding
    pharmacy = {"facility_type": "pharmacy", "per": "month", "patients": "795", "card_rate": "42.4", "online_claims": "1",
                "operating": "1", "as_of": "2022-06-01"}  # fmt: skip
    page = sessions["corporation"].get("/portal/addon", params=pharmacy)
    assert figures(page.text, "with-card") == {
        "points": "1011点",
        "yen": "10,110円",
        "month": "10,110円",
        "year": "121,320円",
    }
    assert figures(page.text, "insurance-card")["year"] == "31,800円"
    bad = sessions["operator"].get("/portal/addon", params={**SEED_CLINIC, "card_rate": "142"})
    assert bad.status_code == 422 and "card_rate-error" in bad.text


def test_subsidy_check_and_notification_pages(
    sessions: dict[str, httpx.Client], central: LiveCentral
) -> None:
    clinic = sessions["facility"]
    form = {"program": "online_care", "receipt_item_1": "receipt_computer", "receipt_yen_1": "200000",
            "receipt_paid_on_1": "2024-05-01", "receipt_number_1": "A-1", "action": "check"}  # fmt: skip
    checked = clinic.post(f"/portal/facilities/{CODE}/subsidy", data=form)
    # seed 004 online care, clinics 3/4, limit 9.7万円, 事業額上限 13万円: 130,000 × 3/4 = 97,500 → 97,000
    assert checked.status_code == 200
    for figure, value in (
        ("eligible-cost", "130,000円"),
        ("times-rate", "97,500円"),
        ("limit", "97,000円"),
        ("grant", "97,000円"),
    ):
        assert f'id="{figure}">{value}<' in checked.text
    submitted = clinic.post(f"/portal/facilities/{CODE}/subsidy", data={**form, "action": "submit"})
    assert submitted.status_code == 303
    queue = sessions["operator"].get("/portal/operator/subsidies").text
    assert CODE in queue and "97,000円" in queue
    filed = clinic.post(
        f"/portal/facilities/{CODE}/notification",
        data={"category": "renovation", "works_end_on": "2099-03-31"},
    )
    assert filed.status_code == 303
    page = clinic.get(f"/portal/facilities/{CODE}/notification").text
    assert "2099年3月31日" in page and "経過措置期間中" in page
    compliance = (
        sessions["operator"].get("/portal/operator/compliance", params={"status": "transitional"}).text
    )
    assert f'data-code="{CODE}"' in compliance
    key = central.key(ActorKind.FACILITY, CODE)
    with central.client(key) as api:
        document = api.get(f"/api/v1/portal/facilities/{CODE}").json()
    assert document["compliance"]["status"] == "transitional"
    assert document["compliance"]["deadline"]["until"] == "2099-03-31"
