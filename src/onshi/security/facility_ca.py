"""The certificate authority that issues facilities' terminal certificates (電子証明書) and
central's own TLS certificate.

Terminals reach central over mutual TLS: the TLS layer accepts only client certificates
this CA signed (a forged or expired one fails the handshake), and central then looks the
certificate up (`store.certificates`) to find the facility and to refuse a revoked one.
The CA's key never leaves `Settings.facility_ca_dir`. Certificates carry the facility code
as their subject's common name and nothing about any patient.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

CA_CERT = "ca.crt"
CA_KEY = "ca.key"
ORGANISATION = "onshi facility CA"


@dataclass(frozen=True, slots=True)
class IssuedCertificate:
    serial: str  # hex
    subject: str  # the facility code, or the server host
    fingerprint: str  # sha256 of the DER, hex
    not_before: dt.datetime
    not_after: dt.datetime
    certificate_pem: bytes
    key_pem: bytes


def fingerprint(certificate: x509.Certificate) -> str:
    return certificate.fingerprint(hashes.SHA256()).hex()


def fingerprint_der(der: bytes) -> str:
    return fingerprint(x509.load_der_x509_certificate(der))


class FacilityCA:
    def __init__(self, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey, folder: Path) -> None:
        self.certificate = certificate
        self._key = key
        self.folder = folder

    @property
    def certificate_path(self) -> Path:
        return self.folder / CA_CERT

    @classmethod
    def open(cls, folder: Path, create: bool = True) -> FacilityCA:
        """The CA in `folder`, created there on first use."""
        cert_path, key_path = folder / CA_CERT, folder / CA_KEY
        if not cert_path.exists():
            if not create:
                raise FileNotFoundError(f"no facility CA in {folder}")
            _create(folder)
        certificate = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return cls(certificate, key, folder)

    def issue_facility(
        self, facility_code: str, valid_days: int = 365 * 2, not_before: dt.datetime | None = None
    ) -> IssuedCertificate:
        """A client certificate for a facility's terminal (TLS client auth only)."""
        return self._issue(facility_code, valid_days, not_before, client=True, hosts=())

    def issue_server(
        self, hosts: tuple[str, ...] = ("127.0.0.1", "localhost"), valid_days: int = 365
    ) -> IssuedCertificate:
        """Central's TLS server certificate; terminals trust it through this CA's certificate."""
        return self._issue(hosts[0], valid_days, None, client=False, hosts=hosts)

    def _issue(
        self,
        subject: str,
        valid_days: int,
        not_before: dt.datetime | None,
        client: bool,
        hosts: tuple[str, ...],
    ) -> IssuedCertificate:
        key = ec.generate_private_key(ec.SECP256R1())
        start = not_before or dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
        end = start + dt.timedelta(days=valid_days)
        usage = ExtendedKeyUsageOID.CLIENT_AUTH if client else ExtendedKeyUsageOID.SERVER_AUTH
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(subject))
            .issuer_name(self.certificate.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(start)
            .not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.ExtendedKeyUsage([usage]), critical=False)
        )
        if hosts:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([_general_name(h) for h in hosts]), False
            )
        certificate = builder.sign(self._key, hashes.SHA256())
        return IssuedCertificate(
            serial=format(certificate.serial_number, "x"),
            subject=subject,
            fingerprint=fingerprint(certificate),
            not_before=start,
            not_after=end,
            certificate_pem=certificate.public_bytes(serialization.Encoding.PEM),
            key_pem=_key_pem(key),
        )


def write_credentials(
    folder: Path, issued: IssuedCertificate, ca: FacilityCA, stem: str
) -> tuple[Path, Path, Path]:
    """Write `<stem>.crt`, `<stem>.key` (mode 600) and `ca.crt` into `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    cert, key, ca_cert = folder / f"{stem}.crt", folder / f"{stem}.key", folder / CA_CERT
    cert.write_bytes(issued.certificate_pem)
    _write_private(key, issued.key_pem)
    ca_cert.write_bytes(ca.certificate_path.read_bytes())
    return cert, key, ca_cert


def _create(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP384R1())
    now = dt.datetime.now(dt.UTC)
    name = _name("onshi facility root CA")
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=365 * 20))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(key, hashes.SHA384())
    )
    _write_private(folder / CA_KEY, _key_pem(key))
    (folder / CA_CERT).write_bytes(certificate.public_bytes(serialization.Encoding.PEM))


def _name(common_name: str) -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, ORGANISATION),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _general_name(host: str) -> x509.GeneralName:
    try:
        return x509.IPAddress(ipaddress.ip_address(host))
    except ValueError:
        return x509.DNSName(host)


def _key_pem(key: ec.EllipticCurvePrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _write_private(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
