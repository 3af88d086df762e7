"""What a card signs at the counter, shared by the reader and central.

The card signs one canonical JSON document: the single-use challenge central issued, the
facility it was issued to, the patient's consent choices and — on a first registration for
insurance use — the card-surface data. Signing all of it means nobody between the reader
and central can move the signature to another facility, flip a consent or swap the data a
linkage is checked against.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from onshi.domain.codes import Sex
from onshi.domain.dates import format_wire_date, parse_wire_date
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.linkage import CardSurface

PURPOSE = "onshi-card-auth/1"
# Response header of central's card confirmation: "1" when this use registered the card for
# insurance use (the face result itself has no element for it).
REGISTERED_HEADER = "X-Onshi-Card-Registered"
SURFACE_FIELDS = ("name", "name_kana", "birthdate", "sex", "address")


def auth_payload(
    challenge: str,
    facility_code: str,
    consent: Mapping[str, bool],
    surface: Mapping[str, str] | None,
    context: str | None = None,
) -> bytes:
    """The exact bytes the card signs (sorted keys, ASCII escapes: one form only). `context`
    (home_visit, house_call, online_care) is signed when the consent is not a counter visit's,
    so a consent's duration is what the patient agreed to; counter payloads are unchanged."""
    document: dict[str, Any] = {
        "purpose": PURPOSE,
        "challenge": challenge,
        "facility": facility_code,
        "consent": dict(consent),
        "surface": dict(surface) if surface is not None else None,
    }
    if context is not None and context != "counter":
        document["context"] = context
    return json.dumps(document, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def surface_to_json(surface: CardSurface) -> dict[str, str]:
    return {
        "name": surface.name,
        "name_kana": surface.name_kana,
        "birthdate": format_wire_date(surface.birthdate),
        "sex": surface.sex.value,
        "address": surface.address,
    }


def surface_from_json(data: Mapping[str, str]) -> CardSurface:
    """Raises InvalidValue when a field is missing or malformed."""
    missing = [name for name in SURFACE_FIELDS if not str(data.get(name) or "").strip()]
    if missing:
        raise InvalidValue(
            f"surface.{missing[0]}",
            Problem.REQUIRED,
            f"券面事項がありません: {', '.join(missing)}",
            f"surface data missing: {', '.join(missing)}",
        )
    try:
        sex = Sex(data["sex"])
    except ValueError:
        raise InvalidValue(
            "surface.sex", Problem.UNKNOWN_CODE, "性別のコードが不正です", "unknown sex code"
        ) from None
    return CardSurface(
        name=data["name"],
        name_kana=data["name_kana"],
        birthdate=parse_wire_date(data["birthdate"], "surface.birthdate"),
        sex=sex,
        address=data["address"],
    )
