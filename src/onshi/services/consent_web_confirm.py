"""Consent registration through the web (マイナ在宅受付Web, online care): identity by PIN and card
— or by 目視確認 — then the same confirmation central does for a card reader.

With the PIN the server plays the patient's device and chip: it opens the card file with the
PIN (`consent_web_pin`, counted server-side), takes a single-use challenge for the facility and
signs the challenge, facility, consent choices, context and the card-surface data with the
card's key, then calls `confirm_by_card` in-process — the very checks a card reader's request
gets. The surface data let a first use register the card for insurance use (the マイナポータル
step of seed 004), checked against the insurer's record. With 目視確認 no PIN is typed:
`visual_check.confirm_visually` checks the certificate without a signature.

The outcome is summarised for the completion screen and the online-care app: the items, how
long the facility may view with them, and the qualification (validity, insurer, copay).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography import x509

from onshi.card.errors import CardFileError
from onshi.card.protocol import auth_payload, surface_to_json
from onshi.domain.actors import Actor
from onshi.domain.consent import ConsentChoices, ConsentContext
from onshi.domain.consent_grants import HOME_VISIT_GRACE_MONTHS
from onshi.domain.dates import JST, format_ja
from onshi.services.card_confirmation import (
    CardConfirmation,
    CardConfirmed,
    CardRefused,
    confirm_by_card,
    issue_challenge,
)
from onshi.services.consent_web_pin import PinProblem, PinRefused, read_card, unlock_with_pin
from onshi.services.visual_check import VisualConfirmation, confirm_visually
from onshi.store import consents
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.web_sessions import IdentityMode


@dataclass(frozen=True, slots=True)
class WebConsent:
    context: ConsentContext
    choices: ConsentChoices
    card_file: bytes  # the card file the device read ("the tap")
    pin: str | None = None  # None with 目視確認


WebOutcome = CardConfirmed | CardRefused | PinRefused


async def register_consent(
    db: Database,
    audit: AuditLog,
    anchor: x509.Certificate,
    actor: Actor,
    request: WebConsent,
    identity: IdentityMode,
) -> WebOutcome:
    """Identity, consent and qualification in one step; every use is audited by the services."""
    if identity is IdentityMode.VISUAL:
        try:
            card = read_card(request.card_file)
        except CardFileError:
            return PinRefused(PinProblem.BAD_FILE)
        visual = VisualConfirmation(card.certificate_pem, request.context, request.choices)
        return await confirm_visually(db, audit, anchor, actor, visual)
    unlocked = await unlock_with_pin(db, audit, anchor, actor, request.card_file, request.pin or "")
    if isinstance(unlocked, PinRefused):
        return unlocked
    challenge = await issue_challenge(db, actor)
    surface = surface_to_json(unlocked.surface)
    flags = request.choices.as_flags()
    payload = auth_payload(challenge.nonce, actor.id, flags, surface, request.context.value)
    confirmation = CardConfirmation(
        certificate_pem=unlocked.certificate_pem,
        challenge=challenge.nonce,
        signature=unlocked.sign(payload),
        consent=request.choices,
        surface=surface,
        context=request.context,
    )
    return await confirm_by_card(db, audit, anchor, actor, confirmation)


async def summary(
    db: Database, outcome: CardConfirmed, context: ConsentContext, identity: IdentityMode
) -> dict[str, Any]:
    """What the completion screen shows and the online-care app receives (JSON-ready)."""
    grant = None
    if outcome.consent_grant_id is not None:
        async with db.read() as conn:
            grant = await consents.get(conn, outcome.consent_grant_id)
    until = grant.viewing_until() if grant is not None else None
    return {
        "processed_at": outcome.processed_at.isoformat(timespec="seconds"),
        "context": context.value,
        "context_ja": context.label_ja,
        "identity": identity.value,
        "identity_ja": identity.label_ja,
        "grant_id": outcome.consent_grant_id,
        "items": sorted(item.value for item in outcome.consent.agreed),
        "viewing_until": until.isoformat(timespec="seconds") if until else None,
        "window_ja": window_ja(context, until),
        "registered_now": outcome.registered_now,
        "qualification": qualification_json(outcome),
    }


def window_ja(context: ConsentContext, until: datetime | None) -> str:
    if until is None:
        return "同意した項目はありません（薬剤情報等は提供されません）。"
    last = until.astimezone(JST) - timedelta(seconds=1)
    if context is ConsentContext.HOME_VISIT:
        return (
            f"継続して訪問診療等を受けている間、有効です。初回から{HOME_VISIT_GRACE_MONTHS}か月後の末日"
            f"（{format_ja(last.date())}）まで、その後はレセプトで毎月の訪問診療等が確認できる間、続きます。"
        )
    return (
        f"{format_ja(last.date())} {last:%H:%M} まで（同意から24時間）。次回の受診では改めて同意が必要です。"
    )


def qualification_json(outcome: CardConfirmed) -> dict[str, Any]:
    verdict = outcome.verdict
    subject = verdict.subject
    result: dict[str, Any] = {
        "validity": verdict.validity.value,
        "validity_ja": verdict.validity.label_ja,
        "message_ja": verdict.message_ja,
    }
    if subject is not None:
        key = subject.key
        result |= {
            "insurer_number": key.insurer_number.digits,
            "insurer_name": subject.insurer_name,
            "symbol": key.symbol,
            "number": key.number,
            "branch": key.branch,
            "name": subject.name,
            "name_kana": subject.name_kana,
            "birthdate": subject.birthdate.isoformat(),
            "copay_percent": subject.copay_percent_on(outcome.on),
        }
    return result
