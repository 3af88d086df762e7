"""`onshi confirm`: a confirmation by insurance-card numbers, against a running central
(--central URL --key KEY) or directly against $ONSHI_DATABASE_URL (support staff).

Exit status: 0 a result was obtained (whatever the validity), 2 the keys were rejected,
3 the call was refused (key, facility), 4 central could not be reached or failed.
"""

from __future__ import annotations

import getpass
import sys
from typing import Any

import httpx
import orjson
import typer

from onshi import wire
from onshi.cli._common import console, errors, run
from onshi.cli._render import render_confirmation
from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.services.confirmation import (
    Confirmed,
    NumberConfirmation,
    confirm_by_numbers,
    result_document,
    search_echo,
)
from onshi.store.audit import DirectAuditLog
from onshi.store.database import Database
from onshi.wire.qualification import ResultHeader

SUPPORT_FACILITY = "0000000000"  # MedicalInstitutionCode in results made directly by support staff


def confirm(
    insurer_number: str = typer.Option(..., "--insurer-number", help="保険者番号"),
    number: str = typer.Option(..., "--number", help="被保険者証番号"),
    birthdate: str = typer.Option(..., "--birthdate", help="生年月日 YYYYMMDD"),
    symbol: str | None = typer.Option(None, "--symbol", help="被保険者証記号"),
    branch: str | None = typer.Option(None, "--branch", help="枝番"),
    on: str | None = typer.Option(None, "--date", help="資格確認日 YYYYMMDD (default today, JST)"),
    limit_consent: bool = typer.Option(False, "--limit-consent", help="限度額適用認定証提供同意あり"),
    as_json: bool = typer.Option(
        False, "--json", help="print the result document as JSON (wire element names)"
    ),
    as_xml: bool = typer.Option(False, "--xml", help="print the OQSsiquc01res XML"),
    central: str | None = typer.Option(None, "--central", help="URL of a running central"),
    key: str | None = typer.Option(
        None, "--key", envvar="ONSHI_API_KEY", help="facility API key (with --central)"
    ),
) -> None:
    """Confirm eligibility by insurance-card numbers (被保険者証等の記号・番号等による資格確認)."""
    request = NumberConfirmation(insurer_number, number, birthdate, on, symbol, branch, limit_consent)
    if central:
        if not key:
            errors.print("--key (or $ONSHI_API_KEY) is required with --central")
            raise typer.Exit(3)
        status, document = _remote(central, key, request, as_xml)
    else:
        status, document = _direct(request)
    _print(document, as_json, as_xml)
    raise typer.Exit(status)


def _body(request: NumberConfirmation) -> dict[str, Any]:
    return {
        "insurer_number": request.insurer_number,
        "insured_card_symbol": request.symbol,
        "insured_identification_number": request.number,
        "insured_branch_number": request.branch,
        "birthdate": request.birthdate,
        "qualification_confirmation_date": request.on,
        "limit_application_certificate_related_cons_flg": "1" if request.limit_consent else "0",
    }


def _remote(central: str, key: str, request: NumberConfirmation, as_xml: bool) -> tuple[int, Any]:
    headers = {
        "Authorization": f"Bearer {key}",
        "Accept": "application/xml" if as_xml else "application/json",
    }
    try:
        response = httpx.post(
            f"{central.rstrip('/')}/api/v1/confirmations", json=_body(request), headers=headers, timeout=10.0
        )
    except httpx.HTTPError as error:
        errors.print(
            f"central could not be reached — eligibility NOT checked (技術的な理由で未確認): {error}"
        )
        raise typer.Exit(4) from None
    if response.status_code in (401, 403):
        errors.print(f"refused ({response.status_code}): {response.text}")
        raise typer.Exit(3)
    if response.status_code >= 500:
        errors.print(f"central failed ({response.status_code}) — eligibility NOT checked: {response.text}")
        raise typer.Exit(4)
    status = 2 if response.status_code == 422 else 0
    return status, response.content if as_xml else response.json()


def _direct(request: NumberConfirmation) -> tuple[int, Any]:
    actor = Actor(ActorKind.SUPPORT, getpass.getuser(), Channel.CLI)

    async def work(database: Database) -> tuple[int, Any]:
        outcome = await confirm_by_numbers(database, DirectAuditLog(database.engine), actor, request)
        confirmed = isinstance(outcome, Confirmed)
        header = ResultHeader(
            SUPPORT_FACILITY,
            outcome.processed_at,
            outcome.query.on if isinstance(outcome, Confirmed) else None,
        )
        return (0 if confirmed else 2), wire.to_json(result_document(outcome, header, search_echo(request)))

    return run(work)


def _print(document: Any, as_json: bool, as_xml: bool) -> None:
    if as_xml:
        data = document if isinstance(document, bytes) else _to_xml(document)
        sys.stdout.buffer.write(data)
        return
    if as_json:
        sys.stdout.write(orjson.dumps(document, option=orjson.OPT_INDENT_2).decode() + "\n")
        return
    render_confirmation(console, document)


def _to_xml(document: dict[str, Any]) -> bytes:
    return wire.to_xml(document["XmlMsg"], wire.MessageKind.SINGLE_INQUIRY_RESULT)
