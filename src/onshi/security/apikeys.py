"""API keys: `onshi_<kind>_<43 random URL-safe characters>`; only their SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from onshi.domain.actors import ActorKind

_KIND_LETTERS = {
    ActorKind.FACILITY: "fk",
    ActorKind.INSURER: "ik",
    ActorKind.OPERATOR: "ok",
    ActorKind.PAYER: "pk",  # 公費負担者
    ActorKind.CORPORATION: "ck",  # 法人 (the portal's bulk applications)
}
PREFIX_LENGTH = 14


@dataclass(frozen=True, slots=True)
class NewKey:
    secret: str  # shown once to the holder, never stored
    prefix: str
    digest: str


def hash_key(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def generate(kind: ActorKind) -> NewKey:
    secret = f"onshi_{_KIND_LETTERS[kind]}_{secrets.token_urlsafe(32)}"
    return NewKey(secret, secret[:PREFIX_LENGTH], hash_key(secret))
