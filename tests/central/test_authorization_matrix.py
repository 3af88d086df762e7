"""The authorisation matrix of docs/security.md, called cell by cell: every route × every role.

The table is the specification: a route missing from it (or listed but gone) fails the test,
so no endpoint ships without its row. Cross-facility access is checked separately below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from onshi.central.app import create_app
from onshi.config import Settings
from onshi.domain.actors import ActorKind
from onshi.domain.dates import now_jst
from onshi.domain.facility import FacilityType
from onshi.security.passwords import hash_password
from onshi.store import apikeys, portal_accounts, web_sessions
from onshi.store.database import Database
from onshi.store.web_sessions import SessionKind
from tests.card.support import HOLDER, HOLDER_ROW, run
from tests.central.conftest import LiveCentral, free_port, start_uvicorn, stop_uvicorn
from tests.services.test_insurer_import import load

MATRIX = Path(__file__).parents[2] / "docs" / "security.md"
ROLES = ("anonymous", "facility", "corporation", "insurer", "payer", "operator", "patient")
FACILITIES = {
    "1310000017": FacilityType.MEDICAL_CLINIC,
    "1340000015": FacilityType.PHARMACY,
    "1360000017": FacilityType.VISITING_NURSING,
}
# Codes of refusals by authentication (onshi.central.auth and the patient API), as opposed to
# refusals about the request itself (no consent, bad numbers …).
AUTH_CODES = {
    "missing_key", "unknown_key", "revoked_key", "forbidden", "facility_unknown", "facility_suspended",
    "unknown_certificate", "revoked_certificate", "expired_certificate", "invalid_session",
    "certificate_required", "corporation_unknown", "corporation_suspended",
}  # fmt: skip
SIGN_IN_PAGES = ("/zaitaku/login", "/patient/", "/portal/login", "/operator/stats/login", "/mypage/login")
PUBLIC_NOTES = ("the door", "sign-in page", "own session")
PARAMETERS = {
    "reception_number": "R0000000001", "import_id": "1", "switch_id": "1", "kind": "medication",
    "feed": "medication", "declaration_id": "1", "grant_id": "1", "session_id": "x", "token": "x",
    "code": "1310000017", "application": "card_reader", "serial": "ab12", "application_id": "1",
    "notification_id": "1", "login": "matrix-corp",
    "facility_code": "1310000017",
}  # fmt: skip
PORTAL = "/api/v1/portal/facilities/{code}"
NUMBERS = {"insurer_number": "01130012", "insured_identification_number": "456", "birthdate": "19800401"}
BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/api/v1/confirmations"): NUMBERS,
    ("POST", "/api/v1/batches"): {"entries": [NUMBERS]},
    ("POST", "/api/v1/card/confirmations"): {"certificate": "x", "challenge": "x", "signature": "x"},
    ("POST", "/api/v1/clinical/{kind}/search"): NUMBERS,
    ("POST", "/api/v1/reinquiries"): NUMBERS,
    ("POST", "/api/v1/public-expense/confirmations"): {
        "public_expense_number": "54136015", "beneficiary_number": "1234566", "birthdate": "20150601",
    },
    ("POST", "/api/v1/online-care/sessions"): {"return_url": "https://app.example/back", "state": "s"},
    ("POST", "/api/v1/operator/disasters"): {
        "prefectures": ["13"], "starts_on": "2026-01-01", "ends_on": "2026-01-02", "reason": "訓練",
    },
    ("POST", "/api/v1/patient/sessions"): {"certificate": "x", "challenge": "x", "signature": "x"},
    ("POST", "/api/v1/patient/consents/{grant_id}"): {"items": []},
    ("POST", "/api/v1/portal/accounts"): {
        "facility_code": "1311111111", "name": "表の診療所", "facility_type": "medical_clinic",
        "email": "m@example.jp", "password": "matrix-pass-1",
    },
    ("POST", "/api/v1/portal/sessions"): {"role": "facility", "login": "1311111111", "password": "wrong-pass-1"},
    ("POST", f"{PORTAL}/applications"): {"kind": "card_reader"},
    ("POST", f"{PORTAL}/certificates/{{serial}}/revoke"): {"reason": "x"},
    ("POST", f"{PORTAL}/operation-start"): {"operation_start_date": "2024-01-01"},
    ("POST", f"{PORTAL}/notifications"): {"category": "network"},
    ("POST", f"{PORTAL}/survey"): {"plans": "no"},
    ("POST", f"{PORTAL}/subsidies/check"): {"program": "home_visit"},
    ("POST", f"{PORTAL}/subsidies"): {"program": "home_visit"},
    ("POST", "/api/v1/portal/applications/{application_id}/return"): {"reason": "x"},
    ("POST", "/api/v1/portal/corporations"): {
        "login": "matrix-corp2", "name": "表の法人", "email": "c@example.jp", "password": "matrix-pass-1",
    },
    ("POST", "/api/v1/portal/corporations/{login}/facilities"): {"facility_codes": []},
    ("POST", "/api/v1/portal/addon"): {"facility_type": "medical_clinic", "first_visits": "3"},
}  # fmt: skip


@dataclass(frozen=True)
class Row:
    method: str
    path: str
    allowed: dict[str, bool]
    notes: str

    @property
    def page(self) -> bool:
        return not self.path.startswith("/api/")

    @property
    def public(self) -> bool:
        return any(note in self.notes for note in PUBLIC_NOTES)

    def url(self) -> str:
        return re.sub(r"\{(\w+)\}", lambda m: PARAMETERS[m.group(1)], self.path)


def matrix() -> list[Row]:
    text = MATRIX.read_text(encoding="utf-8").split("## Authorisation matrix", 1)[1]
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) != 3 + len(ROLES) or cells[0] not in ("GET", "POST"):
            continue
        marks = dict(zip(ROLES, cells[2 : 2 + len(ROLES)], strict=True))
        assert set(marks.values()) <= {"✓", "—"}, line
        rows.append(Row(cells[0], cells[1], {role: mark == "✓" for role, mark in marks.items()}, cells[-1]))
    return rows


def app_routes() -> set[tuple[str, str]]:
    app = create_app(Settings(database_url="sqlite:///:memory:", pool_size=1))

    def walk(routes: Any) -> Iterator[tuple[str, str]]:
        for route in routes:
            inner = getattr(route, "original_router", None)  # an included router (FastAPI ≥ 0.16x)
            if inner is not None:
                yield from walk(inner.routes)
                continue
            for method in getattr(route, "methods", None) or ():
                if method != "HEAD":
                    yield method, route.path

    return set(walk(app.router.routes))


def test_every_route_has_a_row_and_every_row_a_route() -> None:
    listed = {(row.method, row.path) for row in matrix()}
    assert len(listed) == len(matrix()), "a route is listed twice"
    routes = app_routes()
    assert routes - listed == set(), "routes without a row in docs/security.md"
    assert listed - routes == set(), "rows in docs/security.md without a route"


@pytest.fixture
def credentials(
    database_url: str, tmp_path: Path
) -> Iterator[tuple[LiveCentral, dict[str, list[str | None]]]]:
    assert run(database_url, lambda db: load(db, [HOLDER_ROW])).ok
    port = free_port()
    settings = Settings(database_url=database_url, pool_size=4, pki_dir=tmp_path / "pki")
    server = start_uvicorn(create_app(settings), port)
    central = LiveCentral(f"http://127.0.0.1:{port}", database_url)
    try:

        async def patient_token(db: Database) -> str:
            async with db.write() as conn:
                return await web_sessions.create(
                    conn, SessionKind.PATIENT, now_jst(), timedelta(minutes=30), person=HOLDER
                )

        async def corporation_key(db: Database) -> str:
            async with db.write() as conn:
                await portal_accounts.add_corporation(
                    conn, "matrix-corp", "表の法人", "c@example.jp", hash_password("matrix-pass-1"), now_jst()
                )
                key, _ = await apikeys.create(conn, ActorKind.CORPORATION, "matrix-corp")
            return key.secret

        yield (
            central,
            {
                "anonymous": [None],
                "facility": [central.facility_key(code, kind) for code, kind in FACILITIES.items()],
                "corporation": [str(central.run(corporation_key))],
                "insurer": [central.key(ActorKind.INSURER, "01130012")],
                "payer": [central.key(ActorKind.PAYER, "54136015")],
                "operator": [central.key(ActorKind.OPERATOR, "ops")],
                "patient": [str(central.run(patient_token))],
            },
        )
    finally:
        stop_uvicorn(server)


def passes(row: Row, response: httpx.Response) -> bool:
    """Whether the caller got past authentication (the answer may still refuse the request)."""
    assert response.status_code < 500, (
        f"{row.method} {row.path}: {response.status_code} {response.text[:200]}"
    )
    if row.page:
        if row.public:
            return True
        if response.is_redirect:
            return not response.headers["location"].endswith(SIGN_IN_PAGES)
        return response.status_code == 200
    if response.status_code not in (401, 403):
        return True
    try:
        return response.json()["error"]["code"] not in AUTH_CODES
    except (ValueError, KeyError, TypeError):
        return True


def test_every_cell_of_the_matrix(credentials: tuple[LiveCentral, dict[str, list[str | None]]]) -> None:
    central, keys = credentials
    wrong = []
    with httpx.Client(base_url=central.url, timeout=10, follow_redirects=False) as client:
        for row in matrix():
            for role in ROLES:
                for key in keys[role]:
                    headers = {"Authorization": f"Bearer {key}"} if key else {}
                    body = BODIES.get((row.method, row.path))
                    response = client.request(row.method, row.url(), headers=headers, json=body)
                    if passes(row, response) != row.allowed[role]:
                        wrong.append(
                            f"{row.method} {row.path} as {role}: {response.status_code} {response.text[:120]}"
                        )
    assert wrong == []


def test_cross_facility_access_is_denied(
    credentials: tuple[LiveCentral, dict[str, list[str | None]]],
) -> None:
    central, keys = credentials
    clinic, pharmacy = keys["facility"][0], keys["facility"][1]
    with httpx.Client(base_url=central.url, timeout=10) as client:
        submitted = client.post(
            "/api/v1/batches", json={"entries": [NUMBERS]}, headers={"Authorization": f"Bearer {clinic}"}
        )
        assert submitted.status_code == 202, submitted.text
        number = submitted.json()["reception_number"]
        own = client.get(f"/api/v1/batches/{number}", headers={"Authorization": f"Bearer {clinic}"})
        other = client.get(f"/api/v1/batches/{number}", headers={"Authorization": f"Bearer {pharmacy}"})
        assert own.status_code == 200 and other.status_code == 404
        created = client.post("/api/v1/online-care/sessions", json=BODIES[("POST", "/api/v1/online-care/sessions")],
                              headers={"Authorization": f"Bearer {clinic}"})  # fmt: skip
        assert created.status_code in (200, 201), created.text
        session = created.json()["session"]
        stolen = client.get(
            f"/api/v1/online-care/sessions/{session}", headers={"Authorization": f"Bearer {pharmacy}"}
        )
        assert stolen.status_code == 404
