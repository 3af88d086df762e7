"""Who may see what: the only way to a `ViewPermit`, and so to clinical records.

The store's clinical queries take a ViewPermit and return only its patient's records of its
kind, from its earliest day; a permit can be made only by `authorise_view` (consent, or a
disaster declaration for medication and treatment), so no code path reaches clinical data
without one. `authorise_reinquiry` is the same gate for 再照会 (home visits).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from onshi.domain.clinical import RecordKind
from onshi.domain.consent import ConsentContext, checkup_allowed
from onshi.domain.consent_grants import ConsentGrant
from onshi.domain.disaster import DisasterDeclaration, covering

_PERMIT_SEAL = object()  # only this module can make permits
DISASTER_KINDS = frozenset({RecordKind.MEDICATION, RecordKind.TREATMENT})


class Basis(StrEnum):
    CONSENT = "consent"
    DISASTER = "disaster"  # 災害時モード: an override, shown to the patient


class Refusal(StrEnum):
    NO_CONSENT = "no_consent"  # 同意なし
    ITEM_NOT_CONSENTED = "item_not_consented"  # この項目には同意なし
    EXPIRED = "expired"  # 閲覧有効期限切れ
    WITHDRAWN = "withdrawn"  # 同意取消済み
    UNDER_40 = "under_40"  # 特定健診等情報は40歳以上のみ
    NOT_HOME_VISIT = "not_home_visit"  # 再照会は居宅同意取得型のみ
    RELATIONSHIP_LAPSED = "relationship_lapsed"  # 継続的な関係が終了

    @property
    def message_ja(self) -> str:
        return _MESSAGES[self]


_MESSAGES = {
    Refusal.NO_CONSENT: "この医療機関等に対する患者の同意がありません",
    Refusal.ITEM_NOT_CONSENTED: "この情報の提供には同意されていません",
    Refusal.EXPIRED: "同意の閲覧有効期限が過ぎています（改めて同意が必要です）",
    Refusal.WITHDRAWN: "患者が同意を取り消しています",
    Refusal.UNDER_40: "特定健診等情報は40歳以上の方のみ閲覧できます",
    Refusal.NOT_HOME_VISIT: "再照会は訪問診療等（居宅同意取得型）で資格確認した患者のみ可能です",
    Refusal.RELATIONSHIP_LAPSED: "継続的な訪問診療等の関係が確認できないため再照会できません（改めてマイナ保険証で確認してください）",
}


class AccessRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


@dataclass(frozen=True, slots=True)
class ViewPermit:
    patient: str
    facility_code: str
    kind: RecordKind
    since: date  # the earliest day shown (the depth the system keeps)
    on: date
    basis: Basis
    grant_id: int | None
    disaster_id: int | None
    seal: object = field(repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seal is not _PERMIT_SEAL:
            raise TypeError("a ViewPermit comes only from authorise_view")


def authorise_view(
    *,
    facility_code: str,
    patient: str,
    birthdate: date,
    kind: RecordKind,
    at: datetime,
    grants: Iterable[ConsentGrant],
    care_months: Iterable[date] = (),
    disasters: Iterable[DisasterDeclaration] = (),
) -> ViewPermit:
    """A permit for `facility_code` to see the patient's `kind` records at `at`, or AccessRefused.
    `grants` may hold anyone's: only the patient's own, for this facility, count.
    `care_months`: the months this facility's claims show care for the patient (home visits)."""
    on = at.date()
    if kind is RecordKind.CHECKUP and not checkup_allowed(birthdate, on):
        raise AccessRefused(Refusal.UNDER_40)
    months = tuple(care_months)
    own = [g for g in grants if g.patient == patient and g.facility_code == facility_code]
    usable = [g for g in own if g.in_force_at(at, months) and kind.consent_item in g.items]
    if usable:
        grant = max(usable, key=lambda g: (g.given_at, g.id))
        return _permit(patient, facility_code, kind, on, Basis.CONSENT, grant.id, None)
    disaster = covering(disasters, facility_code, at) if kind in DISASTER_KINDS else None
    if disaster is not None:
        return _permit(patient, facility_code, kind, on, Basis.DISASTER, None, disaster.id)
    raise AccessRefused(_why_not(own, kind, at, months))


def _permit(
    patient: str,
    facility: str,
    kind: RecordKind,
    on: date,
    basis: Basis,
    grant: int | None,
    disaster: int | None,
) -> ViewPermit:
    return ViewPermit(
        patient, facility, kind, kind.earliest_shown(on), on, basis, grant, disaster, _PERMIT_SEAL
    )


def _why_not(own: list[ConsentGrant], kind: RecordKind, at: datetime, months: tuple[date, ...]) -> Refusal:
    """The most useful reason to show staff: the nearest miss first."""
    live = [g for g in own if not g.is_withdrawn_at(at)]
    if any(g.in_force_at(at, months) for g in live):
        return Refusal.ITEM_NOT_CONSENTED
    if live:
        return Refusal.EXPIRED
    if own:
        return Refusal.WITHDRAWN
    return Refusal.NO_CONSENT


def authorise_reinquiry(
    *,
    facility_code: str,
    patient: str,
    at: datetime,
    grants: Iterable[ConsentGrant],
    care_months: Iterable[date],
) -> ConsentGrant:
    """The home-visit relationship (居宅同意取得型) that lets the facility re-inquire (再照会)
    without the card, or AccessRefused. Counter visits, online care and 往診 never do."""
    months = tuple(care_months)
    own = [g for g in grants if g.patient == patient and g.facility_code == facility_code]
    home = [g for g in own if g.context is ConsentContext.HOME_VISIT]
    if not home:
        raise AccessRefused(Refusal.NOT_HOME_VISIT if own else Refusal.NO_CONSENT)
    live = [g for g in home if not g.is_withdrawn_at(at)]
    if not live:
        raise AccessRefused(Refusal.WITHDRAWN)
    current = [g for g in live if g.in_force_at(at, months)]
    if not current:
        raise AccessRefused(Refusal.RELATIONSHIP_LAPSED)
    return max(current, key=lambda g: (g.given_at, g.id))
