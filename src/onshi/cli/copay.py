"""`onshi public-expense copay`: what the patient pays at the window (窓口負担) for one visit.

The person is confirmed first — by insurance-card numbers, or by a recipient's numbers (公費負担者
番号 + 受給者番号) for someone on medical aid — directly against $ONSHI_DATABASE_URL, as support
staff do with `onshi confirm`, and audited like any confirmation. Then `onshi.domain.copay`
applies the insurance ratio of the day, the high-cost limit (only with --limit-consent, as the
limit category is shown only with the patient's consent) and every public-expense entitlement
the confirmation found, in priority order.

Exit status: 0 a copay was computed, 1 no valid qualification or medical aid on the day (the
validity is printed), 2 the keys or options were rejected.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import orjson
import typer
from rich.table import Table

from onshi.cli._common import console, fail, run
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.codes import Validity
from onshi.domain.copay import Copay, MonthToDate, Visit, copay, qualification_visit
from onshi.domain.eligibility import Verdict
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityType
from onshi.domain.public_expense import CareSetting, Entitlement, Findings
from onshi.domain.qualification import MemberKey
from onshi.services.confirmation import Confirmed, NumberConfirmation, confirm_by_numbers
from onshi.services.public_expense import MedicalAid
from onshi.services.public_expense_confirmation import (
    RecipientConfirmation,
    RecipientConfirmed,
    confirm_by_recipient,
)
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database


@dataclass(frozen=True, slots=True)
class VisitTerms:
    """What the counter knows about the visit itself."""

    amount_yen: int
    setting: CareSetting
    facility_type: FacilityType | None
    limit_consented: bool
    month: MonthToDate


@dataclass(frozen=True, slots=True)
class Estimate:
    day: date
    validity: Validity
    visit: Visit | None = None
    result: Copay | None = None


def estimate(
    day: date,
    verdict: Verdict,
    findings: Mapping[MemberKey, Findings],
    aid: MedicalAid | None,
    terms: VisitTerms,
) -> Estimate:
    """The copay for a confirmed person, or none when nothing covers them on the day."""
    entitlements: Sequence[Entitlement]
    if aid is not None and aid.valid:  # 医療扶助単独: no insurance share, the aid takes the rest
        visit = Visit(day, terms.amount_yen, terms.setting, None, None, terms.facility_type)
        entitlements = aid.findings.entitlements
    elif verdict.validity is Validity.VALID and verdict.subject is not None:
        person = verdict.subject
        visit = qualification_visit(
            person, day, terms.amount_yen, terms.setting, terms.facility_type, terms.limit_consented
        )
        entitlements = findings.get(person.key, Findings()).entitlements
    else:
        return Estimate(day, verdict.validity)
    return Estimate(day, verdict.validity, visit, copay(visit, entitlements, terms.month))


def copay_command(
    amount: int = typer.Option(..., "--amount", min=0, help="総医療費 (10割) of the visit, in yen"),
    birthdate: str = typer.Option(..., "--birthdate", help="生年月日 YYYYMMDD"),
    insurer_number: str | None = typer.Option(None, "--insurer-number", help="保険者番号"),
    number: str | None = typer.Option(None, "--number", help="被保険者証番号"),
    symbol: str | None = typer.Option(None, "--symbol", help="被保険者証記号"),
    branch: str | None = typer.Option(None, "--branch", help="枝番"),
    payer_number: str | None = typer.Option(None, "--payer-number", help="公費負担者番号 (medical aid)"),
    recipient_number: str | None = typer.Option(None, "--recipient-number", help="受給者番号"),
    on: str | None = typer.Option(None, "--date", help="診療日 YYYYMMDD (default today, JST)"),
    setting: CareSetting = typer.Option(CareSetting.OUTPATIENT, "--setting", help="入院外 / 入院"),
    facility_type: FacilityType | None = typer.Option(None, "--facility-type", help="施設の種類"),
    limit_consent: bool = typer.Option(False, "--limit-consent", help="限度額情報の提供に同意あり"),
    month_amount: int = typer.Option(0, "--month-amount", min=0, help="今月これまでの総医療費 (円)"),
    month_share: int = typer.Option(0, "--month-share", min=0, help="今月これまでの保険の自己負担 (円)"),
    as_json: bool = typer.Option(False, "--json", help="print every figure as JSON"),
) -> None:
    """窓口負担の試算: the patient's copay for one visit with insurance, high-cost limit and 公費."""
    by_insurance = bool(insurer_number or number)
    by_recipient = bool(payer_number or recipient_number)
    if by_insurance == by_recipient:
        fail("give --insurer-number and --number, or --payer-number and --recipient-number", 2)
    terms = VisitTerms(amount, setting, facility_type, limit_consent, MonthToDate(month_amount, month_share))
    actor = Actor(ActorKind.SUPPORT, getpass.getuser(), Channel.CLI)

    async def work(database: Database) -> Estimate | tuple[InvalidValue, ...]:
        audit = DirectAuditLog(database.engine)
        if by_insurance:
            request = NumberConfirmation(insurer_number or "", number or "", birthdate, on, symbol, branch)
            found = await confirm_by_numbers(database, audit, actor, request)
            if not isinstance(found, Confirmed):
                return found.errors
            return estimate(found.query.on, found.verdict, found.public_expense, None, terms)
        recipient = RecipientConfirmation(payer_number or "", recipient_number or "", birthdate, on)
        outcome = await confirm_by_recipient(database, audit, actor, recipient)
        if not isinstance(outcome, RecipientConfirmed):
            return outcome.errors
        aid = outcome.medical_aid
        return estimate(outcome.query.on, outcome.verdict, outcome.public_expense, aid, terms)

    result = run(work)
    if isinstance(result, tuple):
        for error in result:
            console.print(f"[red]{error.field}[/]: {error.message_ja} ({error.message_en})", highlight=False)
        raise typer.Exit(2)
    document = estimate_document(result)
    if as_json:
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
    else:
        _render(result)
    raise typer.Exit(0 if result.result is not None else 1)


def estimate_document(found: Estimate) -> dict[str, Any]:
    """Every figure of the estimate, for scripts (yen as integers)."""
    document: dict[str, Any] = {"date": found.day.isoformat(), "validity": found.validity.value}
    if found.result is None or found.visit is None:
        return document
    result, visit = found.result, found.visit
    return document | {
        "amount_yen": result.amount_yen,
        "insurance_percent": visit.insurance_percent,
        "limit_category": visit.limit_category.value if visit.limit_category else None,
        "insurance_share_yen": result.insurance_share_yen,
        "high_cost_yen": result.high_cost_yen,
        "limited_share_yen": result.limited_share_yen,
        "public_expense": [
            {
                "payer_number": share.entitlement.payer.number.digits,
                "recipient_number": share.entitlement.recipient.digits,
                "programme": share.entitlement.programme.name_ja,
                "pays_yen": share.pays_yen,
                "patient_after_yen": share.patient_after_yen,
            }
            for share in result.public_expense
        ],
        "not_applied": [entitlement.payer.number.digits for entitlement in result.not_applied],
        "insurer_pays_yen": result.insurer_pays_yen,
        "patient_pays_yen": result.patient_pays_yen,
    }


def _render(found: Estimate) -> None:
    if found.result is None or found.visit is None:
        console.print(
            f"資格: {found.validity.label_ja} — 窓口負担を計算できません (no coverage on {found.day})"
        )
        return
    result, visit = found.result, found.visit
    table = Table(title=f"窓口負担の試算 ({found.day:%Y-%m-%d}, {visit.setting.label_ja})")
    table.add_column("項目")
    table.add_column("円", justify="right")
    table.add_row("総医療費 (10割)", f"{result.amount_yen:,}")
    ratio = "医療扶助単独" if visit.insurance_percent is None else f"{visit.insurance_percent // 10}割"
    table.add_row(f"保険の自己負担 ({ratio})", f"{result.insurance_share_yen:,}")
    if visit.limit_category is not None:
        table.add_row(f"高額療養費 (区分 {visit.limit_category.value}) 後", f"{result.limited_share_yen:,}")
    for share in result.public_expense:
        payer, programme = share.entitlement.payer, share.entitlement.programme
        table.add_row(
            f"公費 {payer.number.digits} {payer.name}（{programme.name_ja}）が負担", f"{share.pays_yen:,}"
        )
    table.add_row("[bold]窓口負担[/]", f"[bold]{result.patient_pays_yen:,}[/]")
    console.print(table)
    for entitlement in result.not_applied:
        console.print(f"適用外: {entitlement.payer.number.digits} {entitlement.payer.name}", highlight=False)
