"""A synthetic audit trail of facilities' use, month by month — for benchmarks and demos of the
statistics only (it records confirmations that never happened: never run it on a live trail).

Shaped on seed 004 (August 2023): confirmations split between hospitals 6 %, medical clinics
40 %, dental clinics 7 % and pharmacies 47 %; batch entries ≈ 11 % of confirmations, mostly
hospitals; views of medication, treatment and checkup information ≈ 4.6 %; the card's share
grows month by month from `card_share_first` to `card_share_last`. Only facilities operating in
the month confirm. Card users are drawn from the registry's card keys with repeat visits, so
name matching (名寄せ) has work to do; a card confirmation with consent is followed by one or
two views (seed 004: about as many views as card confirmations). Rows are the audit table's columns, in the same action
names, outcomes and detail keys the services write.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import orjson

from onshi.domain.dates import JST
from onshi.domain.facility import FacilityType
from onshi.domain.portal.values import shift_month
from onshi.domain.statistics.usage import BATCH_ACTION, CARD_ACTION, VIEW_ACTION

F = FacilityType
CONFIRMATION_SHARE = {F.HOSPITAL: 0.062, F.MEDICAL_CLINIC: 0.402, F.DENTAL_CLINIC: 0.068, F.PHARMACY: 0.468,
                      F.VISITING_NURSING: 0.004}  # fmt: skip
BATCH_SHARE = {F.HOSPITAL: 0.73, F.MEDICAL_CLINIC: 0.07, F.DENTAL_CLINIC: 0.20, F.PHARMACY: 0.003,
               F.VISITING_NURSING: 0.0}  # fmt: skip
BATCH_PER_CONFIRMATION = 0.115
VIEW_KINDS = ("medication", "treatment", "checkup", "surgery")
VIEW_WEIGHTS = (43, 30, 24, 3)
NUMBER_ACTION = "confirm.numbers"
COLUMNS = ("occurred_at", "actor_kind", "actor_id", "credential_id", "channel", "action", "subject_key", "outcome",
           "detail")  # fmt: skip


@dataclass(frozen=True, slots=True)
class Site:
    code: str
    facility_type: FacilityType
    operating_from: date | None


def _weights(sites: Sequence[Site], rng: random.Random) -> list[float]:
    """Facilities differ in size (a long tail), the type's share split among its facilities."""
    sizes = [rng.lognormvariate(0, 1.0) for _ in range(len(sites))]
    per_type: dict[FacilityType, float] = {}
    for site, size in zip(sites, sizes, strict=True):
        per_type[site.facility_type] = per_type.get(site.facility_type, 0.0) + size
    return [
        CONFIRMATION_SHARE[s.facility_type] * size / per_type[s.facility_type]
        for s, size in zip(sites, sizes, strict=True)
    ]


def month_rows(
    month: date,
    sites: Sequence[Site],
    card_keys: Sequence[str],
    confirmations: int,
    card_share: float,
    seed: int,
    smartphone_share: float = 0.0,
) -> Iterator[tuple[object, ...]]:
    """About `confirmations` confirmations in `month` (plus batch entries and views), as rows."""
    rng = random.Random(f"activity:{seed}:{month.isoformat()}")
    following = shift_month(month, 1)
    operating = [s for s in sites if s.operating_from is not None and s.operating_from < following]
    if not operating or not card_keys:
        return
    weights = _weights(operating, random.Random(f"sizes:{seed}"))
    start = datetime(month.year, month.month, 1, tzinfo=JST)
    seconds = (datetime(following.year, following.month, 1, tzinfo=JST) - start).total_seconds()
    patients = len(card_keys)
    # Each facility sees a circle of regular patients (a stable offset into the registry per
    # facility): a few come often, many once, so 名寄せ matters.
    offsets = [zlib.crc32(site.code.encode()) for site in operating]
    batch_odds = {
        t: BATCH_PER_CONFIRMATION * BATCH_SHARE[t] / CONFIRMATION_SHARE[t] for t in CONFIRMATION_SHARE
    }
    random_, pareto = rng.random, rng.paretovariate
    for index in rng.choices(range(len(operating)), weights=weights, k=confirmations):
        site = operating[index]
        at = start + timedelta(seconds=random_() * seconds)
        subject = card_keys[(offsets[index] + int(pareto(1.2) * 7) * 7919) % patients]
        if random_() < card_share:
            yield from _card_use(rng, site.code, subject, at, smartphone_share)
        else:
            outcome = "validity:1" if random_() < 0.985 else "validity:2"
            yield (at, "facility", site.code, None, "terminal", NUMBER_ACTION, subject, outcome, None)
        if random_() < batch_odds[site.facility_type]:
            yield (at, "facility", site.code, None, "terminal", BATCH_ACTION, subject, "validity:1", None)


def _card_use(
    rng: random.Random, code: str, subject: str, at: datetime, smartphone_share: float
) -> Iterator[tuple[object, ...]]:
    consent = ["treatment"] if rng.random() < 0.6 else []
    form = "smartphone" if rng.random() < smartphone_share else "card"
    detail = {"consent": consent, "certificate": f"{rng.getrandbits(64):016x}", "form_factor": form}
    yield (
        at,
        "facility",
        code,
        None,
        "terminal",
        CARD_ACTION,
        subject,
        "validity:1",
        orjson.dumps(detail).decode(),
    )
    if not consent:
        return
    for kind in rng.choices(VIEW_KINDS, weights=VIEW_WEIGHTS, k=1 + (rng.random() < 0.5)):
        view = orjson.dumps({"kind": kind, "basis": "consent", "shown": rng.randint(1, 20)}).decode()
        yield (
            at + timedelta(seconds=30),
            "facility",
            code,
            None,
            "terminal",
            VIEW_ACTION,
            subject,
            "shown",
            view,
        )


CLAIM_SPLIT = (("kyokai_kenpo", 0.34), ("kenpo_kumiai", 0.22), ("kokuho", 0.22), ("kouki_kourei", 0.17),
               ("jieikan", 0.01), ("public_expense", 0.04))  # fmt: skip


def claim_rows(billing_month: date, visits: dict[str, int], seed: int) -> Iterator[dict[str, str]]:
    """The claims feed of a billing month (docs/statistics.md): per facility, outpatient claims
    split over insurer kinds — about three claims for every four visits of the month before."""
    rng = random.Random(f"claims:{seed}:{billing_month.isoformat()}")
    month = f"{billing_month.year:04d}-{billing_month.month:02d}"
    for code, count in sorted(visits.items()):
        total = max(1, int(count * rng.uniform(0.65, 0.85)))
        for kind, share in CLAIM_SPLIT:
            if (claims := round(total * share)) > 0:
                yield {
                    "facility_code": code,
                    "billing_month": month,
                    "insurer_kind": kind,
                    "outpatient_claims": str(claims),
                }
