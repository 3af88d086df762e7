"""The portal's records as JSON documents (the API's answers)."""

from __future__ import annotations

from typing import Any

from onshi.domain.dates import today_jst
from onshi.domain.milestones import ORDER
from onshi.domain.portal.documents import plain
from onshi.services.portal_onboarding import Download
from onshi.services.portal_views import FacilityPage
from onshi.store.certificates import CertificateRecord
from onshi.store.portal_onboarding import ApplicationRecord, FacilityRow
from onshi.store.portal_records import StoredNotification


def facility_row(row: FacilityRow) -> dict[str, Any]:
    return {
        "facility_code": row.code,
        "name": row.name,
        "facility_type": row.facility_type.value,
        "prefecture_code": row.prefecture_code,
        "stage": row.stage.value,
        "stage_label": row.stage.label_ja,
        "stage_since": row.stage_since.isoformat(),
        "operating_since": row.operating_since.isoformat() if row.operating_since else None,
        "obligated_from": row.obligated_from.isoformat() if row.obligated_from else None,
        "corporation": row.corporation_login,
    }


def application(record: ApplicationRecord) -> dict[str, Any]:
    document: dict[str, Any] = {
        "id": record.id,
        "facility_code": record.facility_code,
        "facility_name": record.facility_name,
        "kind": record.kind,
        "status": record.status,
        "details": record.details,
        "submitted_at": record.submitted_at.isoformat(),
        "submitted_by": record.submitted_by,
        "decided_at": record.decided_at.isoformat() if record.decided_at else None,
        "decided_by": record.decided_by,
        "return_reason": record.return_reason,
    }
    if record.kind == "subsidy":
        document.update(program=record.program, grant_yen=record.grant_yen, evaluation=record.evaluation)
    return document


def certificate(record: CertificateRecord) -> dict[str, Any]:
    return {
        "serial": record.serial,
        "not_before": record.not_before.isoformat(),
        "not_after": record.not_after.isoformat(),
        "revoked_at": record.revoked_at.isoformat() if record.revoked_at else None,
        "revocation_reason": record.revocation_reason,
    }


def notification(found: StoredNotification) -> dict[str, Any]:
    return {
        "id": found.id,
        "category": found.category,
        "filed_on": found.filed_on.isoformat(),
        "facts": found.facts,
        "current": found.superseded_at is None,
        "individually_approved": found.approved_at is not None,
    }


def facility_page(page: FacilityPage) -> dict[str, Any]:
    state = page.onboarding
    return {
        **facility_row(page.row),
        "next_step": state.stage.next_step_ja,
        "connected_on": state.connected_on.isoformat() if state.connected_on else None,
        "paper_claims": page.account.paper_claims,
        "milestones": {m.value: page.reached[m].isoformat() for m in ORDER if m in page.reached},
        "applications": [application(a) for a in page.applications],
        "certificates": [certificate(c) for c in page.certificates],
        "connection_tests": [
            {"certificate_serial": t.certificate_serial, "tested_at": t.tested_at.isoformat()}
            for t in page.tests
        ],
        "notifications": [notification(n) for n in page.notifications],
        "compliance": _verdict(page),
        "survey_answered": page.survey is not None,
    }


def _verdict(page: FacilityPage) -> dict[str, Any]:
    verdict = page.verdict(today_jst())
    return {
        "as_of": today_jst().isoformat(),
        "status": verdict.status.value,
        "status_label": verdict.status.label_ja,
        "deadline": plain(verdict.deadline),
        "days_left": verdict.days_left,
        "reasons": plain(verdict.reasons),
    }


def download(found: Download) -> dict[str, Any]:
    issued = found.issued
    return {
        "serial": issued.serial,
        "facility_code": issued.subject,
        "not_before": issued.not_before.isoformat(),
        "not_after": issued.not_after.isoformat(),
        "certificate_pem": issued.certificate_pem.decode(),
        "private_key_pem": issued.key_pem.decode(),
        "ca_pem": found.ca_pem.decode(),
        "note": "the private key is shown once and is not kept by central",
    }


def json_ready(value: object) -> Any:
    return plain(value)
