"""The portal's pages with a real session of each role: every /portal row of docs/security.md
whose note says "session: …" opens for the roles it names and refuses the others (403, or the
sign-in page without a session). Actions are called with empty or unknown input, so an allowed
role gets an answer about the input (422, 404, 409) and nothing changes."""

from __future__ import annotations

import re

import httpx

from onshi.domain.portal.registration import read_registration
from onshi.services import portal_accounts
from onshi.store.database import Database
from tests.central.conftest import LiveCentral
from tests.central.test_authorization_matrix import matrix
from tests.portal.conftest import OPERATOR
from tests.portal.support import CLINIC_FORM, PASSWORD

CODE = CLINIC_FORM["facility_code"]
SESSION_ROLES = ("facility", "corporation", "operator")
PARAMETERS = {"code": CODE, "application": "card_reader", "serial": "ab12", "application_id": "999",
              "notification_id": "999", "feed": "nonexistent"}  # fmt: skip


def session_rows() -> list[tuple[str, str, frozenset[str]]]:
    rows = []
    for row in matrix():
        if row.path.startswith("/portal") and row.notes.startswith("session:"):
            roles = frozenset(r.strip() for r in row.notes.split(":", 1)[1].split("(")[0].split(","))
            assert roles <= set(SESSION_ROLES), row
            rows.append((row.method, row.path, roles))
    return rows


def test_every_portal_page_for_every_role(sessions: dict[str, httpx.Client]) -> None:
    rows = session_rows()
    assert len(rows) > 20
    wrong = []
    for method, path, roles in rows:
        url = re.sub(r"\{(\w+)\}", lambda m: PARAMETERS[m.group(1)], path)
        for role in SESSION_ROLES:
            answer = sessions[role].request(method, url, data={} if method == "POST" else None)
            assert answer.status_code < 500, (
                f"{method} {path} as {role}: {answer.status_code} {answer.text[:300]}"
            )
            to_login = answer.is_redirect and answer.headers["location"].endswith("/portal/login")
            opened = answer.status_code != 403 and not to_login
            if opened != (role in roles):
                wrong.append(f"{method} {path} as {role}: {answer.status_code}")
    assert wrong == []


def test_a_corporation_sees_only_its_facilities(
    sessions: dict[str, httpx.Client], central: LiveCentral
) -> None:
    async def other(db: Database) -> None:
        form = {**CLINIC_FORM, "facility_code": "1319876543", "name": "ほかの診療所"}
        await portal_accounts.register_facility(db, OPERATOR, read_registration(form), PASSWORD)

    central.run(other)
    corporation, facility = sessions["corporation"], sessions["facility"]
    assert corporation.get(f"/portal/facilities/{CODE}").status_code == 200
    assert corporation.get("/portal/facilities/1319876543").status_code == 404
    assert facility.get("/portal/facilities/1319876543").status_code == 404
    listed = corporation.get("/portal/corporation").text
    assert CODE in listed and "1319876543" not in listed
