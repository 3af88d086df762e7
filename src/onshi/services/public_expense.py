"""Public expense in confirmations: what an insured person's result lists, and the medical aid of
a person without health insurance.

`findings_of` is what every confirmation of a valid qualification asks (card, numbers, 再照会,
batches): the person's entitlements valid on the day — found by their card key or their
individual key — and the tickets of their medical aid. One query for any number of people,
and a second only when one of them is on medical aid.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.ext.asyncio import AsyncConnection

from onshi.domain.codes import Validity
from onshi.domain.eligibility import NumberQuery, Verdict, decide, successor_lookup, with_successors
from onshi.domain.public_expense import Entitlement, Findings, findings_on
from onshi.domain.qualification import MemberKey, Qualification
from onshi.store import public_expense as store
from onshi.store import qualifications
from onshi.store.database import Database


async def findings_for(
    conn: AsyncConnection, people: Sequence[Qualification], on: date, facility_code: str | None
) -> dict[MemberKey, Findings]:
    """Each person's public expense on `on` (people with none are left out)."""
    individuals = [q.individual_key for q in people if q.individual_key]
    entitlements = await store.of_people(conn, [q.key for q in people], individuals)
    if not entitlements:
        return {}
    aid = [e.key for e in entitlements if e.payer.is_medical_aid and e.is_valid_on(on)]
    tickets = await store.tickets_covering(conn, aid, on)
    found = {}
    for q in people:
        mine = [e for e in entitlements if _belongs(e, q)]
        findings = findings_on(mine, tickets, on, facility_code)
        if findings:
            found[q.key] = findings
    return found


def _belongs(entitlement: Entitlement, person: Qualification) -> bool:
    if entitlement.insured == person.key:
        return True
    return person.individual_key is not None and entitlement.individual_key == person.individual_key


async def findings_of(db: Database, verdict: Verdict, on: date, facility_code: str | None) -> dict[MemberKey, Findings]:  # fmt: skip
    """The public expense of a verdict's valid qualification (nothing for other verdicts)."""
    if verdict.validity is not Validity.VALID or not verdict.results:
        return {}
    async with db.read() as conn:
        return await findings_for(conn, verdict.results, on, facility_code)


@dataclass(frozen=True, slots=True)
class MedicalAid:
    """A person on medical aid without health insurance, as a confirmation finds them."""

    aid: Entitlement  # the period valid on the day, else the latest one
    findings: Findings

    @property
    def valid(self) -> bool:
        return self.findings.medical_aid is not None


async def medical_aid_of(
    conn: AsyncConnection, periods: Sequence[Entitlement], on: date, facility_code: str | None
) -> MedicalAid | None:
    """The medical aid of the recipient whose periods (one payer and recipient number) are given,
    with every other entitlement of the same individual; None when they are not medical aid (or
    their welfare office is not in online confirmation)."""
    aid_periods = [p for p in periods if p.payer.is_medical_aid and p.payer.participating]
    if not aid_periods:
        return None
    current = [p for p in aid_periods if p.is_valid_on(on)]
    aid = max(current or aid_periods, key=lambda p: p.valid_from)
    others = await store.of_people(conn, [], [aid.individual_key] if aid.individual_key else [])
    every = {(e.key, e.valid_from): e for e in (*periods, *others)}
    tickets = await store.tickets_covering(conn, [aid.key], on)
    return MedicalAid(aid, findings_on(every.values(), tickets, on, facility_code))


async def insurance_verdict(conn: AsyncConnection, entitlement: Entitlement, on: date) -> Verdict | None:
    """The verdict on the health insurance the payer linked the recipient to, if any."""
    member = entitlement.insured
    if member is None:
        return None
    family = await qualifications.family(conn, member.insurer_number, member.symbol, member.number)
    query = NumberQuery(member.insurer_number, member.symbol, member.number, member.branch,
                        entitlement.identity.birthdate, on)  # fmt: skip
    verdict = decide(query, family)
    if lookup := successor_lookup(verdict):
        verdict = with_successors(verdict, await qualifications.successors(conn, lookup))
    return verdict
