"""The My Number Card as central sees it: form factors, certificate lifetime and the reasons a
card use is refused.

Central never sees the My Number. A card is known by the serial of its user-authentication
certificate (利用者証明用電子証明書, JPKI), which J-LIS issues without any personal data in
it; the serial resolves to one insured person only through a linkage (see `linkage`).
"""

from __future__ import annotations

import calendar
from datetime import date, datetime
from enum import StrEnum

from onshi.domain.dates import JST

# Readers tell the patient to renew when the certificate expires within this many months
# (the terminal's informational processing-result code on an otherwise normal result).
EXPIRY_NOTICE_MONTHS = 3


class FormFactor(StrEnum):
    CARD = "card"  # マイナンバーカード（ICチップ）
    SMARTPHONE = "smartphone"  # スマホ用電子証明書（スマホ保険証）

    @property
    def label_ja(self) -> str:
        return "スマートフォン" if self is FormFactor.SMARTPHONE else "マイナンバーカード"


class RevocationReason(StrEnum):
    LOST = "lost"  # 紛失・盗難
    RENEWED = "renewed"  # 更新（新しい証明書の発行）
    DECEASED = "deceased"  # 死亡

    @property
    def label_ja(self) -> str:
        return _REVOCATION_LABELS[self]


_REVOCATION_LABELS = {
    RevocationReason.LOST: "紛失・盗難",
    RevocationReason.RENEWED: "更新",
    RevocationReason.DECEASED: "死亡",
}


class CardProblem(StrEnum):
    """Why central refused a card use; `onshi.wire.result_codes.CARD_ERRORS` maps each to a code."""

    EXPIRED = "expired"  # 電子証明書の有効期限切れ
    REVOKED = "revoked"  # 電子証明書の失効
    UNTRUSTED = "untrusted"  # J-LISが発行した利用者証明用電子証明書ではない
    BAD_SIGNATURE = "bad_signature"  # 署名の検証に失敗
    CHALLENGE = "challenge"  # チャレンジが不明・使用済み・期限切れ（再送）
    SMARTPHONE_NOT_ACCEPTED = "smartphone_not_accepted"  # スマホ保険証に未対応の医療機関等
    NOT_LINKED = "not_linked"  # 保険証利用登録がない
    NO_INSURANCE_RECORD = "no_insurance_record"  # 保険者の資格情報と結び付けられない
    LINKAGE_MISMATCH = "linkage_mismatch"  # 券面事項と保険者の登録内容が一致しない
    LINKED_TO_OTHER = "linked_to_other"  # 別の方の資格情報に結び付いている
    CONSENT_INVALID = "consent_invalid"  # 同意の内容が規則に反する（40歳未満の特定健診等）
    UNVERIFIABLE = "unverifiable"  # 技術的な理由で検証できない（資格の判定ではない）


def is_expired(not_after: datetime, at: datetime) -> bool:
    """X.509 validity includes notAfter itself; the certificate is expired only after it."""
    return at > not_after


def notice_from(not_after: datetime) -> date:
    """The first day (JST) on which a reader should warn of the coming expiry."""
    last_day = not_after.astimezone(JST).date()
    month_index = last_day.year * 12 + last_day.month - 1 - EXPIRY_NOTICE_MONTHS
    year, month = divmod(month_index, 12)
    return _clamped(year, month + 1, last_day.day)


def expires_soon(not_after: datetime, at: datetime) -> bool:
    """Valid, but within EXPIRY_NOTICE_MONTHS of its expiry."""
    return not is_expired(not_after, at) and at.astimezone(JST).date() >= notice_from(not_after)


def _clamped(year: int, month: int, day: int) -> date:
    """`day` of the month, or the month's last day when it is shorter (31 May − 3 months → 28/29 Feb)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))
