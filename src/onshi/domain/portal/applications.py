"""What each onboarding application says: its fields, checked, as a JSON-ready mapping.

- 顔認証付きカードリーダー申込: how many readers (hospitals up to 50, others up to 5), the model
  wished (or 指定なし), the contact for delivery;
- 利用申請: the facility's representative (開設者・管理者), contact, system vendor, whether it
  claims online (レセプトオンライン請求) and the month it plans to start;
- 電子証明書発行申請: the contact and where the terminal stands.

Only staff contacts are asked for; nothing about any patient.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from onshi.domain.errors import Problem
from onshi.domain.facility import FacilityType
from onshi.domain.portal.fields import Reader
from onshi.domain.portal.onboarding import Application

MAX_READERS = {FacilityType.HOSPITAL: 50}
DEFAULT_MAX_READERS = 5
CARD_READER_MODELS = {
    "any": "指定なし",
    "model_a": "顔認証付きカードリーダー A型（据置型）",
    "model_b": "顔認証付きカードリーダー B型（タブレット一体型）",
    "model_c": "顔認証付きカードリーダー C型（コンパクト型）",
}

Details = dict[str, object]


def read_details(
    application: Application, values: Mapping[str, object], facility_type: FacilityType, today: date
) -> Details:
    """The application's fields as stored; raises FormInvalid with every refused field."""
    form = Reader(values)
    details = _READERS[application](form, facility_type, today)
    form.done()
    return details


def _card_reader(form: Reader, facility_type: FacilityType, today: date) -> Details:
    most = MAX_READERS.get(facility_type, DEFAULT_MAX_READERS)
    readers = form.integer("readers", "申込台数", 1, most)
    model = form.raw("model") or "any"
    if model not in CARD_READER_MODELS:
        form.refuse(
            "model",
            Problem.UNKNOWN_CODE,
            "機種の選択肢にありません",
            f"model is one of {', '.join(CARD_READER_MODELS)}",
        )
    return {
        "readers": readers,
        "model": model,
        "contact_name": form.text("contact_name", "担当者名", max_length=60),
        "phone": form.phone("phone", "電話番号"),
    }


def _usage(form: Reader, facility_type: FacilityType, today: date) -> Details:
    planned = form.month("planned_start", "運用開始予定月")
    if planned is not None and planned < today.replace(day=1):
        form.refuse(
            "planned_start",
            Problem.INCONSISTENT,
            "運用開始予定月は今月以降です",
            "the planned start month is this month or later",
        )
    return {
        "representative": form.text("representative", "開設者・管理者名", max_length=60),
        "contact_name": form.text("contact_name", "担当者名", max_length=60),
        "phone": form.phone("phone", "電話番号"),
        "email": form.email("email", "メールアドレス"),
        "vendor": form.text("vendor", "システムベンダ名", max_length=100),
        "online_claims": form.flag("online_claims"),
        "planned_start": planned.isoformat()[:7] if planned else None,
    }


def _certificate(form: Reader, facility_type: FacilityType, today: date) -> Details:
    return {
        "contact_name": form.text("contact_name", "担当者名", max_length=60),
        "terminal_place": form.text(
            "terminal_place", "資格確認端末の設置場所", required=False, max_length=100
        ),
    }


_READERS = {
    Application.CARD_READER: _card_reader,
    Application.USAGE: _usage,
    Application.CERTIFICATE: _certificate,
}

# Field names and Japanese labels, in form order (the pages and the bulk CSV use them).
LABELS: dict[Application, tuple[tuple[str, str], ...]] = {
    Application.CARD_READER: (
        ("readers", "申込台数"),
        ("model", "機種"),
        ("contact_name", "担当者名"),
        ("phone", "電話番号"),
    ),
    Application.USAGE: (
        ("representative", "開設者・管理者名"),
        ("contact_name", "担当者名"),
        ("phone", "電話番号"),
        ("email", "メールアドレス"),
        ("vendor", "システムベンダ名"),
        ("online_claims", "レセプトオンライン請求"),
        ("planned_start", "運用開始予定月"),
    ),
    Application.CERTIFICATE: (("contact_name", "担当者名"), ("terminal_place", "資格確認端末の設置場所")),
}
