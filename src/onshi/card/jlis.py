"""The emulated J-LIS certificate authority (地方公共団体情報システム機構) that issues the cards'
user-authentication certificates.

Its key and certificate live under `Settings.jlis_dir` and are created on first use. Several
processes may start at once (uvicorn workers, the CLI), so creation happens under an
exclusive file lock and the files appear by rename: every process sees the same CA.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

from onshi.card.certificates import BACKDATE, build_user_certificate
from onshi.domain.card import FormFactor
from onshi.domain.dates import now_jst

CA_KEY_FILE = "ca-key.pem"
CA_CERT_FILE = "ca-cert.pem"
CA_VALIDITY = timedelta(days=20 * 365)
KEY_BITS = 2048  # JPKI's size
CA_NAME = x509.Name(
    [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "JP"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, "J-LIS (onshi emulation)"),
        x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, "JPKI for user authentication"),
        x509.NameAttribute(NameOID.COMMON_NAME, "onshi emulated J-LIS user authentication CA"),
    ]
)


class CertificateAuthorityUnreadable(Exception):
    """The CA's files exist but cannot be used (damaged, not an RSA key)."""


@dataclass(frozen=True, slots=True)
class JlisCa:
    certificate: x509.Certificate
    key: rsa.RSAPrivateKey

    @classmethod
    def open(cls, folder: Path) -> JlisCa:
        """The CA under `folder`, created when it does not exist yet."""
        if not (folder / CA_CERT_FILE).exists():
            _create(folder)
        try:
            key = serialization.load_pem_private_key((folder / CA_KEY_FILE).read_bytes(), password=None)
            certificate = x509.load_pem_x509_certificate((folder / CA_CERT_FILE).read_bytes())
        except ValueError as error:
            raise CertificateAuthorityUnreadable(f"{folder}: {error}") from None
        if not isinstance(key, rsa.RSAPrivateKey):
            raise CertificateAuthorityUnreadable(f"{folder / CA_KEY_FILE} is not an RSA key")
        return cls(certificate, key)

    def issue(
        self, public_key: rsa.RSAPublicKey, form_factor: FormFactor, not_after: datetime
    ) -> x509.Certificate:
        return build_user_certificate(
            self.certificate, self.key, public_key, form_factor, not_after, now_jst()
        )


@lru_cache(maxsize=8)
def trust_anchor(folder: Path) -> x509.Certificate:
    """The CA certificate central verifies cards against (read once per process and folder)."""
    return JlisCa.open(folder).certificate


def new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    with (folder / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _create(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with _locked(folder):
        if (folder / CA_CERT_FILE).exists():  # another process won the race
            return
        key = new_key()
        now = now_jst()
        certificate = (
            x509.CertificateBuilder()
            .subject_name(CA_NAME)
            .issuer_name(CA_NAME)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE)
            .not_valid_after(now + CA_VALIDITY)
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(_ca_usage(), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256())
        )
        key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        _write_new(folder / CA_KEY_FILE, key_pem, private=True)
        # The certificate last: its existence is what tells other processes the CA is complete.
        _write_new(folder / CA_CERT_FILE, certificate.public_bytes(serialization.Encoding.PEM))


def _ca_usage() -> x509.KeyUsage:
    return x509.KeyUsage(
        digital_signature=False,
        content_commitment=False,
        key_encipherment=False,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=True,
        crl_sign=True,
        encipher_only=False,
        decipher_only=False,
    )


def _write_new(path: Path, data: bytes, private: bool = False) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with os.fdopen(descriptor, "wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    os.replace(temporary, path)
