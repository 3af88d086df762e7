"""Fixtures of the portal tests: central over HTTP (tests/central/conftest.py) and over mutual TLS
(tests/terminal/conftest.py)."""

from tests.central.conftest import central
from tests.terminal.conftest import tls_central

__all__ = ["central", "tls_central"]
