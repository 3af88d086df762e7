"""The onboarding state machine, called for every (stage, event) pair: the allowed transitions
with their stage after and milestones, every other pair refused with its code."""

from __future__ import annotations

from datetime import date

import pytest

from onshi.domain.milestones import ORDER, Milestone
from onshi.domain.portal.onboarding import (
    Application,
    Approve,
    ConnectionSucceeded,
    Event,
    IssueCertificate,
    Onboarding,
    RenewCertificate,
    Return,
    Stage,
    StartOperation,
    Submit,
    TransitionRefused,
    apply,
    register,
    steps,
)

TODAY = date(2024, 5, 10)
CONNECTED_ON = date(2024, 5, 1)
CR, US, CE = Application.CARD_READER, Application.USAGE, Application.CERTIFICATE

EVENTS: dict[str, Event] = {
    "submit card_reader": Submit(CR, TODAY),
    "submit usage": Submit(US, TODAY),
    "submit certificate": Submit(CE, TODAY),
    "approve card_reader": Approve(CR, TODAY),
    "approve usage": Approve(US, TODAY),
    "approve certificate": Approve(CE, TODAY),
    "return card_reader": Return(CR, TODAY, "台数の記入漏れ"),
    "return usage": Return(US, TODAY, "ベンダ名の誤り"),
    "return certificate": Return(CE, TODAY, "担当者の確認"),
    "download": IssueCertificate(TODAY),
    "renew": RenewCertificate(TODAY),
    "connection test": ConnectionSucceeded(TODAY),
    "start operation": StartOperation(CONNECTED_ON, TODAY),
}

# (stage, event) → stage after and milestones reached; every pair not listed is refused.
ALLOWED: dict[tuple[Stage, str], tuple[Stage, tuple[Milestone, ...]]] = {
    (Stage.REGISTERED, "submit card_reader"): (Stage.CARD_READER_REVIEW, (Milestone.CARD_READER_APPLIED,)),
    (Stage.CARD_READER_RETURNED, "submit card_reader"): (
        Stage.CARD_READER_REVIEW,
        (Milestone.CARD_READER_APPLIED,),
    ),
    (Stage.CARD_READER_REVIEW, "approve card_reader"): (Stage.CARD_READER_APPROVED, ()),
    (Stage.CARD_READER_REVIEW, "return card_reader"): (Stage.CARD_READER_RETURNED, ()),
    (Stage.CARD_READER_APPROVED, "submit usage"): (Stage.USAGE_REVIEW, (Milestone.USAGE_APPLIED,)),
    (Stage.USAGE_RETURNED, "submit usage"): (Stage.USAGE_REVIEW, (Milestone.USAGE_APPLIED,)),
    (Stage.USAGE_REVIEW, "approve usage"): (Stage.USAGE_APPROVED, ()),
    (Stage.USAGE_REVIEW, "return usage"): (Stage.USAGE_RETURNED, ()),
    (Stage.USAGE_APPROVED, "submit certificate"): (
        Stage.CERTIFICATE_REVIEW,
        (Milestone.CERTIFICATE_APPLIED,),
    ),
    (Stage.CERTIFICATE_RETURNED, "submit certificate"): (
        Stage.CERTIFICATE_REVIEW,
        (Milestone.CERTIFICATE_APPLIED,),
    ),
    (Stage.CERTIFICATE_REVIEW, "approve certificate"): (Stage.CERTIFICATE_APPROVED, ()),
    (Stage.CERTIFICATE_REVIEW, "return certificate"): (Stage.CERTIFICATE_RETURNED, ()),
    (Stage.CERTIFICATE_APPROVED, "download"): (Stage.CERTIFICATE_ISSUED, (Milestone.CERTIFICATE_ISSUED,)),
    (Stage.CERTIFICATE_ISSUED, "renew"): (Stage.CERTIFICATE_ISSUED, ()),
    (Stage.CONNECTED, "renew"): (Stage.CONNECTED, ()),
    (Stage.OPERATING, "renew"): (Stage.OPERATING, ()),
    (Stage.CERTIFICATE_ISSUED, "connection test"): (Stage.CONNECTED, (Milestone.CONNECTED,)),
    (Stage.CONNECTED, "connection test"): (Stage.CONNECTED, ()),
    (Stage.OPERATING, "connection test"): (Stage.OPERATING, ()),
    (Stage.CONNECTED, "start operation"): (Stage.OPERATING, (Milestone.OPERATING,)),
    (Stage.OPERATING, "start operation"): (Stage.OPERATING, ()),  # the same day again
}


def state(stage: Stage) -> Onboarding:
    """A facility at `stage` with the dates that stage implies."""
    connected = CONNECTED_ON if stage in (Stage.CONNECTED, Stage.OPERATING) else None
    return Onboarding(stage, connected, CONNECTED_ON if stage is Stage.OPERATING else None)


CASES = [(stage, name) for stage in Stage for name in EVENTS]


@pytest.mark.parametrize(("stage", "name"), CASES, ids=[f"{s.value}-{n}" for s, n in CASES])
def test_every_stage_and_event(stage: Stage, name: str) -> None:
    expected = ALLOWED.get((stage, name))
    if expected is None:
        with pytest.raises(TransitionRefused) as refused:
            apply(state(stage), EVENTS[name])
        assert refused.value.code in {"wrong_stage", "not_in_review", "already_downloaded"}
        assert refused.value.message_ja
        return
    transition = apply(state(stage), EVENTS[name])
    after, reached = expected
    assert transition.after.stage is after
    assert tuple(m for m, _ in transition.milestones) == reached
    assert all(on in (TODAY, CONNECTED_ON) for _, on in transition.milestones)


def test_registration_reaches_the_first_milestone() -> None:
    transition = register(TODAY)
    assert transition.before is None and transition.after.stage is Stage.REGISTERED
    assert transition.milestones == ((Milestone.ACCOUNT_REGISTERED, TODAY),)


def test_a_walk_through_reaches_every_milestone_in_order() -> None:
    walk: list[Event] = [
        Submit(CR, TODAY), Return(CR, TODAY, "機種を選んでください"), Submit(CR, TODAY), Approve(CR, TODAY),
        Submit(US, TODAY), Approve(US, TODAY), Submit(CE, TODAY), Approve(CE, TODAY), IssueCertificate(TODAY),
        ConnectionSucceeded(TODAY), StartOperation(TODAY, TODAY),
    ]  # fmt: skip
    current, reached = register(TODAY).after, [Milestone.ACCOUNT_REGISTERED]
    for event in walk:
        transition = apply(current, event)
        reached += [m for m, _ in transition.milestones if m not in reached]
        current = transition.after
    assert tuple(reached) == ORDER
    assert current == Onboarding(Stage.OPERATING, TODAY, TODAY)
    assert all(done for _, done in steps(current))


def test_a_return_needs_a_reason() -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply(state(Stage.USAGE_REVIEW), Return(US, TODAY, "  "))
    assert refused.value.code == "reason_required"
    with pytest.raises(TransitionRefused) as refused:
        apply(state(Stage.USAGE_REVIEW), Return(US, TODAY, "x" * 501))
    assert refused.value.code == "reason_too_long"


def test_the_certificate_is_downloaded_once() -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply(state(Stage.CERTIFICATE_ISSUED), IssueCertificate(TODAY))
    assert refused.value.code == "already_downloaded"


@pytest.mark.parametrize(
    ("on", "code"),
    [
        (date(2024, 5, 11), "future_date"),  # after today
        (date(2024, 4, 30), "before_connection"),  # before the connection test
    ],
)
def test_operation_start_date_rules(on: date, code: str) -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply(state(Stage.CONNECTED), StartOperation(on, TODAY))
    assert refused.value.code == code


def test_operation_start_cannot_be_changed_once_entered() -> None:
    with pytest.raises(TransitionRefused) as refused:
        apply(state(Stage.OPERATING), StartOperation(TODAY, TODAY))
    assert refused.value.code == "already_operating"
    assert not apply(state(Stage.OPERATING), StartOperation(CONNECTED_ON, TODAY)).changed


def test_a_second_connection_test_keeps_the_first_day() -> None:
    transition = apply(state(Stage.CONNECTED), ConnectionSucceeded(TODAY))
    assert transition.after.connected_on == CONNECTED_ON and transition.milestones == ()


def test_steps_follow_the_stage() -> None:
    done = dict(steps(state(Stage.USAGE_RETURNED)))
    assert done[Milestone.USAGE_APPLIED] and not done[Milestone.CERTIFICATE_APPLIED]
