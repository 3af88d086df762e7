"""Consent-gated clinical information, 再照会 and 災害時モード over real HTTP, on SQLite and
PostgreSQL: a card confirmation stores the consent, views follow it, and every access is audited."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from onshi.card.cardfile import UnlockedCard
from onshi.card.protocol import auth_payload, surface_to_json
from onshi.config import Settings
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.consent import ConsentChoices, ConsentContext, ConsentItem
from onshi.domain.dates import add_months, format_wire_date, now_jst, today_jst
from onshi.services.consents import withdraw_all
from onshi.store import consents
from onshi.store.database import Database
from onshi.store.schema import audit_events
from tests.card.support import HOLDER, HOLDER_ROW, issue, live_central, run, unlocked
from tests.central.conftest import LiveCentral
from tests.central.test_card import facility_key
from tests.factories import clinical_csv, clinical_row
from tests.services.test_insurer_import import load

CLINIC, PHARMACY, NURSING = "1310000017", "1340000015", "1360000017"
NUMBERS = {
    "insurer_number": "01130012",
    "insured_card_symbol": "123",
    "insured_identification_number": "456",
    "insured_branch_number": "00",
    "birthdate": "19800401",
}
TODAY = today_jst()


def day(months_ago: int, day_of_month: int = 10) -> str:
    return format_wire_date(add_months(TODAY.replace(day=day_of_month), -months_ago))


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[tuple[LiveCentral, Path]]:
    assert run(database_url, lambda db: load(db, [HOLDER_ROW])).ok
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    with live_central(settings) as central:
        yield central, settings.jlis_dir


def confirm_card(central: LiveCentral, key: str, code: str, card: UnlockedCard, items: set[ConsentItem],
                 context: ConsentContext = ConsentContext.COUNTER, register: bool = False) -> httpx.Response:  # fmt: skip
    with central.client(key) as client:
        challenge = client.post("/api/v1/card/challenges").json()["challenge"]
        flags = ConsentChoices.of(items).as_flags()
        surface = surface_to_json(card.surface) if register else None
        signature = card.sign(auth_payload(challenge, code, flags, surface, context.value))
        body = {
            "certificate": card.certificate_pem, "challenge": challenge, "consent": flags, "surface": surface,
            "signature": base64.b64encode(signature).decode(), "context": context.value,
        }  # fmt: skip
        return client.post("/api/v1/card/confirmations", json=body)


def search(central: LiveCentral, key: str, kind: str, **extra: Any) -> httpx.Response:
    with central.client(key) as client:
        return client.post(f"/api/v1/clinical/{kind}/search", json={**NUMBERS, **extra})


def reinquire(central: LiveCentral, key: str) -> httpx.Response:
    with central.client(key) as client:
        return client.post("/api/v1/reinquiries", json=NUMBERS)


def refused(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code


def upload(central: LiveCentral, key: str, feed: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    with central.client(key, **{"content-type": "text/csv"}) as client:
        response = client.post(f"/api/v1/insurer/clinical/{feed}", content=clinical_csv(rows).encode())
    assert response.status_code == 200, response.text
    return dict(response.json())


def test_consent_decides_every_view_and_every_access_is_audited(
    live: tuple[LiveCentral, Path], tmp_path: Path
) -> None:
    central, jlis = live
    operator = central.key(ActorKind.OPERATOR, "ops")
    clinic = facility_key(central, CLINIC, smartphone=False)
    pharmacy = facility_key(central, PHARMACY, smartphone=False)
    report = upload(central, operator, "medication", [
        clinical_row("medication", dispensed_on=day(1)),
        clinical_row("medication", dispensed_on=day(2), drug_code="620000002", drug_name="メトホルミン錠250mg"),
        clinical_row("medication", dispensed_on=day(12 * 3 + 2), drug_code="620000003"),  # deeper than 3 years
        clinical_row("medication", days="0"),
        clinical_row("medication", number="999"),
    ])  # fmt: skip
    assert (report["rows_total"], report["rows_loaded"], report["rows_rejected"]) == (5, 3, 2)
    assert [r["line"] for r in report["rejected"]] == [5, 6]
    assert "days" in report["rejected"][0]["fields"] and "patient" in report["rejected"][1]["fields"]
    assert (
        upload(central, operator, "medication", [clinical_row("medication", dispensed_on=day(1))])[
            "rows_unchanged"
        ]
        == 1
    )
    upload(
        central,
        operator,
        "procedure",
        [
            clinical_row(
                "procedure", kind="surgery", performed_on=day(20), code="150000110", name="虫垂切除術"
            )
        ],
    )
    upload(central, operator, "checkup", [clinical_row("checkup", examined_on=day(5))])

    refused(search(central, clinic, "medication"), 403, "no_consent")
    issue(central.database_url, jlis, tmp_path / "card.json", holder=HOLDER)
    card = unlocked(tmp_path / "card.json")
    confirmed = confirm_card(
        central, clinic, CLINIC, card, {ConsentItem.TREATMENT, ConsentItem.SURGERY}, register=True
    )
    assert confirmed.status_code == 200, confirmed.text

    shown = search(central, clinic, "medication")
    assert shown.status_code == 200, shown.text
    page = shown.json()
    assert (page["basis"], page["total"]) == ("consent", 2)
    assert [r["on"] for r in page["records"]] == sorted((r["on"] for r in page["records"]), reverse=True)
    assert page["records"][0]["drug_name"] == "アムロジピン錠5mg" and page["records"][0]["quantity"] == 1.0
    assert (
        search(central, clinic, "medication", per_page=1, page=2).json()["records"][0]["drug_code"]
        == "620000002"
    )
    assert search(central, clinic, "surgery").json()["records"][0]["name"] == "虫垂切除術"
    refused(search(central, clinic, "checkup"), 403, "item_not_consented")
    refused(search(central, pharmacy, "medication"), 403, "no_consent")  # another facility
    refused(search(central, clinic, "medication", birthdate="19800402"), 404, "no_patient")
    refused(reinquire(central, clinic), 403, "not_home_visit")

    # A pharmacy's home visit (訪問薬剤管理): 再照会 without the card; no item agreed, nothing shown.
    home = confirm_card(central, pharmacy, PHARMACY, card, set(), ConsentContext.HOME_VISIT)
    assert home.status_code == 200, home.text
    again = reinquire(central, pharmacy)
    assert again.status_code == 200, again.text
    assert again.json()["XmlMsg"]["MessageBody"]["QualificationValidity"] == "1"
    refused(search(central, pharmacy, "medication"), 403, "item_not_consented")

    # 災害時モード for Tokyo: medication and treatment without consent (an override), nothing else.
    with central.client(operator) as client:
        declared = client.post("/api/v1/operator/disasters", json={
            "prefectures": ["13"], "starts_on": TODAY.isoformat(), "ends_on": (TODAY + timedelta(days=7)).isoformat(),
            "reason": "地震",
        })  # fmt: skip
        assert declared.status_code == 201, declared.text
        assert (
            client.post(
                "/api/v1/operator/disasters", json={**declared.json(), "prefectures": ["99"]}
            ).status_code
            == 422
        )
    assert search(central, pharmacy, "medication").json()["basis"] == "disaster"
    refused(search(central, pharmacy, "checkup"), 403, "item_not_consented")

    # すべての同意を取消す: the consent, the relationship and the views end at once.
    patient = Actor(ActorKind.PATIENT, "patient", Channel.API)

    async def withdraw(db: Database) -> list[int]:
        async with db.read() as conn:
            (grant, *_) = await consents.of_patient(conn, "K:01130012:123:456:00")
        return await withdraw_all(db, patient, grant.patient, HOLDER)

    assert len(run(central.database_url, withdraw)) == 2
    with central.client(operator) as client:
        client.post(f"/api/v1/operator/disasters/{declared.json()['id']}/cancel").raise_for_status()
    refused(search(central, clinic, "medication"), 403, "withdrawn")
    refused(reinquire(central, pharmacy), 403, "withdrawn")

    async def views(db: Database) -> list[tuple[str, str, str]]:
        async with db.read() as conn:
            query = select(audit_events.c.actor_id, audit_events.c.action, audit_events.c.outcome).where(
                audit_events.c.action.in_(
                    ["clinical.view", "confirm.reinquiry", "consent.grant", "consent.withdraw"]
                )
            )
            return [tuple(row) for row in await conn.execute(query.order_by(audit_events.c.id))]

    logged = run(central.database_url, views)
    assert logged[0] == (CLINIC, "clinical.view", "refused:no_consent")
    assert (CLINIC, "consent.grant", "given") in logged
    assert (PHARMACY, "clinical.view", "override:disaster") in logged
    assert (PHARMACY, "confirm.reinquiry", "validity:1") in logged
    assert logged[-2] == (CLINIC, "clinical.view", "refused:withdrawn")
    assert sum(1 for entry in logged if entry[1] == "clinical.view") == 11


def test_home_visit_relationship_continues_while_claims_show_care(live: tuple[LiveCentral, Path]) -> None:
    central, _ = live
    operator = central.key(ActorKind.OPERATOR, "ops")
    nursing = facility_key(central, NURSING, smartphone=False)

    async def first_visit_four_months_ago(db: Database) -> None:
        from onshi.services.consents import record_grant
        from onshi.store import qualifications

        async with db.write() as conn:
            (person,) = await qualifications.family(conn, HOLDER.insurer_number, HOLDER.symbol, HOLDER.number)
            at = now_jst().replace(year=int(day(4)[:4]), month=int(day(4)[4:6]), day=10)
            actor = Actor(ActorKind.FACILITY, NURSING, Channel.API)
            await record_grant(
                conn, actor, person, ConsentContext.HOME_VISIT, frozenset({ConsentItem.TREATMENT}), at, "card"
            )

    run(central.database_url, first_visit_four_months_ago)
    refused(reinquire(central, nursing), 403, "relationship_lapsed")
    refused(search(central, nursing, "treatment"), 403, "expired")
    visits = [clinical_row("procedure", facility_code=NURSING, performed_on=day(m), code="800000001", name="訪問看護")
              for m in (3, 2)]  # fmt: skip
    upload(central, operator, "procedure", visits)
    assert reinquire(central, nursing).status_code == 200
    assert search(central, nursing, "treatment").json()["total"] == 2


def test_access_log_shows_every_access_about_the_patient(
    live: tuple[LiveCentral, Path], tmp_path: Path
) -> None:
    from onshi.services.access_log import accesses
    from onshi.store import qualifications

    central, jlis = live
    clinic = facility_key(central, CLINIC, smartphone=False)
    operator = central.key(ActorKind.OPERATOR, "ops")
    issue(central.database_url, jlis, tmp_path / "card.json", holder=HOLDER)
    card = unlocked(tmp_path / "card.json")
    assert (
        confirm_card(central, clinic, CLINIC, card, {ConsentItem.TREATMENT}, register=True).status_code == 200
    )
    search(central, clinic, "medication")
    search(central, clinic, "surgery")
    with central.client(clinic) as client:
        client.post("/api/v1/confirmations", json=NUMBERS).raise_for_status()
    with central.client(operator) as client:
        client.post("/api/v1/operator/disasters", json={
            "prefectures": ["13"], "starts_on": TODAY.isoformat(), "ends_on": TODAY.isoformat(), "reason": "水害",
        }).raise_for_status()  # fmt: skip
    pharmacy = facility_key(central, PHARMACY, smartphone=False)
    search(central, pharmacy, "medication")

    async def log(db: Database) -> list[tuple[str, str, str, str | None, bool]]:
        async with db.read() as conn:
            (person,) = await qualifications.family(conn, HOLDER.insurer_number, HOLDER.symbol, HOLDER.number)
        return [
            (a.actor_id, a.action, a.outcome, a.actor_name, a.override) for a in await accesses(db, person)
        ]

    entries = run(central.database_url, log)
    assert entries[0] == (PHARMACY, "clinical.view", "override:disaster", "テスト", True)
    assert (CLINIC, "confirm.numbers", "validity:1", "テスト", False) in entries
    assert (CLINIC, "clinical.view", "refused:item_not_consented", "テスト", False) in entries
    assert (CLINIC, "clinical.view", "shown", "テスト", False) in entries
    actions = {entry[1] for entry in entries}
    assert {"card.link", "card.confirm", "consent.grant"} <= actions
