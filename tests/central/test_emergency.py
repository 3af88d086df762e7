"""The emergency function's APIs over real HTTP (both backends): the operator's switch, the
terminal's view of it, and who may call which."""

from __future__ import annotations

from onshi.domain.actors import ActorKind
from tests.central.conftest import LiveCentral
from tests.central.test_api import audit_rows

CLINIC = "1310000017"
SWITCHES = "/api/v1/operator/emergency"
TERMINAL = "/api/v1/terminal/emergency"


def test_operator_switches_on_and_off_and_the_terminal_sees_it(central: LiveCentral) -> None:
    clinic = central.facility_key(CLINIC)
    operator = central.key(ActorKind.OPERATOR, "ops-sato")
    with central.client(clinic) as terminal, central.client(operator) as ops:
        assert terminal.get(TERMINAL).json() == {
            "active": False, "switch_id": None, "scope": None, "since": None, "reason": None,
        }  # fmt: skip
        created = ops.post(SWITCHES, json={"scope": "prefecture", "target": "13", "reason": "回線障害"})
        assert created.status_code == 201, created.text
        switch = created.json()
        assert (switch["scope"], switch["target"], switch["active"], switch["already_on"]) == (
            "prefecture", "13", True, False,
        )  # fmt: skip
        assert switch["switched_on_by"] == "ops-sato" and switch["switched_off_at"] is None
        again = ops.post(SWITCHES, json={"scope": "prefecture", "target": "13", "reason": "再送"})
        assert (again.status_code, again.json()["id"], again.json()["already_on"]) == (
            200,
            switch["id"],
            True,
        )

        seen = terminal.get(TERMINAL).json()
        assert seen == {
            "active": True, "switch_id": switch["id"], "scope": "prefecture",
            "since": switch["switched_on_at"], "reason": "回線障害",
        }  # fmt: skip
        assert [s["id"] for s in ops.get(SWITCHES).json()["switches"]] == [switch["id"]]

        off = ops.post(f"{SWITCHES}/{switch['id']}/off")
        assert off.status_code == 200 and off.json()["active"] is False
        assert off.json()["switched_off_by"] == "ops-sato"
        assert terminal.get(TERMINAL).json()["active"] is False
        twice = ops.post(f"{SWITCHES}/{switch['id']}/off")
        assert (twice.status_code, twice.json()["error"]["code"]) == (409, "already_off")
        unknown = ops.post(f"{SWITCHES}/999/off")
        assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "unknown_switch")
        assert ops.get(SWITCHES).json() == {"switches": []}
        assert [s["id"] for s in ops.get(SWITCHES, params={"all": "true"}).json()["switches"]] == [
            switch["id"]
        ]
    outcomes = [
        (r["action"], r["outcome"]) for r in audit_rows(central) if r["action"].startswith("emergency.")
    ]
    assert outcomes == [("emergency.on", "on"), ("emergency.on", "already_on"), ("emergency.off", "off")]


def test_bad_scope_target_or_body_is_422_with_a_problem(central: LiveCentral) -> None:
    central.facility_key(CLINIC)
    operator = central.key(ActorKind.OPERATOR, "ops")
    bad = [
        ({"scope": "region", "target": "13", "reason": "x"}, "invalid_scope"),
        ({"scope": "prefecture", "target": "48", "reason": "x"}, "invalid_target"),
        ({"scope": "prefecture", "target": "1310000017", "reason": "x"}, "invalid_target"),
        ({"scope": "facility", "target": "13", "reason": "x"}, "invalid_target"),
        ({"scope": "facility", "target": "1310000025", "reason": "x"}, "invalid_target"),  # not registered
        ({"scope": "facility", "target": CLINIC, "reason": "  "}, "invalid_reason"),
        ({"scope": "facility", "target": CLINIC}, "invalid_body"),
        ([1, 2], "invalid_body"),
    ]
    with central.client(operator) as ops:
        for body, code in bad:
            response = ops.post(SWITCHES, json=body)
            assert response.status_code == 422, (body, response.text)
            assert response.json()["error"]["code"] == code, body
            assert response.json()["error"]["message"]
        not_json = ops.post(SWITCHES, content=b"scope=facility")
        assert (not_json.status_code, not_json.json()["error"]["code"]) == (422, "invalid_body")
        assert ops.get(SWITCHES, params={"all": "true"}).json() == {"switches": []}


def test_only_operators_switch_and_only_facilities_ask(central: LiveCentral) -> None:
    clinic = central.facility_key(CLINIC)
    operator = central.key(ActorKind.OPERATOR, "ops")
    insurer = central.key(ActorKind.INSURER, "01130012")
    body = {"scope": "facility", "target": CLINIC, "reason": "自院を切り替えたい"}
    with central.client(clinic) as facility:
        refused = facility.post(SWITCHES, json=body)
        assert (refused.status_code, refused.json()["error"]["code"]) == (403, "forbidden")
        assert facility.get(SWITCHES).status_code == 403
        assert facility.post(f"{SWITCHES}/1/off").status_code == 403
    with central.client(insurer) as other:
        assert other.post(SWITCHES, json=body).status_code == 403
        assert other.get(TERMINAL).status_code == 403
    with central.client(operator) as ops:
        asked = ops.get(TERMINAL)
        assert (asked.status_code, asked.json()["error"]["code"]) == (403, "forbidden")
        assert ops.get(SWITCHES, params={"all": "true"}).json() == {"switches": []}
    with central.client() as anonymous:
        assert anonymous.post(SWITCHES, json=body).status_code == 401
        assert anonymous.get(TERMINAL).status_code == 401
    refusals = [(r["actor_kind"], r["outcome"]) for r in audit_rows(central) if r["action"] == "emergency.on"]
    assert refusals == [
        ("facility", "refused:forbidden"), ("insurer", "refused:forbidden"), ("anonymous", "refused:missing_key"),
    ]  # fmt: skip
