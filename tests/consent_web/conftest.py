"""Fixtures of the consent-web tests (see support.py)."""

from tests.consent_web.support import pki_dir

__all__ = ["pki_dir"]
