"""Public-expense payers, recipients, medical-aid tickets and card links (migration 0010)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.codes import (
    MedicalTreatmentType,
    Presence,
    Sex,
    SingleOrCombined,
    TicketType,
)
from onshi.domain.facility import FacilityType
from onshi.domain.insurer import InsurerNumber
from onshi.domain.linkage import Attribute
from onshi.domain.public_expense import (
    CareSetting,
    CopayTerms,
    Entitlement,
    Identity,
    MedicalTicket,
    Payer,
    PayerNumber,
    PayerRecord,
    RecipientNumber,
)
from onshi.domain.qualification import MemberKey
from onshi.store.dialect import restrict_to_keys, upsert
from onshi.store.schema import (
    public_expense_card_links,
    public_expense_payers,
    public_expense_recipients,
    public_expense_tickets,
)

RecipientKey = tuple[str, str]  # (公費負担者番号, 受給者番号)

_PAYER_DATA = ("name", "programme_name", "participating", "settings", "facility_types",
               "copay_percent", "per_visit_yen", "monthly_cap_yen", "import_id", "updated_at")  # fmt: skip


def _joined(values: Iterable[str] | None) -> str | None:
    return ",".join(values) if values is not None else None


def _terms_values(terms: CopayTerms | None) -> dict[str, int | None]:
    terms = terms or CopayTerms()
    return {
        "copay_percent": terms.percent,
        "per_visit_yen": terms.per_visit_yen,
        "monthly_cap_yen": terms.monthly_cap_yen,
    }


async def save_payers(
    conn: AsyncConnection, rows: Sequence[PayerRecord], import_id: int | None, at: datetime
) -> None:
    if not rows:
        return
    values = [
        {
            "payer_number": row.number.digits,
            "name": row.name,
            "programme_name": row.programme_name,
            "participating": row.participating,
            "settings": _joined(sorted(s.value for s in row.settings) if row.settings else None),
            "facility_types": _joined(
                sorted(t.value for t in row.facility_types) if row.facility_types is not None else None
            ),
            **_terms_values(row.terms),
            "import_id": import_id,
            "created_at": at,
            "updated_at": at,
        }
        for row in rows
    ]
    await conn.execute(upsert(conn, public_expense_payers, ["payer_number"], _PAYER_DATA), values)


def _terms(row: Any) -> CopayTerms | None:
    terms = CopayTerms(row.copay_percent, row.per_visit_yen, row.monthly_cap_yen)
    return None if terms == CopayTerms() else terms


def _payer(row: Any) -> Payer:
    return _record(row).payer()


def _record(row: Any) -> PayerRecord:
    settings = frozenset(CareSetting(v) for v in row.settings.split(",")) if row.settings else None
    types = (
        frozenset(FacilityType(v) for v in row.facility_types.split(",") if v)
        if row.facility_types is not None
        else None
    )
    return PayerRecord(
        PayerNumber(row.payer_number), row.name, row.participating, row.programme_name, _terms(row), settings, types
    )  # fmt: skip


async def payers(conn: AsyncConnection, numbers: Iterable[str] | None = None) -> dict[str, Payer]:
    """Payers by number (every payer when `numbers` is None)."""
    query = select(public_expense_payers)
    if numbers is not None:
        wanted = sorted(set(numbers))
        if not wanted:
            return {}
        query = query.where(public_expense_payers.c.payer_number.in_(wanted))
    return {row.payer_number: _payer(row) for row in await conn.execute(query)}


# --- recipients ---------------------------------------------------------------------------------

_RECIPIENT_KEY = ("payer_number", "recipient_number", "valid_from")


def recipient_values(entitlement: Entitlement, import_id: int | None, line: int | None, at: datetime) -> dict[str, Any]:  # fmt: skip
    person, insured = entitlement.identity, entitlement.insured
    return {
        "payer_number": entitlement.payer.number.digits,
        "recipient_number": entitlement.recipient.digits,
        "valid_from": entitlement.valid_from,
        "valid_to": entitlement.valid_to,
        "name": person.name,
        "name_kana": person.name_kana,
        "birthdate": person.birthdate,
        "sex": person.sex.value,
        "address": person.address,
        "post_number": person.post_number,
        "insurer_number": insured.insurer_number.digits if insured else None,
        "symbol": insured.symbol if insured else None,
        "number": insured.number if insured else None,
        "branch": (insured.branch or "") if insured else None,
        "individual_key": entitlement.individual_key,
        **_terms_values(entitlement.terms),
        "income_category": entitlement.income_category,
        "import_id": import_id,
        "import_line": line,
        "recorded_at": at,
    }


async def save_recipients(conn: AsyncConnection, values: Sequence[dict[str, Any]]) -> None:
    if values:
        changing = [c for c in values[0] if c not in _RECIPIENT_KEY]
        await conn.execute(upsert(conn, public_expense_recipients, _RECIPIENT_KEY, changing), list(values))


def _member(row: Any) -> MemberKey | None:
    if row.insurer_number is None:
        return None
    return MemberKey(InsurerNumber(row.insurer_number), row.symbol or "", row.number, row.branch or None)


def _entitlement(row: Any, payer: Payer) -> Entitlement:
    identity = Identity(row.name, row.name_kana, row.birthdate, Sex(row.sex), row.address, row.post_number)
    return Entitlement(
        payer, RecipientNumber(row.recipient_number), row.valid_from, row.valid_to, identity,
        _terms(row) or CopayTerms(), _member(row), row.individual_key, row.income_category,
    )  # fmt: skip


async def _entitlements(conn: AsyncConnection, *where: Any) -> list[Entitlement]:
    rows = (await conn.execute(select(public_expense_recipients).where(*where))).all()
    known = await payers(conn, (row.payer_number for row in rows))
    return [_entitlement(row, known[row.payer_number]) for row in rows]


async def of_people(
    conn: AsyncConnection, members: Sequence[MemberKey], individual_keys: Sequence[str] = ()
) -> list[Entitlement]:
    """Every entitlement (any period) of these insured people, by card key or individual key.

    Two key joins rather than one `… IN (…) OR … IN (…)`: a batch chunk asks for hundreds of
    people, and SQLAlchemy renders an expanded IN list of that size slower than PostgreSQL
    runs the lookups (restrict_to_keys binds each key column as one array)."""
    t = public_expense_recipients.c
    everything = select(public_expense_recipients)
    queries = []
    if members:
        keys = [(m.insurer_number.digits, m.symbol, m.number, m.branch or "") for m in set(members)]
        columns = (t.insurer_number, t.symbol, t.number, t.branch)
        queries.append(restrict_to_keys(conn, everything, columns, keys))
    if individual_keys:
        wanted = [(key,) for key in sorted(set(individual_keys))]
        queries.append(restrict_to_keys(conn, everything, (t.individual_key,), wanted))
    rows: dict[int, Any] = {}
    for query in queries:
        for row in await conn.execute(query):
            rows.setdefault(row.id, row)  # a row found by both keys once
    known = await payers(conn, (row.payer_number for row in rows.values()))
    return [_entitlement(row, known[row.payer_number]) for row in rows.values()]


async def of_recipient(conn: AsyncConnection, payer: str, recipient: str) -> list[Entitlement]:
    """Every period of one recipient under one payer."""
    t = public_expense_recipients.c
    return await _entitlements(conn, t.payer_number == payer, t.recipient_number == recipient)


async def of_recipients(conn: AsyncConnection, keys: Sequence[RecipientKey]) -> list[Entitlement]:
    if not keys:
        return []
    t = public_expense_recipients.c
    return await _entitlements(conn, tuple_(t.payer_number, t.recipient_number).in_(sorted(set(keys))))


async def uninsured_born_on(conn: AsyncConnection, birthdate: date) -> list[Entitlement]:
    """Recipients with no health-insurance card key born on `birthdate` (card registration)."""
    t = public_expense_recipients.c
    return await _entitlements(conn, t.birthdate == birthdate, t.insurer_number.is_(None))


async def known_recipients(conn: AsyncConnection, keys: Sequence[RecipientKey]) -> set[RecipientKey]:
    if not keys:
        return set()
    t = public_expense_recipients.c
    query = select(t.payer_number, t.recipient_number).where(
        tuple_(t.payer_number, t.recipient_number).in_(sorted(set(keys)))
    )
    return {(row.payer_number, row.recipient_number) for row in await conn.execute(query)}


# --- medical-aid tickets ------------------------------------------------------------------------

TICKET_KEY = ("payer_number", "recipient_number", "treatment_month", "facility_code", "ticket_type")


def _lines(values: Sequence[str]) -> str | None:
    return "\n".join(values) if values else None


def ticket_values(ticket: MedicalTicket, import_id: int | None, at: datetime) -> dict[str, Any]:
    def code(value: Any) -> str | None:
        return value.value if value is not None else None

    return {
        "payer_number": ticket.payer.digits,
        "recipient_number": ticket.recipient.digits,
        "treatment_month": ticket.month,
        "ticket_type": ticket.ticket_type.value,
        "facility_code": ticket.facility_code,
        "facility_name": ticket.facility_name,
        "valid_from": ticket.valid_from,
        "valid_to": ticket.valid_to,
        "issue_number": ticket.issue_number,
        "treatment_type": ticket.treatment_type.value,
        "self_pay_yen": ticket.self_pay_yen,
        "injury_names": _lines(ticket.injury_names),
        "prescriber_code": ticket.prescriber_code,
        "prescriber_name": ticket.prescriber_name,
        "district_contact": ticket.district_contact,
        "handling_contact": ticket.handling_contact,
        "single_or_combined": code(ticket.single_or_combined),
        "social_insurance": code(ticket.social_insurance),
        "infection": code(ticket.infection),
        "elderly_care": code(ticket.elderly_care),
        "prefectural": code(ticket.prefectural),
        "remarks": _lines(ticket.remarks),
        "import_id": import_id,
        "recorded_at": at,
    }


async def save_tickets(conn: AsyncConnection, values: Sequence[dict[str, Any]]) -> None:
    if values:
        changing = [c for c in values[0] if c not in TICKET_KEY]
        await conn.execute(upsert(conn, public_expense_tickets, TICKET_KEY, changing), list(values))


def _ticket(row: Any) -> MedicalTicket:
    def presence(value: str | None) -> Presence | None:
        return Presence(value) if value else None

    return MedicalTicket(
        PayerNumber(row.payer_number), RecipientNumber(row.recipient_number), TicketType(row.ticket_type),
        row.treatment_month, row.valid_from, row.valid_to, row.issue_number, row.facility_code,
        row.facility_name, MedicalTreatmentType(row.treatment_type), row.self_pay_yen,
        tuple(row.injury_names.split("\n")) if row.injury_names else (), row.prescriber_code,
        row.prescriber_name, row.district_contact, row.handling_contact,
        SingleOrCombined(row.single_or_combined) if row.single_or_combined else None,
        presence(row.social_insurance), presence(row.infection), presence(row.elderly_care),
        presence(row.prefectural), tuple(row.remarks.split("\n")) if row.remarks else (),
    )  # fmt: skip


_TICKET_ORDER = (public_expense_tickets.c.treatment_month, public_expense_tickets.c.facility_code,
                 public_expense_tickets.c.ticket_type)  # fmt: skip


async def tickets_covering(conn: AsyncConnection, keys: Sequence[RecipientKey], day: date) -> list[MedicalTicket]:  # fmt: skip
    """The recipients' tickets valid on `day`, any facility."""
    if not keys:
        return []
    t = public_expense_tickets.c
    query = (
        select(public_expense_tickets)
        .where(tuple_(t.payer_number, t.recipient_number).in_(sorted(set(keys))), t.valid_from <= day, t.valid_to >= day)
        .order_by(*_TICKET_ORDER)
    )  # fmt: skip
    return [_ticket(row) for row in await conn.execute(query)]


async def tickets_for_facility(conn: AsyncConnection, facility_code: str, month: date) -> list[MedicalTicket]:
    """The tickets naming this facility for the treatment month (OQSmutic)."""
    t = public_expense_tickets.c
    query = (
        select(public_expense_tickets)
        .where(t.facility_code == facility_code, t.treatment_month == month)
        .order_by(t.payer_number, t.recipient_number, t.ticket_type)
    )
    return [_ticket(row) for row in await conn.execute(query)]


# --- cards of recipients with no health insurance -------------------------------------------------


async def card_recipient(conn: AsyncConnection, serial: str) -> RecipientKey | None:
    t = public_expense_card_links.c
    row = (
        await conn.execute(select(t.payer_number, t.recipient_number).where(t.certificate_serial == serial))
    ).first()
    return (row.payer_number, row.recipient_number) if row else None


async def link_card(
    conn: AsyncConnection,
    serial: str,
    recipient: RecipientKey,
    checked: Sequence[Attribute],
    unverified: Sequence[Attribute],
    facility_code: str | None,
    at: datetime,
) -> None:
    """Raises IntegrityError when the certificate is already linked (one card, one person)."""
    await conn.execute(
        public_expense_card_links.insert().values(
            certificate_serial=serial, payer_number=recipient[0], recipient_number=recipient[1],
            linked_at=at, facility_code=facility_code,
            checked=",".join(a.value for a in checked), unverified=",".join(a.value for a in unverified),
        )
    )  # fmt: skip


async def counts(conn: AsyncConnection) -> dict[str, int]:
    """Rows per table (for reports and tests)."""
    found = {}
    for table in (public_expense_payers, public_expense_recipients, public_expense_tickets):
        found[table.name] = int((await conn.execute(select(func.count()).select_from(table))).scalar_one())
    return found
