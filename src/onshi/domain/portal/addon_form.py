"""The fee add-on calculator's form (the portal page and API): a clinic's or pharmacy's own
numbers, read into `addons.Visits`. Counts are per day (clinics, as in the seed's model) or per
month (pharmacies); the card holding rate is a percentage."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation

from onshi.domain.dates import today_jst
from onshi.domain.errors import Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.addons import Period, Visits
from onshi.domain.portal.fields import Reader

MAX_PATIENTS = 1_000_000


def read_visits(values: Mapping[str, object], today: date | None = None) -> tuple[Visits, date]:
    """Raises FormInvalid with every refused field."""
    form = Reader(values)
    kind = form.choice("facility_type", FacilityType, "施設の種類")
    per = form.choice("per", Period, "患者数の単位", required=False) or Period.DAY
    pharmacy = kind is FacilityType.PHARMACY
    visits = Visits(
        facility_type=kind or FacilityType.MEDICAL_CLINIC,
        per=per,
        first_visits=0 if pharmacy else _count(form, "first_visits", "初診の患者数"),
        revisits=0 if pharmacy else _count(form, "revisits", "再診の患者数（月の初回）"),
        pharmacy_patients=_count(form, "patients", "調剤の患者数（月の初回）") if pharmacy else 0,
        days_per_month=form.integer("days_per_month", "月の診療日数", 1, 31) if per is Period.DAY else None,
        card_rate_percent=_rate(form),
        online_claims=form.flag("online_claims"),
        operating=form.flag("operating"),
    )
    as_of = form.day("as_of", "基準日") or today or today_jst()
    form.done()
    return visits, as_of


def _count(form: Reader, name: str, label_ja: str) -> int:
    return form.integer(name, label_ja, 0, MAX_PATIENTS, required=False) or 0


def _rate(form: Reader) -> Decimal:
    text = form.raw("card_rate").rstrip("%").strip()
    try:
        rate = Decimal(text) if text else Decimal(0)
    except InvalidOperation:
        rate = Decimal(-1)
    if not rate.is_finite() or not Decimal(0) <= rate <= Decimal(100) or len(text) > 12:
        form.refuse(
            "card_rate",
            Problem.BAD_FORMAT,
            "マイナンバーカード保持率は0～100（%）です",
            "the rate is 0–100 %",
        )
        return Decimal(0)
    return rate
