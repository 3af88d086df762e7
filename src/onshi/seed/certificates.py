"""Certificate columns of one feed row: 高齢受給者証, 限度額適用認定証, 特定疾病療養受療証.

Every function takes the row's coverage period [start, end) as ordinals and a reference day
`ref` (the day the row describes: today, or the last covered day of a lost row, or the first
day of a row starting in the future), and only writes dates inside that period.
"""

from __future__ import annotations

import random
from datetime import date

from onshi.domain.qualification import elderly_recipient_start
from onshi.seed._calendar import Calendar, anniversary, cycle_end, cycle_start, month_start, months_later_end

Row = dict[str, str]
LIMIT = "limit_application_certificate_"

# (classification, category, weight)
_Table = tuple[tuple[str, str, int], ...]
# Under 70: ア〜エ on 限度額適用認定証 (01), オ on 限度額適用・標準負担額減額認定証 (02).
_UNDER_70: _Table = (
    ("01", "A01", 4),
    ("01", "A02", 8),
    ("01", "A03", 45),
    ("01", "A04", 25),
    ("02", "A05", 16),
    ("02", "A06", 2),
)
# 70–74 and 後期高齢者 with 30 % copay: 現役並みⅢ/Ⅱ/Ⅰ.
_SEVENTY_HIGH: _Table = (("01", "B01", 1), ("01", "B02", 3), ("01", "B03", 6))
# 70–74 otherwise: 一般, 低所得Ⅱ/Ⅰ (and their variants).
_SEVENTY_GENERAL: _Table = (
    ("01", "B04", 2),
    ("02", "B05", 5),
    ("02", "B06", 4),
    ("02", "B07", 1),
    ("02", "B08", 1),
    ("03", "B05", 1),
)
# 後期高齢者 with 20 % copay (一般Ⅱ) and 10 % (一般Ⅰ or 低所得).
_LATE_2: _Table = (("01", "B09", 5), ("02", "B05", 1))
_LATE_1: _Table = (
    ("01", "B10", 2),
    ("02", "B05", 5),
    ("02", "B06", 4),
    ("02", "B07", 1),
    ("02", "B08", 1),
    ("03", "B06", 1),
)


def _weighted(rng: random.Random, table: _Table) -> tuple[str, str]:
    point = rng.random() * sum(weight for _, _, weight in table)
    for classification, category, weight in table:
        point -= weight
        if point < 0:
            return classification, category
    return table[-1][0], table[-1][1]


def elderly(
    row: Row, rng: random.Random, cal: Calendar, birth: date, period: tuple[int, int | None, int], ratio: str
) -> None:
    """高齢受給者証 for people aged 70–74 on the reference day."""
    start, end, ref = period
    if not anniversary(birth, 70).toordinal() <= ref < anniversary(birth, 75).toordinal():
        return
    valid_from = max(elderly_recipient_start(birth).toordinal(), start, cycle_start(ref))
    valid_to = min(cycle_end(valid_from), anniversary(birth, 75).toordinal() - 1)
    if end is not None:
        valid_to = min(valid_to, end - 1)
    if valid_to < valid_from:
        return
    row["elderly_recipient_certificate_date"] = cal.texts[max(start, valid_from - int(rng.random() * 21))]
    row["elderly_recipient_valid_start_date"] = cal.texts[valid_from]
    row["elderly_recipient_valid_end_date"] = cal.texts[valid_to]
    row["elderly_recipient_contribution_ratio"] = ratio


def limit(
    row: Row, rng: random.Random, cal: Calendar, age: int, period: tuple[int, int | None, int], copay: str
) -> None:
    """限度額適用認定証: category A under 70, B from 70 (by copay ratio: 030 現役並み)."""
    start, end, ref = period
    if age < 70:
        table = _UNDER_70
    elif age < 75:
        table = _SEVENTY_HIGH if copay == "030" else _SEVENTY_GENERAL
    else:
        table = {"030": _SEVENTY_HIGH, "020": _LATE_2}.get(copay, _LATE_1)
    classification, category = _weighted(rng, table)
    if age < 70:
        valid_from = max(start, month_start(ref - int(rng.random() * 330)))
        valid_to = months_later_end(valid_from, 11)
    else:
        valid_from = max(start, cycle_start(ref))
        valid_to = cycle_end(valid_from)
    if end is not None:
        valid_to = min(valid_to, end - 1)
    if valid_to < valid_from:
        return
    row[LIMIT + "classification"] = classification
    row[LIMIT + "classification_flag"] = category
    row[LIMIT + "date"] = cal.texts[valid_from]
    row[LIMIT + "valid_start_date"] = cal.texts[valid_from]
    row[LIMIT + "valid_end_date"] = cal.texts[valid_to]
    if classification == "02" and category in ("A05", "B05") and rng.random() < 0.15:
        long_term = (
            month_start(valid_from + 95 + int(rng.random() * 105)) if valid_to > valid_from + 120 else 0
        )
        if valid_from < long_term <= valid_to:
            row[LIMIT + "long_term_date"] = cal.texts[long_term]


def specific_diseases(
    row: Row, rng: random.Random, cal: Calendar, age: int, period: tuple[int, int | None, int]
) -> None:
    """特定疾病療養受療証: mostly dialysis; hemophilia with HIV gives two certificates (joined by |)."""
    start, end, ref = period
    draw = rng.random()
    categories = ("1",) if draw < 0.88 else ("2",) if draw < 0.97 else ("2", "3")
    high_income = categories == ("1",) and age < 70 and rng.random() < 0.3
    issued = max(start, ref - int(rng.random() * 8 * 365))
    valid_to = "" if end is None else cal.texts[end - 1]
    count = len(categories)
    row["specific_diseases_disease_category"] = "|".join(categories)
    row["specific_diseases_certificate_date"] = "|".join([cal.texts[issued]] * count)
    row["specific_diseases_valid_start_date"] = "|".join([cal.texts[issued]] * count)
    if valid_to:
        row["specific_diseases_valid_end_date"] = "|".join([valid_to] * count)
    row["specific_diseases_self_pay"] = "|".join(["20000" if high_income else "10000"] * count)
