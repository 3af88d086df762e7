"""Onboarding (導入手続き): the facility's way from a portal account to an operating terminal.

A state machine over plain values. Three applications go through the operator's review
(approved, or returned with a reason and submitted again): the face-recognition card reader
(顔認証付きカードリーダー申込), usage (利用申請) and the electronic certificate (電子証明書発行申請).
An approved certificate is issued when the facility downloads it — its key is made then and
never stored — and is downloaded once. The terminal's connection test over mutual TLS moves the
facility to connected, and the operation start date (運用開始日) to operating.

    registered ─submit→ card_reader_review ─approve→ card_reader_approved ─submit→ usage_review …
                          │return      ↑submit
                          └→ card_reader_returned
    … usage_approved ─submit→ certificate_review ─approve→ certificate_approved ─download→
    certificate_issued ─connection test→ connected ─operation start date→ operating

Each step reached yields its milestone (onshi.domain.milestones) with its day: an application
counts as made (申込) when it is submitted, the certificate when it is issued, the connection
when a test succeeds, operation on the start date the facility entered. docs/portal.md has the
diagram; tests/domain/portal/test_onboarding.py calls every (stage, event) pair.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from onshi.domain.dates import format_ja
from onshi.domain.milestones import Milestone

MAX_REASON_LENGTH = 500


class Stage(StrEnum):
    REGISTERED = "registered"  # アカウント登録済み
    CARD_READER_REVIEW = "card_reader_review"  # カードリーダー申込 審査中
    CARD_READER_RETURNED = "card_reader_returned"  # カードリーダー申込 差戻し
    CARD_READER_APPROVED = "card_reader_approved"  # カードリーダー申込 承認
    USAGE_REVIEW = "usage_review"  # 利用申請 審査中
    USAGE_RETURNED = "usage_returned"  # 利用申請 差戻し
    USAGE_APPROVED = "usage_approved"  # 利用申請 承認
    CERTIFICATE_REVIEW = "certificate_review"  # 電子証明書発行申請 審査中
    CERTIFICATE_RETURNED = "certificate_returned"  # 電子証明書発行申請 差戻し
    CERTIFICATE_APPROVED = "certificate_approved"  # 電子証明書 発行可（ダウンロード待ち）
    CERTIFICATE_ISSUED = "certificate_issued"  # 電子証明書 発行済み
    CONNECTED = "connected"  # 接続確認済み
    OPERATING = "operating"  # 運用開始

    @property
    def label_ja(self) -> str:
        return _STAGE_LABELS[self]

    @property
    def next_step_ja(self) -> str:
        """What the facility does next, for its page."""
        return _NEXT_STEPS[self]


class Application(StrEnum):
    """The applications the operator reviews on the way (subsidies are reviewed apart)."""

    CARD_READER = "card_reader"  # 顔認証付きカードリーダー申込
    USAGE = "usage"  # 利用申請
    CERTIFICATE = "certificate"  # 電子証明書発行申請

    @property
    def label_ja(self) -> str:
        return _APPLICATION_LABELS[self]


_APPLICATION_LABELS = {
    Application.CARD_READER: "顔認証付きカードリーダー申込",
    Application.USAGE: "オンライン資格確認利用申請",
    Application.CERTIFICATE: "電子証明書発行申請",
}

_STAGE_LABELS = {
    Stage.REGISTERED: "アカウント登録済み",
    Stage.CARD_READER_REVIEW: "カードリーダー申込の審査中",
    Stage.CARD_READER_RETURNED: "カードリーダー申込の差戻し",
    Stage.CARD_READER_APPROVED: "カードリーダー申込の承認済み",
    Stage.USAGE_REVIEW: "利用申請の審査中",
    Stage.USAGE_RETURNED: "利用申請の差戻し",
    Stage.USAGE_APPROVED: "利用申請の承認済み",
    Stage.CERTIFICATE_REVIEW: "電子証明書発行申請の審査中",
    Stage.CERTIFICATE_RETURNED: "電子証明書発行申請の差戻し",
    Stage.CERTIFICATE_APPROVED: "電子証明書の発行準備完了",
    Stage.CERTIFICATE_ISSUED: "電子証明書の発行済み",
    Stage.CONNECTED: "接続確認済み",
    Stage.OPERATING: "運用開始",
}

_NEXT_STEPS = {
    Stage.REGISTERED: "顔認証付きカードリーダーを申し込んでください。",
    Stage.CARD_READER_REVIEW: "カードリーダー申込を審査しています。",
    Stage.CARD_READER_RETURNED: "差戻しの理由を確認し、カードリーダー申込を再提出してください。",
    Stage.CARD_READER_APPROVED: "オンライン資格確認の利用申請をしてください。",
    Stage.USAGE_REVIEW: "利用申請を審査しています。",
    Stage.USAGE_RETURNED: "差戻しの理由を確認し、利用申請を再提出してください。",
    Stage.USAGE_APPROVED: "電子証明書の発行を申請してください。",
    Stage.CERTIFICATE_REVIEW: "電子証明書発行申請を審査しています。",
    Stage.CERTIFICATE_RETURNED: "差戻しの理由を確認し、電子証明書発行申請を再提出してください。",
    Stage.CERTIFICATE_APPROVED: "電子証明書をダウンロードしてください（1回のみ）。",
    Stage.CERTIFICATE_ISSUED: "資格確認端末に電子証明書を設定し、接続確認をしてください。",
    Stage.CONNECTED: "運用開始日を登録してください。",
    Stage.OPERATING: "運用中です。",
}

_REVIEW = {
    Application.CARD_READER: Stage.CARD_READER_REVIEW,
    Application.USAGE: Stage.USAGE_REVIEW,
    Application.CERTIFICATE: Stage.CERTIFICATE_REVIEW,
}
_RETURNED = {
    Application.CARD_READER: Stage.CARD_READER_RETURNED,
    Application.USAGE: Stage.USAGE_RETURNED,
    Application.CERTIFICATE: Stage.CERTIFICATE_RETURNED,
}
_APPROVED = {
    Application.CARD_READER: Stage.CARD_READER_APPROVED,
    Application.USAGE: Stage.USAGE_APPROVED,
    Application.CERTIFICATE: Stage.CERTIFICATE_APPROVED,
}
# The stage an application may be submitted from: after the previous step's approval, or
# again after it was returned.
_SUBMIT_AFTER = {
    Application.CARD_READER: Stage.REGISTERED,
    Application.USAGE: Stage.CARD_READER_APPROVED,
    Application.CERTIFICATE: Stage.USAGE_APPROVED,
}
_APPLIED = {
    Application.CARD_READER: Milestone.CARD_READER_APPLIED,
    Application.USAGE: Milestone.USAGE_APPLIED,
    Application.CERTIFICATE: Milestone.CERTIFICATE_APPLIED,
}
_ORDER = tuple(Stage)
# From here on the facility holds (or held) a certificate: it may renew it and test again.
CERTIFIED = frozenset(_ORDER[_ORDER.index(Stage.CERTIFICATE_ISSUED) :])


@dataclass(frozen=True, slots=True)
class Onboarding:
    stage: Stage
    connected_on: date | None = None  # the first successful connection test
    operating_since: date | None = None  # 運用開始日

    def reached(self, stage: Stage) -> bool:
        return _ORDER.index(self.stage) >= _ORDER.index(stage)


# --- events ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Submit:
    application: Application
    on: date


@dataclass(frozen=True, slots=True)
class Approve:
    application: Application
    on: date


@dataclass(frozen=True, slots=True)
class Return:
    application: Application
    on: date
    reason: str  # 差戻し理由, shown to the facility


@dataclass(frozen=True, slots=True)
class IssueCertificate:
    """The facility downloads its approved certificate (issued at that moment, once)."""

    on: date


@dataclass(frozen=True, slots=True)
class RenewCertificate:
    """A further certificate for a facility that already has one (更新)."""

    on: date


@dataclass(frozen=True, slots=True)
class ConnectionSucceeded:
    """The terminal reached central over mutual TLS with the facility's certificate."""

    on: date


@dataclass(frozen=True, slots=True)
class StartOperation:
    """The operation start date (運用開始日) entered on `today`."""

    on: date
    today: date


Event = Submit | Approve | Return | IssueCertificate | RenewCertificate | ConnectionSucceeded | StartOperation


class TransitionRefused(Exception):
    """The event is not allowed in the facility's stage (or its data break a rule)."""

    def __init__(self, code: str, message_ja: str, message_en: str) -> None:
        super().__init__(message_en)
        self.code = code
        self.message_ja = message_ja
        self.message_en = message_en


@dataclass(frozen=True, slots=True)
class Transition:
    before: Onboarding | None  # None for the registration
    after: Onboarding
    milestones: tuple[tuple[Milestone, date], ...]

    @property
    def changed(self) -> bool:
        return self.before != self.after


def register(on: date) -> Transition:
    """アカウント登録: the first stage."""
    return Transition(None, Onboarding(Stage.REGISTERED), ((Milestone.ACCOUNT_REGISTERED, on),))


def apply(current: Onboarding, event: Event) -> Transition:
    """The stage after `event`, and the milestones it reaches; TransitionRefused when not allowed."""
    match event:
        case Submit():
            return _submit(current, event)
        case Approve():
            return _decide(current, event.application, _APPROVED[event.application])
        case Return():
            check_reason(event.reason)
            return _decide(current, event.application, _RETURNED[event.application])
        case IssueCertificate():
            return _issue(current, event)
        case RenewCertificate():
            return _renew(current)
        case ConnectionSucceeded():
            return _connected(current, event)
        case StartOperation():
            return _start(current, event)


def _submit(current: Onboarding, event: Submit) -> Transition:
    allowed = (_SUBMIT_AFTER[event.application], _RETURNED[event.application])
    if current.stage not in allowed:
        raise _not_now(current, f"{event.application.label_ja}の提出")
    after = replace(current, stage=_REVIEW[event.application])
    return Transition(current, after, ((_APPLIED[event.application], event.on),))


def _decide(current: Onboarding, application: Application, outcome: Stage) -> Transition:
    if current.stage is not _REVIEW[application]:
        raise TransitionRefused(
            "not_in_review",
            f"{application.label_ja}は審査中ではありません（現在: {current.stage.label_ja}）",
            f"the {application.value} application is not in review (stage {current.stage.value})",
        )
    return Transition(current, replace(current, stage=outcome), ())


def check_reason(text: str) -> None:
    """差戻しの理由: required, at most MAX_REASON_LENGTH characters."""
    if not text.strip():
        raise TransitionRefused("reason_required", "差戻しの理由を入力してください", "a reason is required")
    if len(text.strip()) > MAX_REASON_LENGTH:
        raise TransitionRefused(
            "reason_too_long",
            f"差戻しの理由は{MAX_REASON_LENGTH}文字以内です",
            f"the reason is at most {MAX_REASON_LENGTH} characters",
        )


def _issue(current: Onboarding, event: IssueCertificate) -> Transition:
    if current.stage is not Stage.CERTIFICATE_APPROVED:
        if current.stage in CERTIFIED:
            raise TransitionRefused(
                "already_downloaded",
                "電子証明書はダウンロード済みです（1回のみ）。必要なら更新してください",
                "the certificate was already downloaded (once only); renew it if needed",
            )
        raise _not_now(current, "電子証明書のダウンロード")
    after = replace(current, stage=Stage.CERTIFICATE_ISSUED)
    return Transition(current, after, ((Milestone.CERTIFICATE_ISSUED, event.on),))


def _renew(current: Onboarding) -> Transition:
    if current.stage not in CERTIFIED:
        raise _not_now(current, "電子証明書の更新")
    return Transition(current, current, ())


def _connected(current: Onboarding, event: ConnectionSucceeded) -> Transition:
    if current.stage not in CERTIFIED:
        raise _not_now(current, "接続確認")
    if current.connected_on is not None:  # a later test (e.g. after renewal): nothing new
        return Transition(current, current, ())
    after = replace(current, stage=Stage.CONNECTED, connected_on=event.on)
    return Transition(current, after, ((Milestone.CONNECTED, event.on),))


def _start(current: Onboarding, event: StartOperation) -> Transition:
    if current.stage is Stage.OPERATING:
        if current.operating_since == event.on:
            return Transition(current, current, ())
        since = current.operating_since
        raise TransitionRefused(
            "already_operating",
            f"運用開始日は{format_ja(since) if since else '登録'}済みです",
            f"the operation start date is already {since.isoformat() if since else 'set'}",
        )
    if current.stage is not Stage.CONNECTED or current.connected_on is None:
        raise _not_now(current, "運用開始日の登録")
    if event.on > event.today:
        raise TransitionRefused(
            "future_date",
            f"運用開始日（{format_ja(event.on)}）が未来の日付です。運用を開始してから登録してください",
            f"the operation start date {event.on.isoformat()} is in the future",
        )
    if event.on < current.connected_on:
        raise TransitionRefused(
            "before_connection",
            f"運用開始日は接続確認日（{format_ja(current.connected_on)}）以降の日付です",
            f"the operation start date is on or after the connection test ({current.connected_on.isoformat()})",
        )
    after = replace(current, stage=Stage.OPERATING, operating_since=event.on)
    return Transition(current, after, ((Milestone.OPERATING, event.on),))


def _not_now(current: Onboarding, what_ja: str) -> TransitionRefused:
    return TransitionRefused(
        "wrong_stage",
        f"現在の状態（{current.stage.label_ja}）では{what_ja}はできません",
        f"not allowed in stage {current.stage.value}",
    )


def steps(current: Onboarding) -> tuple[tuple[Milestone, bool], ...]:
    """The milestones in order with whether this facility's stage has reached each (its page)."""
    reached = {
        Milestone.ACCOUNT_REGISTERED: Stage.REGISTERED,
        Milestone.CARD_READER_APPLIED: Stage.CARD_READER_REVIEW,
        Milestone.USAGE_APPLIED: Stage.USAGE_REVIEW,
        Milestone.CERTIFICATE_APPLIED: Stage.CERTIFICATE_REVIEW,
        Milestone.CERTIFICATE_ISSUED: Stage.CERTIFICATE_ISSUED,
        Milestone.CONNECTED: Stage.CONNECTED,
        Milestone.OPERATING: Stage.OPERATING,
    }
    return tuple((milestone, current.reached(stage)) for milestone, stage in reached.items())
