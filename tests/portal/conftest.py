"""Fixtures of the portal tests: central over mutual TLS (tests/terminal/conftest.py)."""

from tests.terminal.conftest import tls_central

__all__ = ["tls_central"]
