"""onshi's processing-result and error codes — the one table that maps domain outcomes and
wire errors to codes, messages and HTTP statuses.

The official list (別紙6-1 処理結果コード) is not public, so onshi defines its own codes,
prefixed `ONS` so they cannot be mistaken for official ones (docs/wire-codes.md lists them):

* `ONSI2xxx` — information on a normally processed confirmation (ProcessingResultStatus 1):
  why a result is 無効 or 該当資格なし, or a warning such as an expired card;
* `ONSP1xxx` — a per-person error (ProcessingResultStatus 2): the search keys were invalid;
* `ONSE9xxx` — a file-level error (SegmentOfResult 9): the file could not be processed.
  `ONSE95xx` are technical failures ("could not verify"), never a verdict on coverage;
* `ONSW3xxx` — answered by the terminal itself in emergency mode (緊急時資格確認機能), from a
  batch pre-check it holds, while central could not be reached: a normally processed result
  whose verdict is the pre-check's, reconciled later with central's own answer.
"""

from __future__ import annotations

from dataclasses import dataclass

from onshi.domain.eligibility import Reason
from onshi.domain.errors import Problem
from onshi.wire._errors import WireErrorKind


@dataclass(frozen=True, slots=True)
class ResultCode:
    code: str
    http_status: int
    summary_ja: str
    summary_en: str


INFO: dict[Reason, ResultCode] = {
    Reason.VALID: ResultCode("", 200, "", ""),
    Reason.VALID_CARD_EXPIRED: ResultCode(
        "ONSI2001", 200, "資格有効（被保険者証等の有効期限切れ）", "valid; card expired"
    ),
    Reason.LOST: ResultCode("ONSI2002", 200, "資格喪失", "qualification lost"),
    Reason.LOST_NEWER_EXISTS: ResultCode(
        "ONSI2003", 200, "資格喪失（新しい資格あり）", "lost; newer qualification exists"
    ),
    Reason.NOT_YET_ACQUIRED: ResultCode("ONSI2004", 200, "資格取得前", "before the qualification starts"),
    Reason.NO_SUCH_NUMBERS: ResultCode("ONSI2005", 200, "該当する資格情報なし", "no such numbers"),
    Reason.BRANCH_MISMATCH: ResultCode("ONSI2006", 200, "枝番不一致", "branch number does not match"),
    Reason.BIRTHDATE_MISMATCH: ResultCode("ONSI2007", 200, "生年月日不一致", "birth date does not match"),
    Reason.AMBIGUOUS: ResultCode(
        "ONSI2008", 200, "複数該当（枝番を指定してください）", "several people match"
    ),
}

INPUT_ERRORS: dict[Problem, ResultCode] = {
    Problem.REQUIRED: ResultCode("ONSP1001", 422, "必須項目がありません", "required value missing"),
    Problem.BAD_FORMAT: ResultCode("ONSP1002", 422, "形式に誤りがあります", "malformed value"),
    Problem.BAD_CHECK_DIGIT: ResultCode(
        "ONSP1003", 422, "保険者番号の検証番号に誤りがあります", "bad check digit"
    ),
    Problem.IMPOSSIBLE_DATE: ResultCode("ONSP1004", 422, "日付に誤りがあります", "impossible date"),
    Problem.UNKNOWN_CODE: ResultCode("ONSP1005", 422, "コードに誤りがあります", "unknown code"),
    Problem.TOO_LONG: ResultCode("ONSP1006", 422, "桁数が超過しています", "value too long"),
    Problem.INCONSISTENT: ResultCode("ONSP1007", 422, "項目間に不整合があります", "inconsistent values"),
    Problem.FORBIDDEN_CONTENT: ResultCode("ONSP1008", 422, "受け付けられない値です", "value refused"),
}

FILE_ERRORS: dict[WireErrorKind, ResultCode] = {
    WireErrorKind.MALFORMED: ResultCode("ONSE9001", 400, "XMLの形式に誤りがあります", "malformed XML"),
    WireErrorKind.FORBIDDEN_MARKUP: ResultCode(
        "ONSE9002", 400, "DTD・実体宣言は使用できません", "DTD or entities"
    ),
    WireErrorKind.TOO_LARGE: ResultCode(
        "ONSE9003", 413, "ファイルサイズが上限を超えています", "file too large"
    ),
    WireErrorKind.ENCODING: ResultCode("ONSE9004", 400, "文字コードに誤りがあります", "bad encoding"),
    WireErrorKind.WRONG_MESSAGE: ResultCode("ONSE9005", 400, "電文の種類が不明です", "unknown message"),
    WireErrorKind.MISSING_ELEMENT: ResultCode(
        "ONSE9006", 400, "必須の要素がありません", "required element missing"
    ),
    WireErrorKind.BAD_VALUE: ResultCode("ONSE9007", 400, "要素の値に誤りがあります", "bad element value"),
    WireErrorKind.TOO_MANY_ENTRIES: ResultCode(
        "ONSE9008", 413, "件数が上限を超えています", "too many entries"
    ),
    WireErrorKind.INCONSISTENT: ResultCode(
        "ONSE9009", 400, "要素の間に矛盾があります", "elements contradict each other"
    ),
}

# Refusals and technical failures that are not about the file's content.
FACILITY_MISMATCH = ResultCode(
    "ONSE9101", 403, "医療機関等コードがこの端末・認証情報と一致しません", "facility mismatch"
)
FACILITY_REFUSED = ResultCode("ONSE9102", 403, "利用が認められていない医療機関等です", "facility not allowed")
RECEPTION_NUMBER_UNKNOWN = ResultCode(
    "ONSE9103", 404, "受付番号に該当する一括要求がありません", "no bulk request has this reception number"
)
NO_VIEWING_CONSENT = ResultCode(
    "ONSE9104",
    403,
    "閲覧の同意がないか、同意の有効期限が切れています",
    "no consent to view this information, or the consent has expired",
)
TECHNICAL_FAILURE = ResultCode(
    "ONSE9501",
    503,
    "システムの障害により資格を確認できませんでした（資格の有無の判定ではありません）。時間をおいて再照会してください",
    "technical failure: eligibility could not be checked (not a verdict); retry later",
)

# Written by the terminal, not central (onshi.terminal.emergency); the message names the
# day of the batch pre-check the verdict comes from.
EMERGENCY_ANSWER = ResultCode(
    "ONSW3001",
    200,
    "緊急時資格確認機能による回答",
    "answered by the terminal in emergency mode, from its latest batch pre-check",
)

# --- My Number Card confirmations (onshi.services.card_confirmation) and 照会番号 registration
# (onshi.services.reference_numbers). The maps are keyed by the string values of
# onshi.domain.card.CardProblem and onshi.services.reference_numbers.Problem.

CARD_EXPIRY_NOTICE = ResultCode(
    "ONSI2101", 200, "電子証明書の有効期限が近づいています", "certificate expires within 3 months"
)

CARD_ERRORS: dict[str, ResultCode] = {
    "expired": ResultCode(
        "ONSP3001",
        403,
        "マイナンバーカードの電子証明書の有効期限が切れています。お住まいの市区町村の窓口で更新してください",
        "certificate expired: renew it at the municipal office",
    ),
    "revoked": ResultCode("ONSP3002", 403, "この電子証明書は失効しています", "certificate revoked"),
    "untrusted": ResultCode(
        "ONSP3003",
        403,
        "J-LISが発行した利用者証明用電子証明書として確認できません",
        "not a user-authentication certificate of the J-LIS CA",
    ),
    "bad_signature": ResultCode(
        "ONSP3004", 403, "カードの署名を確認できませんでした", "the card's signature does not verify"
    ),
    "challenge": ResultCode(
        "ONSP3005",
        409,
        "認証の要求が無効です（使用済みまたは期限切れ）。もう一度カードを置いてください",
        "challenge unknown, already used or expired",
    ),
    "smartphone_not_accepted": ResultCode(
        "ONSP3006",
        403,
        "この医療機関・薬局ではスマートフォンの健康保険証利用（スマホ保険証）に対応していません。マイナンバーカードをご利用ください",
        "this facility does not accept smartphone certificates",
    ),
    "not_linked": ResultCode(
        "ONSP3007",
        404,
        "このカードは健康保険証としての利用登録がされていません",
        "card not registered for insurance use",
    ),
    "no_insurance_record": ResultCode(
        "ONSP3008",
        404,
        "ご加入の医療保険の資格情報とカードを結び付けられませんでした。ご加入の医療保険者にお問い合わせください",
        "no insurance record can be associated with this card",
    ),
    "linkage_mismatch": ResultCode(
        "ONSP3009",
        422,
        "カードの券面事項と医療保険者の登録内容が一致しないため、利用登録できませんでした",
        "card-surface data do not match the insurer's record; not linked",
    ),
    "linked_to_other": ResultCode(
        "ONSP3010",
        409,
        "このカードは既に別の方の資格情報に登録されています",
        "the card already resolves to another person",
    ),
    "consent_invalid": ResultCode(
        "ONSP3011", 422, "同意の内容に誤りがあります", "consent choices break a rule"
    ),
    "unverifiable": ResultCode(
        "ONSE9502",
        503,
        "技術的な理由により電子証明書を確認できませんでした（資格の有無の判定ではありません）。時間をおいて再度お試しください",
        "technical failure: the card could not be verified (not a verdict); retry later",
    ),
}

REFERENCE_NUMBER_ERRORS: dict[str, ResultCode] = {
    "not_found": ResultCode(
        "ONSP4001", 422, "該当する資格情報がないため照会番号を登録できません", "no such person"
    ),
    "ambiguous": ResultCode(
        "ONSP4002", 422, "該当する方が複数います。枝番を指定してください", "several people match"
    ),
}

# --- Clinical information (onshi.services.clinical, onshi.services.medical_info_files) and
# 再照会. Keyed by onshi.domain.clinical_access.Refusal values, plus the file-only cases.

CLINICAL_REFUSALS: dict[str, ResultCode] = {
    "no_patient": ResultCode(
        "ONSP5001", 404, "該当する患者の資格情報がありません", "no patient has these numbers"
    ),
    "ambiguous": ResultCode(
        "ONSP5002", 422, "該当する方が複数います。枝番を指定してください", "several people match: give the branch number"
    ),
    "no_consent": ResultCode("ONSP5003", 403, "患者の同意がありません", "the patient has not consented"),
    "item_not_consented": ResultCode(
        "ONSP5004", 403, "この情報の提供には同意されていません", "the patient did not consent to this item"
    ),
    "expired": ResultCode(
        "ONSP5005", 403, "同意の閲覧有効期限が過ぎています", "the consent's viewing window has ended"
    ),
    "withdrawn": ResultCode("ONSP5006", 403, "患者が同意を取り消しています", "the patient withdrew the consent"),
    "under_40": ResultCode(
        "ONSP5007", 403, "特定健診等情報は40歳以上の方のみ閲覧できます", "checkups are shown from age 40 only"
    ),
    "not_home_visit": ResultCode(
        "ONSP5008", 403, "再照会は訪問診療等（居宅同意取得型）で資格確認した患者のみ可能です",
        "re-inquiry needs a home-visit relationship",
    ),
    "relationship_lapsed": ResultCode(
        "ONSP5009", 403, "継続的な訪問診療等の関係が確認できないため再照会できません",
        "the home-visit relationship has lapsed",
    ),
    "pdf_not_supported": ResultCode(
        "ONSP5010", 422, "PDF形式には対応していません。FileCategory 2 または 4（XML）で要求してください",
        "PDF is not offered: ask for FileCategory 2 or 4 (XML)",
    ),
}  # fmt: skip
