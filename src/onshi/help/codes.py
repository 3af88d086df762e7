"""Staff-facing explanations of result and error codes, found in a question by their shape.

`explain(text)` returns, in the order they appear, an explanation for every code the text
contains: onshi's own codes (`ONSI2005`, `onse9501` …; their summaries come from
`onshi.wire.result_codes`, the staff wording from the packaged `codes.json`), wire status
values written with their element (`QualificationValidity 4`, `処理結果区分 9`), and anything
else that looks like a device or system code (`OQC-OWSE0900000`, `EQ1234`), which onshi
cannot explain but says what to do with.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from onshi.help.faq import Lang
from onshi.wire import result_codes
from onshi.wire.result_codes import ResultCode


@dataclass(frozen=True, slots=True)
class CodeHelp:
    """One code explained: what happened and what to do next."""

    code: str
    kind: str  # "onshi" (ONS… codes), "status" (a wire status value) or "unknown"
    title_ja: str
    title_en: str
    explain_ja: str
    next_ja: str
    explain_en: str
    next_en: str
    http_status: int | None = None

    def title(self, lang: Lang) -> str:
        return self.title_ja if lang == "ja" else self.title_en

    def explanation(self, lang: Lang) -> str:
        return self.explain_ja if lang == "ja" else self.explain_en

    def next_step(self, lang: Lang) -> str:
        return self.next_ja if lang == "ja" else self.next_en


def defined_codes() -> dict[str, ResultCode]:
    """Every code onshi writes, from `onshi.wire.result_codes` (the one table)."""
    found: dict[str, ResultCode] = {}
    for value in vars(result_codes).values():
        candidates = value.values() if isinstance(value, dict) else (value,)
        for candidate in candidates:
            if isinstance(candidate, ResultCode) and candidate.code:
                found[candidate.code] = candidate
    return found


@cache
def _data() -> dict[str, Any]:
    text = resources.files("onshi.help").joinpath("codes.json").read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


@cache
def onshi_codes() -> dict[str, CodeHelp]:
    summaries = defined_codes()
    helps: dict[str, CodeHelp] = {}
    for raw in _data()["codes"]:
        code = raw["code"]
        summary = summaries.get(code)
        helps[code] = CodeHelp(
            code=code,
            kind="onshi",
            title_ja=f"{code} {summary.summary_ja}" if summary else code,
            title_en=f"{code} {summary.summary_en}" if summary else code,
            explain_ja=raw["explain_ja"],
            next_ja=raw["next_ja"],
            explain_en=raw["explain_en"],
            next_en=raw["next_en"],
            http_status=summary.http_status if summary else None,
        )
    for code, summary in summaries.items():  # a code added to the table before its wording here
        helps.setdefault(
            code,
            CodeHelp(
                code=code,
                kind="onshi",
                title_ja=f"{code} {summary.summary_ja}",
                title_en=f"{code} {summary.summary_en}",
                explain_ja=summary.summary_ja,
                next_ja="docs/wire-codes.md の説明を確認し、わからなければベンダーに問い合わせてください。",
                explain_en=summary.summary_en,
                next_en="See docs/wire-codes.md; ask your vendor if unsure.",
                http_status=summary.http_status,
            ),
        )
    return helps


@cache
def status_values() -> dict[tuple[str, str], CodeHelp]:
    helps: dict[tuple[str, str], CodeHelp] = {}
    for raw in _data()["statuses"]:
        helps[(raw["element"], raw["value"])] = CodeHelp(
            code=f"{raw['element']}={raw['value']}",
            kind="status",
            title_ja=raw["label_ja"],
            title_en=raw["label_en"],
            explain_ja=raw["explain_ja"],
            next_ja=raw["next_ja"],
            explain_en=raw["explain_en"],
            next_en=raw["next_en"],
        )
    return helps


# Element names as written on the wire and as staff read them on screens.
_ELEMENT_ALIASES = {
    "qualificationvalidity": "QualificationValidity",
    "資格有効性": "QualificationValidity",
    "segmentofresult": "SegmentOfResult",
    "処理結果区分": "SegmentOfResult",
    "processingresultstatus": "ProcessingResultStatus",
    "処理結果状況": "ProcessingResultStatus",
    "resultcode": "ResultCode",
}
_ONSHI = re.compile(r"(?<![A-Za-z0-9])ONS[IPEW]\d{4}(?![0-9])", re.IGNORECASE)
_STATUS = re.compile(
    r"(" + "|".join(map(re.escape, _ELEMENT_ALIASES)) + r")\s*(?:[=:は]|が)?\s*(\d)(?!\d)", re.IGNORECASE
)
# Upper-case letters then digits, optionally hyphenated: how device and system codes look.
_OTHER = re.compile(r"(?<![A-Za-z0-9])[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*\d{3,}(?![A-Za-z0-9])")


def _unknown(code: str) -> CodeHelp:
    return CodeHelp(
        code=code,
        kind="unknown",
        title_ja=f"{code}（onshi のコードではありません）",
        title_en=f"{code} (not an onshi code)",
        explain_ja="onshi が出すコードは ONS で始まります。このコードはカードリーダー・資格確認端末・レセコンなど別のシステムのものと思われ、onshi では意味を説明できません。",
        next_ja="コード・メッセージ・発生時刻を控え、機器やレセコンのベンダー、またはオンライン資格確認等コールセンターに問い合わせてください。その間の受付は番号での照会か申立書で行えます。",
        explain_en="onshi's codes start with ONS. This one seems to come from another system (card reader, terminal, receipt computer), so onshi cannot explain it.",
        next_en="Note the code, message and time and contact the device or receipt-computer vendor or the call centre. Meanwhile confirm by numbers or accept with a declaration.",
    )


def explain(text: str) -> list[CodeHelp]:
    """Explanations for the codes in `text`, in order of appearance, each once."""
    normal = unicodedata.normalize("NFKC", text)
    found: list[tuple[int, CodeHelp]] = []
    taken: list[tuple[int, int]] = []
    for match in _ONSHI.finditer(normal):
        code = match.group(0).upper()
        help_ = onshi_codes().get(code) or _unknown(code)
        found.append((match.start(), help_))
        taken.append(match.span())
    for match in _STATUS.finditer(normal):
        element = _ELEMENT_ALIASES[match.group(1).lower()]
        status = status_values().get((element, match.group(2)))
        if status is not None:
            found.append((match.start(), status))
            taken.append(match.span())
    for match in _OTHER.finditer(normal):
        if not any(start <= match.start() < end for start, end in taken):
            found.append((match.start(), _unknown(match.group(0))))
    seen: set[str] = set()
    ordered: list[CodeHelp] = []
    for _, help_ in sorted(found, key=lambda item: item[0]):
        if help_.code not in seen:
            seen.add(help_.code)
            ordered.append(help_)
    return ordered
