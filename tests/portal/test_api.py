"""The portal's JSON API over central's HTTPS, on both databases: a clinic from account to
operating (with a certificate that works over mutual TLS), returns with reasons, download once,
renewal and revocation, roles and other facilities' records."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from onshi.domain.dates import today_jst
from onshi.domain.milestones import ORDER
from onshi.store.database import Database
from onshi.store.schema import audit_events, facilities, facility_milestones
from onshi.terminal.client import Refused
from tests.portal.support import (
    CARD_READER,
    CERTIFICATE,
    CLINIC_FORM,
    PASSWORD,
    USAGE,
    approve_pending,
    client,
    connection_test,
    operator_token,
    sign_in,
    write_credentials,
)
from tests.terminal.conftest import TlsCentral

CODE = CLINIC_FORM["facility_code"]


def test_a_clinic_from_account_to_operating(tls_central: TlsCentral, tmp_path: Path) -> None:
    central = tls_central
    with client(central) as http:
        registered = http.post("/api/v1/portal/accounts", json=CLINIC_FORM)
    assert registered.status_code == 201, registered.text
    assert registered.json() == {"facility_code": CODE, "stage": "registered", "obligated_from": "2023-04-01"}
    facility = sign_in(central, "facility", CODE, PASSWORD)
    operator = operator_token(central)
    with client(central, facility) as http:
        assert (
            http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=CARD_READER).status_code == 201
        )
        again = http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=CARD_READER)
        assert again.status_code == 409 and again.json()["error"]["code"] == "wrong_stage"
    approve_pending(central, operator, "card_reader")
    with client(central, facility) as http:
        bad = http.post(
            f"/api/v1/portal/facilities/{CODE}/applications", json={**USAGE, "phone": "abc", "vendor": ""}
        )
        assert bad.status_code == 422
        assert {f["field"] for f in bad.json()["error"]["fields"]} == {"phone", "vendor"}
        assert http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=USAGE).status_code == 201
    with client(central, operator) as http:
        pending = http.get("/api/v1/portal/applications", params={"kind": "usage"}).json()["applications"]
        assert http.post(f"/api/v1/portal/applications/{pending[0]['id']}/return", json={}).status_code == 409
        returned = http.post(
            f"/api/v1/portal/applications/{pending[0]['id']}/return", json={"reason": "代表者名を正式名称で"}
        )
        assert returned.status_code == 200 and returned.json()["status"] == "returned"
    with client(central, facility) as http:
        page = http.get(f"/api/v1/portal/facilities/{CODE}").json()
        assert page["stage"] == "usage_returned"
        assert page["applications"][0]["return_reason"] == "代表者名を正式名称で"
        assert http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=USAGE).status_code == 201
    approve_pending(central, operator, "usage")
    with client(central, facility) as http:
        assert (
            http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=CERTIFICATE).status_code == 201
        )
    approve_pending(central, operator, "certificate")
    with client(central, facility) as http:
        first = http.post(f"/api/v1/portal/facilities/{CODE}/certificate")
        assert first.status_code == 201, first.text
        second = http.post(f"/api/v1/portal/facilities/{CODE}/certificate")
        assert second.status_code == 409 and second.json()["error"]["code"] == "already_downloaded"
    credentials = write_credentials(tmp_path / "terminal", first.json())
    answer = connection_test(central, credentials)
    assert answer["connected"] is True and answer["stage"] == "connected"
    with client(central, facility) as http:
        future = http.post(f"/api/v1/portal/facilities/{CODE}/operation-start",
                           json={"operation_start_date": (today_jst() + timedelta(days=1)).isoformat()})  # fmt: skip
        assert future.status_code == 409 and future.json()["error"]["code"] == "future_date"
        started = http.post(f"/api/v1/portal/facilities/{CODE}/operation-start",
                            json={"operation_start_date": today_jst().isoformat()})  # fmt: skip
        assert started.status_code == 200 and started.json()["stage"] == "operating"
        page = http.get(f"/api/v1/portal/facilities/{CODE}").json()
    assert list(page["milestones"]) == [m.value for m in ORDER]
    assert page["connection_tests"][0]["certificate_serial"] == first.json()["serial"]

    async def stored(db: Database) -> tuple[list[str], object, int]:
        async with db.read() as conn:
            reached = (await conn.execute(select(facility_milestones.c.milestone, facility_milestones.c.source)
                                          .where(facility_milestones.c.facility_code == CODE))).all()  # fmt: skip
            obligated = (
                await conn.execute(select(facilities.c.obligated_from).where(facilities.c.code == CODE))
            ).scalar()
            audited = len(
                (
                    await conn.execute(
                        select(audit_events.c.id).where(audit_events.c.action.like("portal.%"))
                    )
                ).all()
            )
        assert {source for _, source in reached} == {"portal"}
        return [m for m, _ in reached], obligated, audited

    reached, obligated, audited = central.run(stored)
    assert sorted(reached) == sorted(m.value for m in ORDER)
    assert str(obligated) == "2023-04-01"
    assert audited >= 14  # registration, 5 submissions, 4 decisions, download, test, start, sign-ins


def test_renewal_and_revocation(tls_central: TlsCentral, tmp_path: Path) -> None:
    central = tls_central
    facility = _certified(central)
    with client(central, facility) as http:
        first = http.post(f"/api/v1/portal/facilities/{CODE}/certificate").json()
        renewed = http.post(f"/api/v1/portal/facilities/{CODE}/certificates/renew")
        assert renewed.status_code == 201 and renewed.json()["serial"] != first["serial"]
        assert len(http.get(f"/api/v1/portal/facilities/{CODE}").json()["certificates"]) == 2
        revoked = http.post(
            f"/api/v1/portal/facilities/{CODE}/certificates/{first['serial']}/revoke",
            json={"reason": "端末入替"},
        )
        assert revoked.status_code == 200
        twice = http.post(f"/api/v1/portal/facilities/{CODE}/certificates/{first['serial']}/revoke", json={})
        assert twice.status_code == 409
    with pytest.raises(Refused) as refused:
        connection_test(central, write_credentials(tmp_path / "old", first))
    assert refused.value.code == "revoked_certificate"
    assert connection_test(central, write_credentials(tmp_path / "new", renewed.json()))["connected"] is True


def test_an_api_key_is_not_a_connection_test(tls_central: TlsCentral) -> None:
    key = tls_central.facility_key("1310000017")
    with client(tls_central, key) as http:
        answer = http.post("/api/v1/terminal/connection-test")
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "certificate_required"


def test_roles_and_other_facilities(tls_central: TlsCentral) -> None:
    central = tls_central
    facility = _registered(central)
    other = {**CLINIC_FORM, "facility_code": "1319876543", "name": "ほかの診療所"}
    with client(central) as http:
        assert http.post("/api/v1/portal/accounts", json=other).status_code == 201
        taken = http.post("/api/v1/portal/accounts", json=CLINIC_FORM)
        assert taken.status_code == 409 and taken.json()["error"]["code"] == "already_registered"
        wrong = http.post(
            "/api/v1/portal/sessions", json={"role": "facility", "login": CODE, "password": "wrong-pass-1"}
        )
        assert wrong.status_code == 401
    with client(central, facility) as http:
        assert http.get("/api/v1/portal/facilities/1319876543").status_code == 404
        assert (
            http.post("/api/v1/portal/facilities/1319876543/applications", json=CARD_READER).status_code
            == 404
        )
        assert http.get("/api/v1/portal/applications").status_code == 403
        assert http.get("/api/v1/portal/compliance").status_code == 403
        listed = http.get("/api/v1/portal/facilities").json()["facilities"]
        assert [f["facility_code"] for f in listed] == [CODE]
    operator = operator_token(central)
    with client(central, operator) as http:
        refused = http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=CARD_READER)
        assert refused.status_code == 403  # operators review; they do not apply
        assert len(http.get("/api/v1/portal/facilities").json()["facilities"]) == 2


def _registered(central: TlsCentral) -> str:
    with client(central) as http:
        assert http.post("/api/v1/portal/accounts", json=CLINIC_FORM).status_code == 201
    return sign_in(central, "facility", CODE, PASSWORD)


def _certified(central: TlsCentral) -> str:
    facility, operator = _registered(central), operator_token(central)
    for form in (CARD_READER, USAGE, CERTIFICATE):
        with client(central, facility) as http:
            assert http.post(f"/api/v1/portal/facilities/{CODE}/applications", json=form).status_code == 201
        approve_pending(central, operator, str(form["kind"]))
    return facility
