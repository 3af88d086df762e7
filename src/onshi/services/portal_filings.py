"""Prior notifications (経過措置の事前届出), the operator's compliance view, and the adoption-intent
survey (導入意向調査): filed by facilities, read by the operator. Every filing is audited in its
transaction; a new filing supersedes the facility's earlier one."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from onshi.domain.actors import Actor
from onshi.domain.dates import now_jst, today_jst
from onshi.domain.facility import FacilityType
from onshi.domain.portal import compliance, survey
from onshi.domain.portal.documents import plain
from onshi.domain.portal.onboarding import Stage
from onshi.domain.portal.transitional import Category, Deadline, Notification, Status
from onshi.domain.portal.values import Note
from onshi.services.portal_common import PortalError, not_found, record
from onshi.services.portal_onboarding import current, facility_type
from onshi.store import portal_onboarding, portal_records
from onshi.store.database import Database
from onshi.store.portal_records import StoredNotification

NOTIFY_ACTION = "portal.notification"
SURVEY_ACTION = "portal.survey"


@dataclass(frozen=True, slots=True)
class Filed:
    id: int
    notification: Notification
    deadline: Deadline
    remarks: tuple[Note, ...]


async def file_notification(
    db: Database, actor: Actor, facility_code: str, values: Mapping[str, object]
) -> Filed:
    today = today_jst()
    async with db.write() as conn:
        state = await current(conn, facility_code)
        row = await portal_onboarding.facility_row(conn, facility_code)
        assert row is not None
        notification, limit, remarks = compliance.read_notification(
            values, row.facility_type, row.obligated_from, state.operating_since, today
        )
        facts = compliance.facts_of(notification)
        new_id = await portal_records.file_notification(
            conn, facility_code, notification.category.value, today, facts, actor.id, now_jst()
        )
        until = limit.until.isoformat() if limit.until else None
        await record(
            conn, actor, NOTIFY_ACTION, f"filed:{notification.category.value}", facility_code,
            notification=new_id, until=until,
        )  # fmt: skip
    return Filed(new_id, notification, limit, remarks)


async def approve_notification(db: Database, actor: Actor, notification_id: int) -> StoredNotification:
    """その他特に困難な事情: the operator's individual judgement that it is like (1)–(4)."""
    async with db.write() as conn:
        found = await portal_records.notification(conn, notification_id)
        if found is None:
            raise not_found("事前届出", "notification")
        if found.category != Category.SPECIAL_DIFFICULTY.value:
            raise PortalError(
                409,
                "not_judged",
                "個別判断が必要なのは「その他特に困難な事情」だけです",
                "only special difficulty is judged",
            )
        if not await portal_records.approve_notification(conn, notification_id, actor.id, now_jst()):
            raise PortalError(
                409,
                "already_decided",
                "この届出は承認済みか、新しい届出に置き換わっています",
                "already decided",
            )
        await record(
            conn, actor, NOTIFY_ACTION, "approved", found.facility_code, notification=notification_id
        )
        approved = await portal_records.notification(conn, notification_id)
    assert approved is not None
    return approved


def stored_notification(found: StoredNotification) -> Notification:
    return compliance.notification_from(
        found.category, found.filed_on, found.facts, found.approved_at is not None
    )


async def verdicts(
    db: Database, as_of: date, codes: frozenset[str] | None = None
) -> list[compliance.Verdict]:
    """Where every registered facility stands on `as_of` (`codes`: only these)."""
    async with db.read() as conn:
        facts = await portal_records.obligated(conn)
        filed = await portal_records.current_notifications(conn)
    judged = []
    for row in facts:
        if codes is not None and row.code not in codes:
            continue
        found = filed.get(row.code)
        judged.append(compliance.judge(_facts(row, stored_notification(found) if found else None), as_of))
    return judged


def _facts(row: portal_records.Obligated, notification: Notification | None) -> compliance.FacilityFacts:
    return compliance.FacilityFacts(
        row.code, row.name, FacilityType(row.facility_type), row.prefecture_code, row.obligated_from,
        row.operating_since, notification,
    )  # fmt: skip


def filter_verdicts(judged: list[compliance.Verdict], status: Status | None) -> list[compliance.Verdict]:
    return [v for v in judged if status is None or v.status is status]


# --- the survey ----------------------------------------------------------------------------------


async def answer_survey(
    db: Database, actor: Actor, facility_code: str, values: Mapping[str, object]
) -> survey.Answer:
    async with db.write() as conn:
        state = await current(conn, facility_code)
        if state.stage is not Stage.REGISTERED and state.stage is not Stage.CARD_READER_RETURNED:
            raise PortalError(
                409,
                "not_surveyed",
                "導入意向調査は顔認証付きカードリーダーを申し込んでいない医療機関等が対象です",
                "the survey is for facilities that have not applied for a card reader",
            )
        kind = await facility_type(conn, facility_code)
        answer = survey.read_answer(values, kind)
        row = await portal_onboarding.facility_row(conn, facility_code)
        assert row is not None
        category = survey.category_of(kind)
        document = plain(answer)
        assert isinstance(document, dict)
        await portal_records.answer_survey(
            conn, facility_code, category.value, row.prefecture_code, document, now_jst()
        )
        await record(conn, actor, SURVEY_ACTION, "answered", facility_code, plans=answer.plans)
    return answer


def answer_from(document: Mapping[str, object]) -> survey.Answer:
    """Back from storage (as `plain` wrote it)."""
    planned = document.get("planned_month")
    details = document.get("condition_details") or []
    assert isinstance(details, list)
    return survey.Answer(
        plans=bool(document["plans"]),
        planned_month=date.fromisoformat(str(planned)) if planned else None,
        reasons=tuple(survey.Reason(r) for r in _texts(document, "reasons")),
        reason_other=str(document.get("reason_other") or ""),
        conditions=tuple(survey.Condition(c) for c in _texts(document, "conditions")),
        condition_details=tuple((survey.Condition(c), str(t)) for c, t in details),
        beds=int(str(document["beds"])) if document.get("beds") is not None else None,
    )


def _texts(document: Mapping[str, object], key: str) -> list[str]:
    values = document.get(key) or []
    assert isinstance(values, list)
    return [str(v) for v in values]


async def survey_tally(db: Database) -> survey.Tally:
    async with db.read() as conn:
        stored = await portal_records.current_answers(conn)
    return survey.tally(
        survey.Response(answer_from(s.answer), survey.Category(s.category), s.prefecture_code) for s in stored
    )
