"""The cache of checked certificates (onshi.card.certificates): the chain is checked once per
PEM and anchor; the clock is consulted on every use; a refusal is never remembered."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import Encoding

from onshi.card import certificates
from onshi.card.certificates import inspect, verify_signature
from onshi.card.errors import CertificateRefused
from onshi.card.jlis import JlisCa, new_key
from onshi.domain.card import CardProblem, FormFactor
from onshi.domain.dates import now_jst


@pytest.fixture(scope="module")
def ca(tmp_path_factory: pytest.TempPathFactory) -> JlisCa:
    return JlisCa.open(tmp_path_factory.mktemp("jlis"))


def test_a_checked_certificate_is_not_checked_again(ca: JlisCa) -> None:
    pem = ca.issue(new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30)).public_bytes(
        Encoding.PEM
    )
    before = certificates._checked.cache_info()
    first = inspect(pem.decode(), ca.certificate, now_jst())
    again = inspect(pem.decode(), ca.certificate, now_jst())
    after = certificates._checked.cache_info()
    assert again is first
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 1)


def test_not_before_is_checked_on_every_use(ca: JlisCa) -> None:
    certificate = ca.issue(new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30))
    pem = certificate.public_bytes(Encoding.PEM).decode()
    inspect(pem, ca.certificate, now_jst())  # now cached
    with pytest.raises(CertificateRefused) as refused:
        inspect(pem, ca.certificate, certificate.not_valid_before_utc - timedelta(seconds=1))
    assert refused.value.problem is CardProblem.UNTRUSTED


def test_a_certificate_checked_against_one_anchor_is_not_trusted_by_another(
    ca: JlisCa, tmp_path: Path
) -> None:
    other = JlisCa.open(tmp_path / "other")
    pem = ca.issue(new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30)).public_bytes(
        Encoding.PEM
    )
    inspect(pem.decode(), ca.certificate, now_jst())
    with pytest.raises(CertificateRefused):
        inspect(pem.decode(), other.certificate, now_jst())


def test_the_signature_is_verified_on_every_use(ca: JlisCa) -> None:
    key = new_key()
    pem = ca.issue(key.public_key(), FormFactor.CARD, now_jst() + timedelta(days=30)).public_bytes(
        Encoding.PEM
    )
    good = key.sign(b"payload", padding.PKCS1v15(), hashes.SHA256())
    verify_signature(inspect(pem.decode(), ca.certificate, now_jst()), b"payload", good)
    with pytest.raises(CertificateRefused) as refused:
        verify_signature(inspect(pem.decode(), ca.certificate, now_jst()), b"other", good)
    assert refused.value.problem is CardProblem.BAD_SIGNATURE


def test_a_refusal_is_not_cached(ca: JlisCa, tmp_path: Path) -> None:
    impostor = JlisCa.open(tmp_path / "impostor")
    pem = impostor.issue(
        new_key().public_key(), FormFactor.CARD, now_jst() + timedelta(days=30)
    ).public_bytes(Encoding.PEM)
    before = certificates._checked.cache_info().currsize
    for _ in range(2):
        with pytest.raises(CertificateRefused):
            inspect(pem.decode(), ca.certificate, now_jst())
    assert certificates._checked.cache_info().currsize == before
