"""Certificates: built without personal data, checked against the J-LIS CA."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from onshi.card.certificates import form_factor_of, inspect, serial_hex, verify_signature
from onshi.card.errors import CertificateRefused
from onshi.card.jlis import JlisCa, new_key
from onshi.domain.card import CardProblem, FormFactor
from onshi.domain.dates import now_jst


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> JlisCa:
    return JlisCa.open(tmp_path_factory.mktemp("jlis"))


def test_the_subject_is_only_a_random_serial(ca: JlisCa) -> None:
    certificate = ca.issue(new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30))
    names = certificate.subject.rdns
    assert len(names) == 1
    assert certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)[0].value == serial_hex(certificate)


@pytest.mark.parametrize("form_factor", list(FormFactor))
def test_the_form_factor_is_carried_by_the_certificate(ca: JlisCa, form_factor: FormFactor) -> None:
    certificate = ca.issue(new_key().public_key(), form_factor, now_jst() + timedelta(days=30))
    assert form_factor_of(certificate) is form_factor


def test_a_valid_chain_and_signature_pass(ca: JlisCa) -> None:
    key = new_key()
    certificate = ca.issue(key.public_key(), FormFactor.CARD, now_jst() + timedelta(days=30))
    presented = inspect(certificate.public_bytes(Encoding.PEM).decode(), ca.certificate, now_jst())
    verify_signature(presented, b"payload", key.sign(b"payload", padding.PKCS1v15(), hashes.SHA256()))


def test_a_forged_signature_is_refused(ca: JlisCa) -> None:
    certificate = ca.issue(new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30))
    presented = inspect(certificate.public_bytes(Encoding.PEM).decode(), ca.certificate, now_jst())
    forged = new_key().sign(b"payload", padding.PKCS1v15(), hashes.SHA256())
    with pytest.raises(CertificateRefused) as refused:
        verify_signature(presented, b"payload", forged)
    assert refused.value.problem is CardProblem.BAD_SIGNATURE


def test_another_ca_with_the_same_name_is_not_trusted(ca: JlisCa, tmp_path: Path) -> None:
    impostor = JlisCa.open(tmp_path / "impostor")
    assert impostor.certificate.subject == ca.certificate.subject
    certificate = impostor.issue(new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30))
    with pytest.raises(CertificateRefused) as refused:
        inspect(certificate.public_bytes(Encoding.PEM).decode(), ca.certificate, now_jst())
    assert refused.value.problem is CardProblem.UNTRUSTED


def test_a_ca_certificate_itself_is_not_a_user_certificate(ca: JlisCa) -> None:
    pem = ca.certificate.public_bytes(Encoding.PEM).decode()
    with pytest.raises(CertificateRefused, match="untrusted"):
        inspect(pem, ca.certificate, now_jst())


def test_garbage_is_refused(ca: JlisCa) -> None:
    with pytest.raises(CertificateRefused, match="untrusted"):
        inspect("not a certificate", ca.certificate, now_jst())
