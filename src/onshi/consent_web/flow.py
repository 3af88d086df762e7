"""The consent steps the home-visit web and online care share: 1 入力 (choose items) → 2 確認
(check them, then identity) → 3 完了. Each router supplies its Flow (where the forms post, the
facility, the context, how identity is confirmed) and handles the completion its own way."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import FormData, UploadFile

from onshi.consent_web.forms import CONTEXT_NOTES, Selection
from onshi.consent_web.pages import anchor_of, central_of, render
from onshi.domain.actors import Actor
from onshi.domain.card import CardProblem
from onshi.domain.consent import ConsentContext
from onshi.services.card_confirmation import CardRefused
from onshi.services.consent_web_confirm import WebConsent, WebOutcome, register_consent
from onshi.services.consent_web_pin import MAX_CARD_FILE_BYTES, PinProblem, PinRefused
from onshi.store.web_sessions import IdentityMode
from onshi.wire.result_codes import CARD_ERRORS

UNDER_40_MESSAGE = (
    "生年月日から、40歳未満の方であることが確認できました。特定健診等情報は40歳以上の方のみ同意できるため、"
    "「同意しない」に変更しました。内容を確認して、もう一度お進みください。"
)


@dataclass(frozen=True, slots=True)
class Flow:
    prefix: str  # where the step forms post: /zaitaku or /online-care
    title: str
    facility_name: str
    context: ConsentContext
    identity: IdentityMode
    can_cancel: bool = False  # online care: the patient may stop and go back to the app

    @property
    def note(self) -> str:
        return CONTEXT_NOTES[self.context]


def _page(
    request: Request, name: str, flow: Flow, context: dict[str, Any], status: int = 200
) -> HTMLResponse:
    return render(request, name, {"flow": flow, **context}, status)


def select_page(
    request: Request, flow: Flow, selection: Selection, error: str | None = None, status: int = 200
) -> HTMLResponse:
    return _page(
        request, "consent_select.html", flow, {"selection": selection, "error": error, "step": 1}, status
    )


def confirm_step(request: Request, flow: Flow, form: FormData) -> HTMLResponse:
    """From the selection: with every item answered (or 「すべての項目に同意する」), the check."""
    selection = Selection.from_form(form, agree_all=bool(form.get("agree_all")))
    if not selection.complete:
        missing = "、".join(item.label_ja for item in selection.unanswered)
        message = f"次の項目で「同意する」か「同意しない」を選んでください：{missing}"
        return select_page(request, flow, selection, message, 400)
    return _page(request, "consent_confirm.html", flow, {"selection": selection, "step": 2})


def identity_page(
    request: Request, flow: Flow, selection: Selection, error: str | None = None, status: int = 200
) -> HTMLResponse:
    return _page(
        request, "consent_identity.html", flow, {"selection": selection, "error": error, "step": 2}, status
    )


def refused_message(outcome: CardRefused) -> str:
    summary = CARD_ERRORS[outcome.problem].summary_ja
    return f"{summary}。{outcome.message_ja}" if outcome.message_ja else f"{summary}。"


async def register_step(
    request: Request, flow: Flow, actor: Actor, form: FormData
) -> tuple[Selection, WebOutcome | HTMLResponse]:
    """Identity and registration. Returns the outcome to complete, or the page to show again
    (a wrong PIN, a card that could not be read, an unticked visual check, under 40)."""
    selection = Selection.from_form(form)
    if not selection.complete:
        return selection, select_page(
            request, flow, selection, "同意の選択がありません。最初から選んでください。", 400
        )
    upload = form.get("card")
    data = await upload.read(MAX_CARD_FILE_BYTES + 1) if isinstance(upload, UploadFile) else b""
    await form.close()
    if not data:
        return selection, identity_page(
            request, flow, selection, "マイナンバーカード（card.json）を選んでください。", 400
        )
    if flow.identity is IdentityMode.VISUAL and form.get("visual_checked") != "1":
        message = "カードの顔写真とご本人を目視で確認し、確認欄にチェックを入れてください。"
        return selection, identity_page(request, flow, selection, message, 400)
    central = central_of(request)
    pin = str(form.get("pin") or "").strip() or None
    consent = WebConsent(flow.context, selection.choices(), data, pin)
    outcome = await register_consent(
        central.db, central.audit, anchor_of(central), actor, consent, flow.identity
    )
    if isinstance(outcome, PinRefused) and outcome.problem is not PinProblem.LOCKED:
        return selection, identity_page(request, flow, selection, outcome.message_ja, 400)
    if isinstance(outcome, CardRefused) and outcome.problem is CardProblem.CONSENT_INVALID:
        return selection, select_page(request, flow, selection.with_under40(), UNDER_40_MESSAGE, 400)
    return selection, outcome
