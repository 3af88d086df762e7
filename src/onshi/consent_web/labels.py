"""Words for the access log: what was looked at or agreed to, and with what result."""

from __future__ import annotations

from onshi.domain.card import CardProblem
from onshi.domain.clinical import RecordKind
from onshi.domain.clinical_access import Refusal
from onshi.domain.codes import Validity
from onshi.domain.consent import ConsentContext, ConsentItem
from onshi.services.access_log import Access
from onshi.wire.result_codes import CARD_ERRORS

_OUTCOMES = {"shown": "閲覧", "given": "登録", "updated": "変更", "linked": "登録"}


def _items(values: list[object]) -> str:
    chosen = {str(value) for value in values}
    labels = [item.label_ja for item in ConsentItem if item.value in chosen]
    return "、".join(labels) if labels else "同意した項目なし"


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list) else []


def detail_text(entry: Access) -> str:
    detail = entry.detail
    if entry.action == "clinical.view":
        try:
            return RecordKind(str(detail.get("kind"))).label_ja
        except ValueError:
            return ""
    if entry.action == "card.confirm":
        return _items(_list(detail.get("consent")))
    if entry.action in ("consent.grant", "consent.update"):
        text = _items(_list(detail.get("items")))
        context = detail.get("context")
        if context in tuple(ConsentContext):
            return f"{ConsentContext(str(context)).label_ja}：{text}"
        return text
    if entry.action == "consent.withdraw":
        return f"{len(_list(detail.get('grant_ids')))}件"
    return ""


def outcome_text(entry: Access) -> str:
    outcome = entry.outcome
    if outcome in _OUTCOMES:
        return _OUTCOMES[outcome]
    kind, _, value = outcome.partition(":")
    if kind == "validity" and value in tuple(Validity):
        return f"資格 {Validity(value).label_ja}"
    if kind == "withdrawn":
        return "取消"
    if kind == "refused":
        if value in tuple(Refusal):
            return f"拒否（{Refusal(value).message_ja}）"
        if value in tuple(CardProblem):
            return f"拒否（{CARD_ERRORS[value].summary_ja}）"
        return "拒否"
    return outcome
