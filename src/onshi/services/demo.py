"""The demo: a seeded central on an embedded SQLite file, a demo clinic and example patients."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Row, Select, and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi import wire
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.dates import format_wire_date, today_jst
from onshi.domain.facility import Facility, FacilityCode, FacilityType
from onshi.domain.insurer import InsurerNumber
from onshi.domain.linkage import CardSurface
from onshi.domain.qualification import MemberKey
from onshi.services import card_issuance
from onshi.services.demo_clinical import seed_demo_clinical
from onshi.store import apikeys, facilities
from onshi.store.audit import AuditLog
from onshi.store.database import Database
from onshi.store.schema import qualifications
from onshi.wire.qualification import search_info

DEMO_FACILITY = Facility(
    FacilityCode("1319900019"), "オンシ・デモ診療所", FacilityType.MEDICAL_CLINIC, accepts_smartphone=True
)


@dataclass(frozen=True, slots=True)
class Example:
    label: str
    expected: str  # the validity code the demo should show
    insurer_number: str
    symbol: str
    number: str
    branch: str | None
    birthdate: date


async def is_seeded(db: Database) -> bool:
    async with db.read() as conn:
        return bool((await conn.execute(select(func.count()).select_from(qualifications))).scalar_one())


async def demo_facility_key(db: Database) -> str:
    """Register the demo clinic (idempotent) and issue a fresh API key for this run."""
    async with db.write() as conn:
        await facilities.save(conn, [DEMO_FACILITY])
        key, _ = await apikeys.create(conn, ActorKind.FACILITY, DEMO_FACILITY.code.digits, "demo")
    return key.secret


def _example(label: str, expected: str, row: Row[Any]) -> Example:
    return Example(
        label, expected, row.insurer_number, row.symbol, row.number, row.branch or None, row.birthdate
    )


async def examples(db: Database, on: date) -> list[Example]:
    """A valid patient, a lost one, a job changer with a newer qualification, and unknown numbers."""
    q, later = qualifications, qualifications.alias("later")
    has_newer = exists().where(
        and_(
            later.c.individual_key == q.c.individual_key, later.c.qualification_date > q.c.qualification_date
        )
    )
    columns = (q.c.insurer_number, q.c.symbol, q.c.number, q.c.branch, q.c.birthdate)
    base = select(*columns).where(q.c.symbol != "").order_by(*columns).limit(1)
    async with db.read() as conn:
        valid = await _first(
            conn, base.where(q.c.disqualification_date.is_(None), q.c.qualification_date <= on)
        )
        lost = await _first(conn, base.where(q.c.disqualification_date <= on, ~has_newer))
        changed = await _first(conn, base.where(q.c.disqualification_date <= on, has_newer))
    found: list[Example] = []
    if valid is not None:
        found.append(_example("有効 (valid)", "1", valid))
        unknown = _example("該当資格なし (no such person)", "4", valid)
        found.append(
            Example(
                unknown.label,
                "4",
                unknown.insurer_number,
                unknown.symbol,
                "99999999",
                None,
                unknown.birthdate,
            )
        )
    if lost is not None:
        found.insert(1, _example("無効・資格喪失 (lost)", "2", lost))
    if changed is not None:
        found.insert(2, _example("無効・新しい資格あり (job change)", "3", changed))
    return found


async def _first(conn: AsyncConnection, query: Select[Any]) -> Row[Any] | None:
    row: Row[Any] | None = (await conn.execute(query)).first()
    return row


def _search(example: Example) -> dict[str, Any]:
    return search_info(
        insurer_number=InsurerNumber(example.insurer_number).wire,
        symbol=example.symbol or None,
        number=example.number,
        branch=example.branch,
        birthdate=example.birthdate,
    )


def sample_request(example: Example, on: date, identifier: str) -> bytes:
    """An OQSsiquc01req file for an example patient, as a receipt computer would write it."""
    search = _search(example)
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": format_wire_date(on),
            "MedicalInstitutionCode": DEMO_FACILITY.code.digits,
            "ArbitraryFileIdentifier": identifier,
        },
        "MessageBody": {"QualificationConfirmSearchInfo": search},
    }
    return wire.to_xml(document, wire.MessageKind.SINGLE_INQUIRY_REQUEST, wire.SHIFT_JIS)


def sample_bulk_request(found: list[Example], on: date, identifier: str) -> bytes:
    """An OQSmuquc01req (一括照会) for every example patient, as a receipt computer would
    write the day-before check of its appointment list."""
    people = [
        {**_search(example), "ArbitraryIdentifier": f"appointment-{number}"}
        for number, example in enumerate(found, start=1)
    ]
    document = {
        "MessageHeader": {
            "QualificationConfirmationDate": format_wire_date(on),
            "MedicalInstitutionCode": DEMO_FACILITY.code.digits,
            "ArbitraryFileIdentifier": identifier,
        },
        "MessageBody": {"QualificationConfirmSearchInfo": people},
    }
    return wire.to_xml(document, wire.MessageKind.BULK_INQUIRY_REQUEST, wire.SHIFT_JIS)


DEMO_PIN = "1234"


async def issue_demo_card(db: Database, audit: AuditLog, jlis_dir: Path, out: Path, example: Example) -> bool:
    """A My Number Card (PIN 1234) for the valid example patient, with the card surface of
    the insurer's record, so the reader can be tried at once. False when the record lacks
    what a card surface needs."""
    key = MemberKey(InsurerNumber(example.insurer_number), example.symbol, example.number, example.branch)
    people = await card_issuance.find_person(db, key)
    if len(people) != 1:
        return False
    record = await card_issuance.holder_record(db, people[0])
    if record is None or not record.address:
        return False
    surface = CardSurface(record.name, record.name_kana, record.birthdate, record.sex1, record.address)
    actor = Actor(ActorKind.OPERATOR, "demo", Channel.CLI)
    await card_issuance.issue_card(db, audit, actor, jlis_dir, out, surface, DEMO_PIN, holder=people[0])
    await seed_demo_clinical(db, record, today_jst())
    return True
