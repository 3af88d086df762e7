"""User-authentication certificates (利用者証明用電子証明書): how the emulated J-LIS builds them
and how central checks a presented one.

The certificate carries no personal data — its subject is a random serial, as on the real
card. Besides the usual extensions it has one private, non-critical extension that says
whether it lives on the card's chip or in a smartphone (スマホ用電子証明書); the OID is in
the `2.25` arc (a UUID as an object identifier), which needs no registration.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from onshi.card.errors import CertificateRefused
from onshi.domain.card import CardProblem, FormFactor

FORM_FACTOR_OID = x509.ObjectIdentifier("2.25.173061339748958681784145439810256116062")
# Issued "yesterday" so that a clock a little behind the issuer's still accepts a fresh card.
BACKDATE = timedelta(days=1)
_UTF8_STRING = 0x0C
# Certificates whose chain and form were checked, by PEM and anchor (≈ 5 KB each). The checks
# are deterministic for a given anchor; the clock (not-before here, expiry by the caller) and
# the database (revocation) are consulted on every use.
CHECKED_CACHE_SIZE = 4096


def _der_utf8(text: str) -> bytes:
    data = text.encode()
    if len(data) > 127:
        raise ValueError("form factor label too long for a short-form DER length")
    return bytes([_UTF8_STRING, len(data)]) + data


def _from_der_utf8(data: bytes) -> str:
    if len(data) < 2 or data[0] != _UTF8_STRING or data[1] != len(data) - 2:
        raise ValueError("not a DER UTF8String")
    return data[2:].decode()


def serial_hex(certificate: x509.Certificate) -> str:
    return format(certificate.serial_number, "x")


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(Encoding.DER)).hexdigest()


def build_user_certificate(
    issuer: x509.Certificate,
    issuer_key: rsa.RSAPrivateKey,
    public_key: rsa.RSAPublicKey,
    form_factor: FormFactor,
    not_after: datetime,
    now: datetime,
) -> x509.Certificate:
    serial = x509.random_serial_number()
    not_before = min(now, not_after) - BACKDATE
    return (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, format(serial, "x"))]))
        .issuer_name(issuer.subject)
        .public_key(public_key)
        .serial_number(serial)
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_signature_only(), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public_key), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False
        )
        .add_extension(
            x509.UnrecognizedExtension(FORM_FACTOR_OID, _der_utf8(form_factor.value)), critical=False
        )
        .sign(issuer_key, hashes.SHA256())
    )


def _signature_only() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=False,
        crl_sign=False,
        encipher_only=False,
        decipher_only=False,
    )


def form_factor_of(certificate: x509.Certificate) -> FormFactor:
    extension = certificate.extensions.get_extension_for_oid(FORM_FACTOR_OID).value
    assert isinstance(extension, x509.UnrecognizedExtension)
    return FormFactor(_from_der_utf8(extension.value))


@dataclass(frozen=True, slots=True)
class PresentedCertificate:
    """A certificate that chains to the J-LIS CA and is a user-authentication certificate."""

    certificate: x509.Certificate
    serial: str
    fingerprint: str
    form_factor: FormFactor
    not_after: datetime


def inspect(pem: str, anchor: x509.Certificate, at: datetime) -> PresentedCertificate:
    """Check the certificate against the J-LIS CA; raises CertificateRefused(UNTRUSTED).

    Expiry is *not* refused here: the caller reports it with its own, distinct code."""
    presented = _checked(pem, anchor)
    if at < presented.certificate.not_valid_before_utc:
        raise CertificateRefused(CardProblem.UNTRUSTED, "not valid yet")
    return presented


@lru_cache(maxsize=CHECKED_CACHE_SIZE)
def _checked(pem: str, anchor: x509.Certificate) -> PresentedCertificate:
    """Parse, chain and form checks (≈ 0.5 ms); refusals are raised, hence never cached."""
    try:
        certificate = x509.load_pem_x509_certificate(pem.encode())
    except ValueError:
        raise CertificateRefused(CardProblem.UNTRUSTED, "not a PEM certificate") from None
    try:
        certificate.verify_directly_issued_by(anchor)
    except (ValueError, TypeError, InvalidSignature):
        raise CertificateRefused(CardProblem.UNTRUSTED, "not issued by the J-LIS CA") from None
    return PresentedCertificate(
        certificate,
        serial_hex(certificate),
        fingerprint(certificate),
        _user_form_factor(certificate),
        certificate.not_valid_after_utc,
    )


def _user_form_factor(certificate: x509.Certificate) -> FormFactor:
    """The form factor of a user-authentication certificate; anything else is refused."""
    try:
        constraints = certificate.extensions.get_extension_for_class(x509.BasicConstraints).value
        usage = certificate.extensions.get_extension_for_class(x509.KeyUsage).value
        form = form_factor_of(certificate)
    except (x509.ExtensionNotFound, ValueError):
        raise CertificateRefused(CardProblem.UNTRUSTED, "not a user-authentication certificate") from None
    if constraints.ca or not usage.digital_signature:
        raise CertificateRefused(CardProblem.UNTRUSTED, "not a user-authentication certificate")
    return form


def verify_signature(presented: PresentedCertificate, payload: bytes, signature: bytes) -> None:
    """The card's signature over `payload` (RSA PKCS#1 v1.5 with SHA-256, as JPKI signs)."""
    key = presented.certificate.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CertificateRefused(CardProblem.UNTRUSTED, "not an RSA key")
    try:
        key.verify(signature, payload, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        raise CertificateRefused(CardProblem.BAD_SIGNATURE, "signature does not verify") from None
