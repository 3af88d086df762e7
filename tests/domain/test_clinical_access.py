"""The gate to clinical records: tries to get around it, by example and by hypothesis."""

from dataclasses import replace
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from onshi.domain.clinical import RecordKind
from onshi.domain.clinical_access import (
    AccessRefused,
    Basis,
    Refusal,
    ViewPermit,
    authorise_reinquiry,
    authorise_view,
)
from onshi.domain.consent import ConsentContext, ConsentItem
from onshi.domain.consent_grants import ConsentGrant
from onshi.domain.dates import JST
from onshi.domain.disaster import DisasterDeclaration

FACILITY, OTHER = "1310000017", "2710000019"
PATIENT = "P:alice"
GIVEN = datetime(2026, 3, 2, 9, 0, tzinfo=JST)
ADULT, YOUNG = date(1970, 5, 5), date(2000, 5, 5)


def grant(**changes: object) -> ConsentGrant:
    base = ConsentGrant(
        1, PATIENT, FACILITY, ConsentContext.COUNTER, frozenset(ConsentItem), GIVEN, GIVEN.date()
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def view(kind: RecordKind, grants: list[ConsentGrant], at: datetime = GIVEN, **kw: object) -> ViewPermit:
    args: dict[str, object] = {
        "facility_code": FACILITY,
        "patient": PATIENT,
        "birthdate": ADULT,
        "kind": kind,
        "at": at,
        "grants": grants,
    }
    args.update(kw)
    return authorise_view(**args)  # type: ignore[arg-type]


def refusal(kind: RecordKind, grants: list[ConsentGrant], at: datetime = GIVEN, **kw: object) -> Refusal:
    with pytest.raises(AccessRefused) as refused:
        view(kind, grants, at, **kw)
    return refused.value.refusal


def test_consented_item_gives_a_permit_as_deep_as_the_system_keeps() -> None:
    permit = view(RecordKind.MEDICATION, [grant()])
    assert (permit.basis, permit.grant_id, permit.since) == (Basis.CONSENT, 1, date(2023, 3, 2))
    assert view(RecordKind.CHECKUP, [grant()]).since == date(2021, 3, 2)


def test_refusals_name_the_nearest_miss() -> None:
    assert refusal(RecordKind.MEDICATION, []) is Refusal.NO_CONSENT
    assert refusal(RecordKind.MEDICATION, [grant(facility_code=OTHER)]) is Refusal.NO_CONSENT
    assert refusal(RecordKind.MEDICATION, [grant(patient="P:bob")]) is Refusal.NO_CONSENT
    only_surgery = grant(items=frozenset({ConsentItem.SURGERY}))
    assert refusal(RecordKind.TREATMENT, [only_surgery]) is Refusal.ITEM_NOT_CONSENTED
    assert refusal(RecordKind.SURGERY, [grant()], GIVEN + timedelta(hours=24)) is Refusal.EXPIRED
    assert refusal(RecordKind.SURGERY, [grant(withdrawn_at=GIVEN)]) is Refusal.WITHDRAWN
    assert refusal(RecordKind.CHECKUP, [grant()], birthdate=YOUNG) is Refusal.UNDER_40


def test_a_permit_cannot_be_made_by_hand() -> None:
    with pytest.raises(TypeError):
        ViewPermit(
            PATIENT,
            FACILITY,
            RecordKind.MEDICATION,
            date(2020, 1, 1),
            GIVEN.date(),
            Basis.CONSENT,
            1,
            None,
            object(),
        )


def disaster(**changes: object) -> DisasterDeclaration:
    base = DisasterDeclaration(7, frozenset({"13"}), date(2026, 3, 1), date(2026, 3, 31), "地震", GIVEN, "op")
    return replace(base, **changes)  # type: ignore[arg-type]


def test_disaster_mode_allows_medication_and_treatment_only_in_its_prefectures_and_period() -> None:
    permit = view(RecordKind.MEDICATION, [], disasters=[disaster()])
    assert (permit.basis, permit.disaster_id, permit.grant_id) == (Basis.DISASTER, 7, None)
    assert view(RecordKind.TREATMENT, [], disasters=[disaster()]).basis is Basis.DISASTER
    assert refusal(RecordKind.SURGERY, [], disasters=[disaster()]) is Refusal.NO_CONSENT
    assert refusal(RecordKind.CHECKUP, [], disasters=[disaster()]) is Refusal.NO_CONSENT
    assert (
        refusal(RecordKind.MEDICATION, [], facility_code=OTHER, disasters=[disaster()]) is Refusal.NO_CONSENT
    )
    after = datetime(2026, 4, 1, tzinfo=JST)
    assert refusal(RecordKind.MEDICATION, [], after, disasters=[disaster()]) is Refusal.NO_CONSENT
    cancelled = disaster(cancelled_at=GIVEN - timedelta(hours=1))
    assert refusal(RecordKind.MEDICATION, [], disasters=[cancelled]) is Refusal.NO_CONSENT


def test_consent_wins_over_disaster_so_the_log_says_consent() -> None:
    assert view(RecordKind.MEDICATION, [grant()], disasters=[disaster()]).basis is Basis.CONSENT


HOME = grant(context=ConsentContext.HOME_VISIT, first_visit=date(2026, 3, 2))


@pytest.mark.parametrize(
    ("at", "care", "allowed"),
    [
        (datetime(2026, 6, 30, 23, 59, tzinfo=JST), [], True),  # last day of the 3rd month after
        (datetime(2026, 7, 1, 0, 0, tzinfo=JST), [], False),  # the day after
        (datetime(2026, 7, 1, 0, 0, tzinfo=JST), [date(2026, 4, 5)], True),  # April care: July too
        (datetime(2026, 8, 1, 0, 0, tzinfo=JST), [date(2026, 4, 5)], False),
        (datetime(2026, 8, 31, 12, 0, tzinfo=JST), [date(2026, 4, 5), date(2026, 5, 9)], True),
        (datetime(2026, 8, 31, 12, 0, tzinfo=JST), [date(2026, 5, 9)], False),  # no April: run broken
    ],
)
def test_reinquiry_at_each_boundary(at: datetime, care: list[date], allowed: bool) -> None:
    if allowed:
        assert (
            authorise_reinquiry(
                facility_code=FACILITY, patient=PATIENT, at=at, grants=[HOME], care_months=care
            )
            == HOME
        )
        assert view(RecordKind.MEDICATION, [HOME], at, care_months=care).grant_id == HOME.id
    else:
        with pytest.raises(AccessRefused) as refused:
            authorise_reinquiry(
                facility_code=FACILITY, patient=PATIENT, at=at, grants=[HOME], care_months=care
            )
        assert refused.value.refusal is Refusal.RELATIONSHIP_LAPSED
        assert refusal(RecordKind.MEDICATION, [HOME], at, care_months=care) is Refusal.EXPIRED


@pytest.mark.parametrize(
    ("grants", "facility", "why"),
    [
        ([grant()], FACILITY, Refusal.NOT_HOME_VISIT),
        ([grant(context=ConsentContext.HOUSE_CALL)], FACILITY, Refusal.NOT_HOME_VISIT),
        ([grant(context=ConsentContext.ONLINE_CARE)], FACILITY, Refusal.NOT_HOME_VISIT),
        ([HOME], OTHER, Refusal.NO_CONSENT),
        ([replace(HOME, withdrawn_at=GIVEN + timedelta(days=1))], FACILITY, Refusal.WITHDRAWN),
    ],
)
def test_reinquiry_refusals(grants: list[ConsentGrant], facility: str, why: Refusal) -> None:
    with pytest.raises(AccessRefused) as refused:
        authorise_reinquiry(
            facility_code=facility,
            patient=PATIENT,
            at=GIVEN + timedelta(days=3),
            grants=grants,
            care_months=[],
        )
    assert refused.value.refusal is why


# --- hypothesis: any grant set, any request; a permit only with a matching live consent --------

moments = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2027, 12, 31)).map(
    lambda d: d.replace(tzinfo=JST)
)
grants_strategy = st.builds(
    ConsentGrant,
    id=st.integers(1, 50),
    patient=st.sampled_from([PATIENT, "P:bob", "K:x"]),
    facility_code=st.sampled_from([FACILITY, OTHER]),
    context=st.sampled_from(ConsentContext),
    items=st.frozensets(st.sampled_from(ConsentItem)),
    given_at=moments,
    first_visit=st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
    withdrawn_at=st.none() | moments,
)


@given(
    grants=st.lists(grants_strategy, max_size=6),
    kind=st.sampled_from(RecordKind),
    at=moments,
    birthdate=st.sampled_from([ADULT, YOUNG]),
    care=st.lists(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)), max_size=8),
)
def test_no_permit_without_a_live_matching_consent(
    grants: list[ConsentGrant], kind: RecordKind, at: datetime, birthdate: date, care: list[date]
) -> None:
    try:
        permit = view(kind, grants, at, birthdate=birthdate, care_months=care)
    except AccessRefused:
        return
    assert permit.basis is Basis.CONSENT  # no disasters given
    chosen = next(
        g for g in grants if g.id == permit.grant_id and g.patient == PATIENT and g.facility_code == FACILITY
    )
    assert kind.consent_item in chosen.items
    assert not chosen.is_withdrawn_at(at)
    assert chosen.given_at <= at < chosen.viewing_until(care)
    assert kind is not RecordKind.CHECKUP or birthdate == ADULT
    assert permit.since == kind.earliest_shown(at.date())


@given(grants=st.lists(grants_strategy, max_size=6), at=moments, care=st.lists(st.dates(), max_size=6))
def test_reinquiry_only_in_a_live_home_visit_relationship(
    grants: list[ConsentGrant], at: datetime, care: list[date]
) -> None:
    try:
        chosen = authorise_reinquiry(
            facility_code=FACILITY, patient=PATIENT, at=at, grants=grants, care_months=care
        )
    except AccessRefused:
        return
    assert chosen.context is ConsentContext.HOME_VISIT
    assert (chosen.patient, chosen.facility_code) == (PATIENT, FACILITY)
    assert chosen.in_force_at(at, care)
