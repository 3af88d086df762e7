"""The generated people look like Japan's insured population (with tolerances)."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import date

from onshi.domain.dates import age_on
from onshi.domain.insured import parse_symbol
from onshi.domain.insurer import InsurerKind
from onshi.domain.prefectures import PREFECTURES
from onshi.domain.qualification import Qualification, elderly_recipient_start, is_preschool
from onshi.seed._calendar import anniversary
from onshi.seed.places import PREFECTURE_POPULATION
from tests.seed.conftest import AS_OF, Population

GAIJI = re.compile("[髙﨑\U00020bb7邊邉齋齊\U000e0100-\U000e01ef]")
HALF_WIDTH_KANA = re.compile("[\uff66-\uff9f]")


def _share(counter: Counter[str], key: str) -> float:
    return counter[key] / sum(counter.values())


def test_insurer_mix_by_members(population: Population) -> None:
    kinds = Counter(q.key.insurer_number.kind.value for _, q in population.valid_on_as_of())
    expected = {
        InsurerKind.KYOKAI_KENPO: 0.32,
        InsurerKind.KENPO_KUMIAI: 0.23,
        InsurerKind.KOKUHO: 0.20,
        InsurerKind.KOUKI_KOUREI: 0.15,
        InsurerKind.KYOSAI: 0.07,
        InsurerKind.KOKUHO_KUMIAI: 0.02,
    }
    for kind, share in expected.items():
        assert abs(_share(kinds, kind.value) - share) < max(0.02, share * 0.12), (kind, kinds)
    assert 0 < kinds[InsurerKind.JIEIKAN.value] < kinds[InsurerKind.KOKUHO_KUMIAI.value]
    assert 0 < kinds[InsurerKind.SENIN.value] < kinds[InsurerKind.JIEIKAN.value] * 3


def test_age_pyramid(population: Population) -> None:
    ages = [age_on(q.birthdate, AS_OF) for _, q in population.valid_on_as_of()]

    def share(low: int, high: int) -> float:
        return sum(low <= age <= high for age in ages) / len(ages)

    assert 0.09 < share(0, 14) < 0.14  # 2023: 11.4 %
    assert 0.56 < share(15, 64) < 0.63  # 59.5 %
    assert 0.12 < share(70, 74) + share(65, 69) < 0.16  # 13.3 %
    assert 0.13 < share(75, 200) < 0.18  # 15.9 %
    assert max(ages) >= 95


def test_everyone_75_and_over_is_in_late_elderly_care(population: Population) -> None:
    for raw, q in population.valid_on_as_of():
        late = q.key.insurer_number.kind is InsurerKind.KOUKI_KOUREI
        assert late == (age_on(q.birthdate, AS_OF) >= 75), raw
        if late:
            assert raw["insured_card_symbol"] == "" and raw["insured_branch_number"] == ""
            assert raw["insured_partial_contribution_ratio"] in ("010", "020", "030")
            assert q.qualification_date >= min(anniversary(q.birthdate, 75), date(2008, 4, 1))
    ratios = Counter(
        raw["insured_partial_contribution_ratio"] for raw, q in population.valid_on_as_of() if q.copay_percent
    )
    assert 0.80 < _share(ratios, "010") < 0.90
    assert 0.07 < _share(ratios, "020") < 0.13
    assert 0.03 < _share(ratios, "030") < 0.08


def test_elderly_recipient_certificates_at_70_to_74(population: Population) -> None:
    ratios: Counter[int] = Counter()
    for raw, q in population.valid_on_as_of():
        age = age_on(q.birthdate, AS_OF)
        if q.elderly is not None:
            assert q.elderly.valid_from is not None and q.elderly.valid_to is not None
            assert q.elderly.valid_from >= max(elderly_recipient_start(q.birthdate), q.qualification_date)
            assert q.elderly.valid_to < anniversary(q.birthdate, 75)
            ratios[q.elderly.copay_percent or 0] += 1
        assert (q.elderly is not None) == (70 <= age < 75), raw
    assert set(ratios) == {20, 30}
    assert 0.05 < ratios[30] / sum(ratios.values()) < 0.16


def test_children_before_school_age_are_flagged(population: Population) -> None:
    flagged = 0
    for _, q in population.valid_on_as_of():
        assert q.preschool == is_preschool(q.birthdate, AS_OF)
        flagged += q.preschool
    assert flagged > 200


def test_employee_insurance_families_share_one_card(population: Population) -> None:
    cards: dict[tuple[str, str, str], list[tuple[dict[str, str], Qualification]]] = defaultdict(list)
    for raw, q in population.valid_on_as_of():
        if q.key.insurer_number.kind.is_employee_insurance:
            cards[(q.key.insurer_number.digits, q.key.symbol, q.key.number)].append((raw, q))
    families = [members for members in cards.values() if len(members) > 1]
    assert len(families) > 0.25 * len(cards)
    for members in cards.values():
        insured = [q for _, q in members if q.personal_family is not None and q.personal_family.value == "1"]
        assert len(insured) == 1
        assert insured[0].key.branch == "00"
        assert {q.insured_name for _, q in members} == {insured[0].name}
        assert len({q.key.branch for _, q in members}) == len(members)
        assert len({raw["insured_card_symbol"] for raw, _ in members}) == 1  # written alike on every row
    children = [
        age_on(q.birthdate, AS_OF)
        for members in families
        for _, q in members
        if q.personal_family.value == "2"
    ]
    assert min(children) == 0 and max(children) < 75


def test_national_health_insurance_households(population: Population) -> None:
    households: dict[tuple[str, str, str], list[Qualification]] = defaultdict(list)
    for q in population.qualifications:  # every period: the 世帯主 may have died since
        if q.key.insurer_number.kind is InsurerKind.KOKUHO:
            households[(q.key.insurer_number.digits, q.key.symbol, q.key.number)].append(q)
    assert sum(len(members) > 1 for members in households.values()) > 0.2 * len(households)
    for members in households.values():
        head = next(q for q in members if q.key.branch == "01")
        assert all(q.insured_name == head.name for q in members)
        assert len({q.key.branch for q in members}) == len(members)
    assert any(re.search("[一-龥]", symbol) for _, symbol, _ in households)  # kanji 記号 (新宿, 札幌 …)


def test_card_numbers_are_written_in_several_ways(population: Population) -> None:
    symbols = [row["insured_card_symbol"] for row in population.rows if row["insured_card_symbol"]]
    assert any(re.search("[０-９]", s) for s in symbols)
    assert any(" " in s or "\u3000" in s for s in symbols)
    assert any(re.search("[－ー‐−]", s) for s in symbols)
    assert any(re.fullmatch(r"\d+-\d+", s) for s in symbols)
    assert any(row["insurer_number"].startswith("  ") for row in population.rows)
    for symbol in symbols:
        assert parse_symbol(symbol) == parse_symbol(parse_symbol(symbol))


def test_job_changers_keep_their_key_and_start_anew_on_the_loss_date(population: Population) -> None:
    by_person: dict[str, list[Qualification]] = defaultdict(list)
    for q in population.qualifications:
        by_person[q.individual_key or ""].append(q)
    changers = 0
    for qualifications in by_person.values():
        for q in qualifications:
            if q.reason_of_loss is not None and q.reason_of_loss.value == "03":
                newer = [n for n in qualifications if n.qualification_date == q.disqualification_date]
                assert len(newer) == 1 and newer[0].key.insurer_number != q.key.insurer_number
                changers += 1
    persons_changing = sum(
        any(q.reason_of_loss is not None and q.reason_of_loss.value == "03" for q in qs)
        for qs in by_person.values()
    )
    assert 0.035 < persons_changing / len(by_person) < 0.07
    assert changers == persons_changing


def test_other_ways_to_lose_coverage(population: Population) -> None:
    reasons = Counter(q.reason_of_loss.value for q in population.qualifications if q.reason_of_loss)
    assert reasons["01"] > 50 and reasons["02"] > 5 and reasons["99"] > 20
    deaths = [q for q in population.qualifications if q.reason_of_loss and q.reason_of_loss.value == "01"]
    assert sum(age_on(q.birthdate, AS_OF) >= 75 for q in deaths) > 0.7 * len(deaths)
    starts = {(q.individual_key, q.qualification_date) for q in population.qualifications}
    lost_for_good = [
        q
        for q in population.qualifications
        if q.reason_of_loss
        and q.reason_of_loss.value == "99"
        and (q.individual_key, q.disqualification_date) not in starts
    ]
    assert lost_for_good
    persons = {q.individual_key for q in population.qualifications}
    covered = {q.individual_key for _, q in population.valid_on_as_of()}
    assert 0.95 < len(covered) / len(persons) < 0.995
    future = [q for q in population.qualifications if q.qualification_date > AS_OF]
    assert 0 < len(future) < 0.02 * len(persons)


def test_limit_and_specific_disease_certificates(population: Population) -> None:
    valid = population.valid_on_as_of()
    limits = [q for _, q in valid if q.limit is not None]
    assert 0.015 < len(limits) / len(valid) < 0.05
    for q in limits:
        assert q.limit is not None and q.limit.category is not None
        assert q.limit.category.value[0] == ("B" if age_on(q.birthdate, AS_OF) >= 70 else "A")
    diseases = [q for _, q in valid if q.specific_diseases]
    assert 0.001 < len(diseases) / len(valid) < 0.006
    categories = Counter(c.category.value for q in diseases for c in q.specific_diseases)
    assert categories["1"] > 0.7 * sum(categories.values())
    assert {c.self_pay_limit_yen for q in diseases for c in q.specific_diseases} <= {10000, 20000}
    assert any(len(q.specific_diseases) > 1 for q in population.qualifications)


def test_names_with_gaiji_and_variation_sequences_survive_the_feed(population: Population) -> None:
    for raw, accepted in zip(population.rows, population.qualifications, strict=True):
        assert accepted.name == raw["name"]
        assert accepted.name.encode("utf-8") == raw["name"].encode("utf-8")
    gaiji = [row["name"] for row in population.rows if GAIJI.search(row["name"])]
    assert 0.005 < len(gaiji) / len(population.rows) < 0.02
    assert any("\U00020bb7" in name for name in gaiji)
    assert any(re.search("[\U000e0100-\U000e01ef]", name) for name in gaiji)


def test_names_and_readings(population: Population) -> None:
    half_width = sum(bool(HALF_WIDTH_KANA.search(row["name_kana"])) for row in population.rows)
    assert 0.06 < half_width / len(population.rows) < 0.14
    for row in population.rows:
        assert row["name"].count("\u3000") >= 1 and " " not in row["name"]
        assert " " in row["name_kana"] and "\u3000" not in row["name_kana"]
    for q in population.qualifications:  # half-width readings fold to full-width katakana
        assert re.fullmatch("[ァ-ヴー]+( [ァ-ヴー]+)+", q.name_kana), q.name_kana
    sexes = Counter(row["sex1"] for row in population.rows)
    assert sexes["3"] < 20 and 0.45 < sexes["2"] / len(population.rows) < 0.56


def test_addresses_follow_the_population(population: Population) -> None:
    prefectures: Counter[str] = Counter()
    for raw, q in population.valid_on_as_of():
        assert re.fullmatch(r"\d{3}-\d{4}", raw["post_number"])
        name = next(p.name_ja for p in PREFECTURES if raw["address"].startswith(p.name_ja))
        prefectures[name] += 1
        if q.key.insurer_number.kind in (InsurerKind.KOKUHO, InsurerKind.KOUKI_KOUREI):
            assert PREFECTURES[int(q.key.insurer_number.prefecture_code) - 1].name_ja == name
    tokyo = PREFECTURE_POPULATION[12] / sum(PREFECTURE_POPULATION)
    assert abs(_share(prefectures, "東京都") - tokyo) < 0.015
    assert len(prefectures) == 47
