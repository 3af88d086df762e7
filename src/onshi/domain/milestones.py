"""The dated steps a facility passes on its way to operating (オンライン資格確認の導入).

The portal's onboarding records each step when it is reached; the operator's adoption
statistics count facilities by the steps reached on a date. The seed's weekly table (004
「都道府県別の状況一覧」) publishes three of them: カードリーダー申込, 本番接続 and 運用開始.
"""

from __future__ import annotations

from enum import StrEnum


class Milestone(StrEnum):
    ACCOUNT_REGISTERED = "account_registered"  # ポータルサイトのアカウント登録
    CARD_READER_APPLIED = "card_reader_applied"  # 顔認証付きカードリーダー申込
    USAGE_APPLIED = "usage_applied"  # 利用申請
    CERTIFICATE_APPLIED = "certificate_applied"  # 電子証明書発行申請
    CERTIFICATE_ISSUED = "certificate_issued"  # 電子証明書発行
    CONNECTED = "connected"  # 本番接続（接続確認済み）
    OPERATING = "operating"  # 運用開始

    @property
    def label_ja(self) -> str:
        return _LABELS[self]


_LABELS = {
    Milestone.ACCOUNT_REGISTERED: "アカウント登録",
    Milestone.CARD_READER_APPLIED: "顔認証付きカードリーダー申込",
    Milestone.USAGE_APPLIED: "利用申請",
    Milestone.CERTIFICATE_APPLIED: "電子証明書発行申請",
    Milestone.CERTIFICATE_ISSUED: "電子証明書発行",
    Milestone.CONNECTED: "本番接続",
    Milestone.OPERATING: "運用開始",
}

# The order a facility passes them in; a later one implies the earlier ones were reached.
ORDER = tuple(Milestone)
