"""Domain validation errors.

Every rejected value carries the field it belongs to, a machine-readable problem and a
message in Japanese and English, so that a CSV report, an API error and a wire error
result can all say the same thing. The mapping of problems to wire codes and HTTP
statuses lives in one place: `onshi.wire.result_codes`.
"""

from __future__ import annotations

import re
from enum import StrEnum

# Messages echo the rejected value so a feeder can find it; a run of exactly 12 digits (half- or
# full-width) may be a My Number (個人番号) and is never echoed, whatever field it was sent in.
_MY_NUMBER_LIKE = re.compile(r"(?<!\d)\d{12}(?!\d)")
MY_NUMBER_MASK = "＊" * 12


def redact_my_number(text: str) -> str:
    return _MY_NUMBER_LIKE.sub(MY_NUMBER_MASK, text)


class Problem(StrEnum):
    REQUIRED = "required"  # 必須項目なし
    BAD_FORMAT = "bad_format"  # 形式誤り
    BAD_CHECK_DIGIT = "bad_check_digit"  # 検証番号誤り
    IMPOSSIBLE_DATE = "impossible_date"  # 存在しない日付
    UNKNOWN_CODE = "unknown_code"  # 未定義のコード
    TOO_LONG = "too_long"  # 桁数超過
    INCONSISTENT = "inconsistent"  # 項目間の不整合
    FORBIDDEN_CONTENT = "forbidden_content"  # 個人番号らしき値など、受け付けない内容


class InvalidValue(ValueError):
    """A value that breaks a domain rule."""

    def __init__(self, field: str, problem: Problem, message_ja: str, message_en: str) -> None:
        message_ja, message_en = redact_my_number(message_ja), redact_my_number(message_en)
        super().__init__(f"{field}: {message_en}")
        self.field = field
        self.problem = problem
        self.message_ja = message_ja
        self.message_en = message_en

    def with_field(self, field: str) -> InvalidValue:
        """The same error reported under another field name (e.g. a CSV column)."""
        return InvalidValue(field, self.problem, self.message_ja, self.message_en)
