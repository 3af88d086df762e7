"""Password hashing for web accounts: scrypt with a random salt, compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import secrets

# scrypt cost: 16 MiB and ~50 ms per check on a server core — dear for guessing, cheap for a login.
_N, _R, _P = 2**14, 8, 1


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=_N, r=_R, p=_P)
    return f"scrypt${salt.hex()}${digest.hex()}"


def password_matches(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        _, salt, _ = stored.split("$")
        expected = hash_password(password, bytes.fromhex(salt))
    except ValueError:
        return False
    return hmac.compare_digest(expected, stored)


def new_password() -> str:
    """An initial password to show once (e.g. for a corporation the operator creates)."""
    return secrets.token_urlsafe(12)
