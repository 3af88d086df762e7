"""End to end over real HTTP, on SQLite and PostgreSQL: payers load their recipients and tickets,
then a child with insurance and a municipal subsidy, and a man on welfare with no insurance, are
confirmed by card (face results) and by numbers, with their entitlements in the result files."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest

from onshi import wire
from onshi.card.cardfile import UnlockedCard
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from onshi.domain.codes import Sex
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey
from tests.card.support import issue, live_central, run, unlocked
from tests.central.conftest import LiveCentral
from tests.central.test_card import facility_key
from tests.central.test_clinical import confirm_card
from tests.factories import KYOKAI_TOKYO, feed_row
from tests.public_expense_data import (
    CHILD,
    CHILD_INSURANCE,
    CHILD_RECIPIENT,
    CHILD_ROW,
    CLINIC,
    PAYERS,
    WELFARE,
    WELFARE_RECIPIENT,
    WELFARE_ROW,
    WELFARE_SURFACE,
    csv_text,
    this_month,
    ticket_row,
)
from tests.services.test_insurer_import import load

CHILD_KEY = MemberKey(KYOKAI_TOKYO, "123", "456", "01")
CHILD_SURFACE = CardSurface(
    "山田 花子", "やまだ はなこ", date(2015, 6, 1), Sex.FEMALE, "東京都新宿区西新宿2-8-1"
)
K = wire.MessageKind


@pytest.fixture
def live(database_url: str, tmp_path: Path) -> Iterator[tuple[LiveCentral, Path]]:
    assert run(database_url, lambda db: load(db, [feed_row(), CHILD_INSURANCE])).ok
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    with live_central(settings) as central:
        yield central, settings.jlis_dir


def feed(central: LiveCentral, key: str, name: str, rows: list[dict[str, str]]) -> httpx.Response:
    with central.client(key, **{"content-type": "text/csv"}) as client:
        return client.post(f"/api/v1/public-expense/feeds/{name}", content=csv_text(rows).encode())


def entry_of(document: dict[str, Any]) -> dict[str, Any]:
    """The one ResultOfQualificationConfirmation of a valid result (the clients' success test)."""
    body = document["MessageBody"]
    assert (body["ProcessingResultStatus"], body["QualificationValidity"]) == ("1", "1"), body
    (item,) = body["ResultList"]
    return dict(item["ResultOfQualificationConfirmation"])


def from_xml(response: httpx.Response) -> dict[str, Any]:
    """A result file as the terminal writes it, read back strictly by the codec."""
    assert response.status_code == 200, response.text
    return wire.parse(response.content, K.SINGLE_INQUIRY_RESULT).document


def card(central: LiveCentral, jlis: Path, tmp_path: Path, name: str, holder: MemberKey | None,
         surface: CardSurface) -> UnlockedCard:  # fmt: skip
    issue(central.database_url, jlis, tmp_path / name, holder=holder, surface=surface)
    return unlocked(tmp_path / name)


def confirm(central: LiveCentral, key: str, holder: UnlockedCard, register: bool = False) -> dict[str, Any]:
    response = confirm_card(central, key, CLINIC, holder, set(), register=register)
    assert response.status_code == 200, response.text
    return dict(response.json()["XmlMsg"])


def load_public_expense(central: LiveCentral) -> None:
    operator = central.key(ActorKind.OPERATOR, "ops")
    welfare = central.key(ActorKind.PAYER, WELFARE)
    assert feed(central, operator, "payers", PAYERS).json()["rows_loaded"] == 4
    assert feed(central, operator, "recipients", [CHILD_ROW]).json()["ok"]
    # The welfare office's key loads its own rows; another payer's row is reported, not loaded.
    report = feed(
        central, welfare, "recipients", [WELFARE_ROW, {**CHILD_ROW, "recipient_number": "7777777"}]
    ).json()
    assert (report["rows_loaded"], [r["line"] for r in report["rejected"]]) == (1, [3])
    report = feed(
        central, welfare, "tickets", [ticket_row(), ticket_row(issue_number="X", recipient_number="1111111")]
    )
    assert (report.json()["rows_loaded"], [r["line"] for r in report.json()["rejected"]]) == (1, [3])
    assert feed(central, welfare, "patients", []).status_code == 404
    clinic = facility_key(central, CLINIC, smartphone=False)
    assert feed(central, clinic, "payers", PAYERS).status_code == 403


def test_child_with_a_subsidy_and_welfare_recipient_by_card_and_by_numbers(
    live: tuple[LiveCentral, Path], tmp_path: Path
) -> None:
    central, jlis = live
    load_public_expense(central)
    clinic = central.key(ActorKind.FACILITY, CLINIC)

    # The child's card, registered at the reader: her insurance with the municipal subsidy.
    child = card(central, jlis, tmp_path, "child.card", CHILD_KEY, CHILD_SURFACE)
    entry = entry_of(confirm(central, clinic, child, register=True))
    assert (entry["InsuredCardClassification"], entry["InsuredBranchNumber"]) == ("01", "01")
    (info,) = [item["PublicExpenseInfo"] for item in entry["PublicExpenseInfoList"]]
    assert (info["PublicExpenseNumber"], info["BeneficiaryNumber"], info["PublicExpenseName"]) == (
        CHILD, CHILD_RECIPIENT, "子ども医療費助成"
    )  # fmt: skip

    # The welfare recipient's card (no insurer names him): linked on his identity, A1 with the ticket.
    welfare = card(central, jlis, tmp_path, "welfare.card", None, WELFARE_SURFACE)
    refused = confirm_card(central, clinic, CLINIC, welfare, set())
    assert refused.status_code == 404  # not registered yet: the reader asks for the registration
    aid = entry_of(confirm(central, clinic, welfare, register=True))
    assert (aid["InsuredCardClassification"], aid["PublicExpenseNumber"], aid["BeneficiaryNumber"]) == (
        "A1", WELFARE, WELFARE_RECIPIENT
    )  # fmt: skip
    assert aid["WelfareOfficeName"] == "新宿区福祉事務所" and "InsurerNumber" not in aid
    (ticket,) = [item["MedicalTicketInfo"] for item in aid["PublicExpenseResultList"]]
    assert (ticket["MedicalTreatmentMonth"], ticket["DesignatedMedicalInstitutionFlag"]) == (
        this_month(),
        "0",
    )
    assert entry_of(confirm(central, clinic, welfare))["BeneficiaryNumber"] == WELFARE_RECIPIENT  # linked now

    # By numbers, as result files (XML).
    with central.client(clinic, accept="application/xml") as client:
        by_recipient = from_xml(client.post("/api/v1/public-expense/confirmations", json={
            "public_expense_number": WELFARE, "beneficiary_number": WELFARE_RECIPIENT, "birthdate": "19600115",
        }))  # fmt: skip
        by_insurance = from_xml(client.post("/api/v1/confirmations", json={
            "insurer_number": "01130012", "insured_card_symbol": "123", "insured_identification_number": "456",
            "insured_branch_number": "01", "birthdate": "20150601",
        }))  # fmt: skip
        by_child_recipient = from_xml(client.post("/api/v1/public-expense/confirmations", json={
            "public_expense_number": CHILD, "beneficiary_number": CHILD_RECIPIENT, "birthdate": "20150601",
        }))  # fmt: skip
        bad = client.post("/api/v1/public-expense/confirmations", json={
            "public_expense_number": "12136017", "beneficiary_number": WELFARE_RECIPIENT, "birthdate": "19600115",
        })  # fmt: skip
    aid = entry_of(by_recipient)
    assert (aid["InsuredCardClassification"], aid["NumberOfMedicalTickets"]) == ("A1", "1")
    for document in (by_insurance, by_child_recipient):
        insured = entry_of(document)
        assert insured["InsurerNumber"] == "01130012"
        assert insured["PublicExpenseInfoList"][0]["PublicExpenseInfo"]["PublicExpenseNumber"] == CHILD
    assert bad.status_code == 422
    assert wire.parse(bad.content, K.SINGLE_INQUIRY_RESULT).document["MessageBody"][
        "ProcessingResultCode"
    ] == ("ONSP1003")
