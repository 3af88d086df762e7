"""Issuing and revoking facilities' terminal certificates (the portal's 電子証明書 step, and
the CLI and demo until the portal exists)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from onshi.domain.facility import FacilityCode
from onshi.security.facility_ca import FacilityCA, IssuedCertificate, write_credentials

__all__ = ["FacilityNotRegistered", "IssuedCertificate", "issue", "server_credentials"]
from onshi.store import certificates, facilities
from onshi.store.database import Database


class FacilityNotRegistered(LookupError):
    pass


async def issue(
    db: Database,
    ca_dir: Path,
    code: FacilityCode,
    out: Path,
    valid_days: int = 365 * 2,
    not_before: dt.datetime | None = None,
) -> tuple[IssuedCertificate, Path, Path, Path]:
    """Issue a terminal certificate for a registered facility, record it, and write
    `terminal.crt`, `terminal.key` and `ca.crt` into `out`."""
    async with db.read() as conn:
        if await facilities.get(conn, code) is None:
            raise FacilityNotRegistered(code.digits)
    ca = FacilityCA.open(ca_dir)
    issued = ca.issue_facility(code.digits, valid_days, not_before)
    async with db.write() as conn:
        await certificates.record(conn, issued)
    return (issued, *write_credentials(out, issued, ca, "terminal"))


def server_credentials(ca_dir: Path, out: Path, hosts: tuple[str, ...]) -> tuple[Path, Path, Path]:
    """Central's TLS certificate for `hosts` (created once, reused while it exists)."""
    cert, key, ca_cert = out / "server.crt", out / "server.key", out / "ca.crt"
    if not (cert.exists() and key.exists()):
        ca = FacilityCA.open(ca_dir)
        return write_credentials(out, ca.issue_server(hosts), ca, "server")
    return cert, key, ca_cert
