"""The consent web's services on SQLite and PostgreSQL: the server-side PIN counter, 目視確認,
sessions (facility and patient) and online-care sessions."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from onshi.card.cardfile import CardFile
from onshi.card.protocol import auth_payload
from onshi.domain.actors import Channel
from onshi.domain.card import CardProblem, RevocationReason
from onshi.domain.consent import ConsentChoices, ConsentContext, ConsentItem
from onshi.domain.dates import now_jst
from onshi.services import consent_web_online_care as online
from onshi.services.card_confirmation import CardConfirmed, CardRefused
from onshi.services.card_issuance import revoke_card
from onshi.services.consent_web_confirm import WebConsent, register_consent, summary
from onshi.services.consent_web_pin import PinProblem, PinRefused, unlock_with_pin
from onshi.services.consent_web_sessions import (
    SignInRefused,
    facility_login,
    patient_challenge,
    patient_payload,
    patient_sign_in,
)
from onshi.services.visual_check import VisualConfirmation, confirm_visually
from onshi.store import apikeys, consents, web_sessions
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.store.online_care import Status
from onshi.store.schema import audit_events, card_pin_attempts
from onshi.store.web_sessions import IdentityMode, SessionKind
from tests.card.support import OPERATOR
from tests.consent_web.support import CLINIC, OTHER, PIN, WRONG_PIN, World, facility_actor, prepare

ALL = ConsentChoices.of(ConsentItem)
ACTOR = facility_actor()


@pytest.fixture
async def world(db: Database, database_url: str, tmp_path: Path, pki_dir: Path) -> World:
    return await prepare(db, database_url, tmp_path, pki_dir)


async def test_three_wrong_pins_lock_the_card_whatever_file_is_uploaded(db: Database, world: World) -> None:
    audit, fresh = DirectAuditLog(db.engine), world.card.read_bytes()

    async def attempt(pin: str, data: bytes = fresh) -> object:
        return await unlock_with_pin(db, audit, world.anchor, ACTOR, data, pin)

    first = await attempt(WRONG_PIN)
    assert first == PinRefused(PinProblem.WRONG, 2)
    assert "あと2回" in first.message_ja  # type: ignore[attr-defined]
    assert not isinstance(await attempt(PIN), PinRefused)  # a right PIN resets the count, as the card does
    assert await attempt(WRONG_PIN) == PinRefused(PinProblem.WRONG, 2)
    assert await attempt(WRONG_PIN) == PinRefused(PinProblem.WRONG, 1)
    assert await attempt(WRONG_PIN) == PinRefused(PinProblem.LOCKED)
    # A fresh copy of the file (its own counter says 3) does not unlock it, not even with the PIN.
    assert CardFile.load(world.card).attempts_left == 3
    assert await attempt(PIN) == PinRefused(PinProblem.LOCKED)
    assert await attempt("12a4") == PinRefused(PinProblem.PIN_FORMAT)
    assert await attempt(PIN, b"{not a card") == PinRefused(PinProblem.BAD_FILE)
    async with db.read() as conn:
        row = (await conn.execute(select(card_pin_attempts))).one()
        outcomes = (
            await conn.execute(select(audit_events.c.outcome).where(audit_events.c.action == "card.pin"))
        ).scalars()
        assert (row.certificate_serial, row.failures, row.locked_at is not None) == (world.serial, 3, True)
        assert list(outcomes) == ["wrong:2", "wrong:2", "wrong:1", "locked", "locked"]
    # Another card is not affected.
    assert not isinstance(await attempt(PIN, world.young_card.read_bytes()), PinRefused)


async def test_pin_registration_then_visual_check_records_how_identity_was_checked(
    db: Database, world: World
) -> None:
    audit, data = DirectAuditLog(db.engine), world.card.read_bytes()
    visual = VisualConfirmation(CardFile.load(world.card).certificate_pem, ConsentContext.HOUSE_CALL, ALL)
    refused = await confirm_visually(db, audit, world.anchor, ACTOR, visual)
    assert (
        isinstance(refused, CardRefused) and refused.problem is CardProblem.NOT_LINKED
    )  # no PIN, no registration

    home = WebConsent(ConsentContext.HOME_VISIT, ConsentChoices(), data, PIN)
    first = await register_consent(db, audit, world.anchor, ACTOR, home, IdentityMode.PIN)
    assert isinstance(first, CardConfirmed) and first.registered_now and first.consent_grant_id is not None

    confirmed = await confirm_visually(db, audit, world.anchor, ACTOR, visual)
    assert isinstance(confirmed, CardConfirmed) and confirmed.verdict.validity.value == "1"
    async with db.read() as conn:
        grant = await consents.get(conn, confirmed.consent_grant_id or 0)
        channel = (
            await conn.execute(
                select(consents.consent_grants.c.channel).order_by(consents.consent_grants.c.id)
            )
        ).scalars()
        events = (await conn.execute(select(audit_events.c.outcome, audit_events.c.detail).where(audit_events.c.action == "card.confirm").order_by(audit_events.c.id))).all()  # fmt: skip
    assert grant is not None and grant.context is ConsentContext.HOUSE_CALL and grant.items == ALL.agreed
    assert list(channel) == ["card", "visual"]
    assert [outcome for outcome, _ in events] == ["refused:not_linked", "validity:1", "validity:1"]
    assert json.loads(events[-1][1])["identity"] == "visual" and "identity" not in json.loads(events[1][1])
    done = await summary(db, confirmed, ConsentContext.HOUSE_CALL, IdentityMode.VISUAL)
    assert done["qualification"]["copay_percent"] == 30 and done["items"] == sorted(
        i.value for i in ConsentItem
    )
    assert "24時間" in done["window_ja"]

    with pytest.raises(ValueError, match="home visits"):
        await confirm_visually(
            db,
            audit,
            world.anchor,
            ACTOR,
            VisualConfirmation(visual.certificate_pem, ConsentContext.ONLINE_CARE),
        )
    await revoke_card(db, audit, OPERATOR, world.serial, RevocationReason.LOST)
    revoked = await confirm_visually(db, audit, world.anchor, ACTOR, visual)
    assert isinstance(revoked, CardRefused) and revoked.problem is CardProblem.REVOKED


async def test_checkups_are_refused_for_a_patient_under_40(db: Database, world: World) -> None:
    audit = DirectAuditLog(db.engine)
    request = WebConsent(ConsentContext.HOUSE_CALL, ALL, world.young_card.read_bytes(), PIN)
    outcome = await register_consent(db, audit, world.anchor, ACTOR, request, IdentityMode.PIN)
    assert isinstance(outcome, CardRefused) and outcome.problem is CardProblem.CONSENT_INVALID
    async with db.read() as conn:
        assert await consents.of_patient(conn, "K:01130012:123:789:00") == []


async def test_facility_sessions_need_the_facility_s_own_live_key(db: Database, world: World) -> None:
    audit = DirectAuditLog(db.engine)
    assert await facility_login(db, audit, CLINIC, world.keys[OTHER], IdentityMode.PIN) is None
    assert await facility_login(db, audit, CLINIC, "onshi_fac_nonsense", IdentityMode.PIN) is None
    token = await facility_login(db, audit, f" {CLINIC} ", world.keys[CLINIC], IdentityMode.VISUAL)
    assert token is not None
    at = now_jst()
    async with db.write() as conn:
        session = await web_sessions.get(conn, token, SessionKind.FACILITY, at)
        assert session is not None and session.identity_mode is IdentityMode.VISUAL
        assert session.facility_name == "さくら在宅クリニック"
        assert await web_sessions.get(conn, token, SessionKind.PATIENT, at) is None
        assert await web_sessions.get(conn, token, SessionKind.FACILITY, at + timedelta(hours=8)) is None
        await apikeys.revoke(conn, session.credential_id or 0)
        assert await web_sessions.get(conn, token, SessionKind.FACILITY, at) is None
        outcomes = (await conn.execute(select(audit_events.c.outcome).where(audit_events.c.action == "consent_web.login"))).scalars()  # fmt: skip
        assert sorted(outcomes) == ["refused:unknown_key", "refused:unknown_key", "signed_in"]


async def test_patient_sign_in_takes_a_fresh_signature_of_a_linked_card(db: Database, world: World) -> None:
    audit = DirectAuditLog(db.engine)
    card = CardFile.load(world.card).unlock_with_pin(PIN)

    async def sign_in(challenge: str, payload: bytes) -> object:
        return await patient_sign_in(
            db, audit, world.anchor, card.certificate_pem, challenge, card.sign(payload), Channel.API
        )

    first = (await patient_challenge(db)).nonce
    unlinked = await sign_in(first, patient_payload(first))
    assert isinstance(unlinked, SignInRefused) and unlinked.problem is CardProblem.NOT_LINKED
    home = WebConsent(ConsentContext.HOME_VISIT, ConsentChoices(), world.card.read_bytes(), PIN)
    assert isinstance(
        await register_consent(db, audit, world.anchor, ACTOR, home, IdentityMode.PIN), CardConfirmed
    )
    assert await sign_in(first, patient_payload(first)) == SignInRefused(CardProblem.CHALLENGE, "")
    second = (await patient_challenge(db)).nonce
    facility_style = auth_payload(second, CLINIC, ConsentChoices().as_flags(), None)
    assert await sign_in(second, facility_style) == SignInRefused(CardProblem.BAD_SIGNATURE, "")
    third = (await patient_challenge(db)).nonce
    session = await sign_in(third, patient_payload(third))
    assert not isinstance(session, SignInRefused)
    async with db.read() as conn:
        found = await web_sessions.get(conn, session.token, SessionKind.PATIENT, now_jst())  # type: ignore[attr-defined]
    assert found is not None and found.person is not None and found.person.number == "456"


async def test_online_care_outcome_is_taken_once_by_its_own_facility(db: Database, world: World) -> None:
    audit = DirectAuditLog(db.engine)
    with pytest.raises(ValueError, match="https"):
        await online.create_session(db, audit, ACTOR, "http://app.example/back", "s")
    created = await online.create_session(db, audit, ACTOR, "https://app.example/back?x=1", "st-1")
    assert await online.fetch(db, audit, ACTOR, created.id) is None  # nothing to take yet
    opened = await online.open_session(db, created.start_token)
    assert opened is not None
    session, browser = opened
    assert await online.open_session(db, created.start_token) is None  # one-time URL
    assert await online.current(db, browser) == session
    assert await online.current(db, "another-browser") is None
    assert online.redirect_url(session) == f"https://app.example/back?x=1&session={created.id}&state=st-1"
    assert await online.finish(db, session, {"status": "completed", "grant_id": 7})
    assert not await online.finish(db, session, {"status": "completed"})  # finished once
    assert await online.current(db, browser) is None
    assert await online.fetch(db, audit, facility_actor(OTHER), created.id) is None  # another facility
    taken = await online.fetch(db, audit, ACTOR, created.id)
    assert taken == {"session": created.id, "state": "st-1", "status": "completed", "grant_id": 7}
    assert await online.fetch(db, audit, ACTOR, created.id) is None  # single use
    async with db.read() as conn:
        stored = await online.online_care.get(conn, created.id)
        outcomes = (await conn.execute(select(audit_events.c.outcome).where(audit_events.c.action == "online_care.fetch").order_by(audit_events.c.id))).scalars()  # fmt: skip
        assert list(outcomes) == [
            "refused:not_available",
            "refused:not_available",
            "fetched",
            "refused:not_available",
        ]
    assert stored is not None and stored.status is Status.FETCHED and stored.outcome is None  # erased

    late = await online.create_session(db, audit, ACTOR, "http://127.0.0.1:9/back", "")
    opened_late = await online.open_session(db, late.start_token)
    assert opened_late is not None
    await online.finish(db, opened_late[0], {"status": "cancelled"})
    async with db.write() as conn:
        later = now_jst() + online.FETCH_WINDOW + timedelta(seconds=1)
        assert (
            await online.online_care.take_outcome(conn, late.id, CLINIC, later, online.FETCH_WINDOW) is None
        )
