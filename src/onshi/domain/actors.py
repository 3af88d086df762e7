"""Who acts on the system, and through which channel."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ActorKind(StrEnum):
    FACILITY = "facility"  # 医療機関等
    INSURER = "insurer"  # 保険者
    OPERATOR = "operator"  # 支払基金・国保中央会
    PAYER = "payer"  # 公費負担者 (都道府県・市区町村・福祉事務所), id = 公費負担者番号
    CORPORATION = "corporation"  # 法人 (hospital group, pharmacy chain) in the portal, id = its login
    PATIENT = "patient"
    ANONYMOUS = "anonymous"  # a caller who could not be identified
    SUPPORT = "support"  # support staff using the CLI directly against the database


class Channel(StrEnum):
    API = "api"
    CLI = "cli"
    TERMINAL = "terminal"
    WEB = "web"


@dataclass(frozen=True, slots=True)
class Actor:
    kind: ActorKind
    id: str  # facility code, insurer number, operator or user name
    channel: Channel
    credential_id: int | None = None
