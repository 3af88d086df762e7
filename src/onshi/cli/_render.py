"""Human-readable rendering of result documents, from the wire JSON (so remote and direct agree)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from onshi.domain.codes import ReasonOfLoss, Sex, Validity

_SEX = {Sex.MALE.value: "男", Sex.FEMALE.value: "女", Sex.UNSET.value: "未設定"}


def _day(value: str | None) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:]}" if value else ""


def render_confirmation(console: Console, document: dict[str, Any]) -> None:
    message = document["XmlMsg"]
    header, body = message["MessageHeader"], message.get("MessageBody", {})
    if header.get("SegmentOfResult") != "1":
        console.print(
            f"[bold red]処理エラー[/] {header.get('ErrorCode', '')}: {header.get('ErrorMessage', '')}"
        )
        return
    if body.get("ProcessingResultStatus") != "1":
        console.print(
            f"[bold red]照会エラー[/] {body.get('ProcessingResultCode', '')}: {body.get('ProcessingResultMessage', '')}"
        )
        return
    validity = Validity(body["QualificationValidity"])
    colour = "green" if validity is Validity.VALID else "red"
    console.print(
        f"資格有効性: [bold {colour}]{validity.value} {validity.label_ja}[/]  (確認日 {_day(header.get('QualificationConfirmationDate'))})"
    )
    if body.get("ProcessingResultMessage"):
        console.print(
            f"{body.get('ProcessingResultCode', '')} {body['ProcessingResultMessage']}", highlight=False
        )
    for entry in body.get("ResultList", []):
        console.print(_qualification_table(entry["ResultOfQualificationConfirmation"]))


def _qualification_table(q: dict[str, Any]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    loss = q.get("ReasonOfLoss")
    rows = [
        ("氏名", f"{q.get('Name', '')}（{q.get('NameKana', '')}）"),
        ("生年月日・性別", f"{_day(q.get('Birthdate'))}  {_SEX.get(q.get('Sex1', ''), '')}"),
        ("保険者", f"{q.get('InsurerNumber', '').strip()} {q.get('InsurerName', '')}"),
        (
            "記号・番号・枝番",
            f"{q.get('InsuredCardSymbol', '')}・{q.get('InsuredIdentificationNumber', '')}・{q.get('InsuredBranchNumber', '')}",
        ),
        ("資格取得日", _day(q.get("QualificationDate"))),
        (
            "資格喪失日",
            f"{_day(q.get('DisqualificationDate'))} {ReasonOfLoss(loss).label_ja if loss else ''}".strip(),
        ),
        (
            "負担割合",
            f"{int(q['InsuredPartialContributionRatio']) // 10}割"
            if q.get("InsuredPartialContributionRatio")
            else "",
        ),
    ]
    for label, value in rows:
        if value.strip("・ "):
            table.add_row(f"[dim]{label}[/]", value)
    return table
