"""Facility certificates central issued for terminals' mutual TLS, and their revocation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, Select, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.dates import now_jst
from onshi.security.facility_ca import IssuedCertificate
from onshi.store.schema import facilities, facility_certificates


@dataclass(frozen=True, slots=True)
class CertificateRecord:
    serial: str
    facility_code: str
    fingerprint: str
    not_before: dt.datetime
    not_after: dt.datetime
    revoked_at: dt.datetime | None
    revocation_reason: str | None
    facility_status: str | None  # the facility's status now; None when it is unregistered

    def valid_at(self, moment: dt.datetime) -> bool:
        return self.revoked_at is None and self.not_before <= moment < self.not_after


async def record(conn: AsyncConnection, issued: IssuedCertificate) -> None:
    await conn.execute(
        facility_certificates.insert().values(
            serial=issued.serial,
            facility_code=issued.subject,
            fingerprint=issued.fingerprint,
            not_before=issued.not_before,
            not_after=issued.not_after,
            issued_at=now_jst(),
        )
    )


def _query() -> Select[Any]:
    return select(facility_certificates, facilities.c.status.label("facility_status")).outerjoin(
        facilities, facilities.c.code == facility_certificates.c.facility_code
    )


def _record(row: Row[Any]) -> CertificateRecord:
    values = row._mapping
    return CertificateRecord(
        values["serial"],
        values["facility_code"],
        values["fingerprint"],
        _aware(values["not_before"]),
        _aware(values["not_after"]),
        _aware(values["revoked_at"]) if values["revoked_at"] else None,
        values["revocation_reason"],
        values["facility_status"],
    )


def _aware(moment: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes for what was stored as UTC-aware."""
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


async def by_fingerprint(conn: AsyncConnection, fingerprint: str) -> CertificateRecord | None:
    """The certificate a client presented (runs on every terminal request: one indexed lookup)."""
    row = (await conn.execute(_query().where(facility_certificates.c.fingerprint == fingerprint))).first()
    return _record(row) if row else None


async def for_facility(conn: AsyncConnection, facility_code: str) -> list[CertificateRecord]:
    query = _query().where(facility_certificates.c.facility_code == facility_code)
    rows = (await conn.execute(query.order_by(facility_certificates.c.not_before))).all()
    return [_record(row) for row in rows]


async def revoke(conn: AsyncConnection, serial: str, reason: str) -> bool:
    """Revoke a certificate; it stops working on the next request. False when unknown or revoked."""
    result = await conn.execute(
        update(facility_certificates)
        .where(facility_certificates.c.serial == serial.lower(), facility_certificates.c.revoked_at.is_(None))
        .values(revoked_at=now_jst(), revocation_reason=reason)
    )
    return bool(result.rowcount)
