"""`onshi portal …`: the facility portal from the server side (the operator's work): corporations,
the review queue, a facility's onboarding, bulk files, compliance and the survey's tally.

Everything here is also in the portal's pages and API (docs/portal.md); the CLI acts as an
operator named after the OS user, and every change is audited like the pages' changes.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson
import typer
from rich.table import Table

from onshi.cli._common import console, fail, operator_actor, parse_or_fail, run
from onshi.cli._feeds import import_file
from onshi.domain.actors import Actor, ActorKind
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue
from onshi.domain.facility import FacilityCode
from onshi.domain.portal import compliance
from onshi.domain.portal.documents import plain
from onshi.domain.portal.onboarding import TransitionRefused
from onshi.domain.portal.roles import Role
from onshi.domain.portal.transitional import Status
from onshi.feeds.portal_csv import FEEDS, FeedFormatError
from onshi.security.passwords import new_password
from onshi.services import portal_accounts, portal_bulk, portal_filings, portal_onboarding
from onshi.services import portal_views as views
from onshi.services.insurer_import import ImportReport
from onshi.services.portal_common import PortalError, Principal
from onshi.store import apikeys
from onshi.store import portal_accounts as accounts_store
from onshi.store.audit import AuditLog
from onshi.store.database import Database

app = typer.Typer(
    help="医療機関等向け総合ポータルサイト: the operator's side of the portal.", no_args_is_help=True
)
corporation_app = typer.Typer(
    help="法人 (hospital groups, pharmacy chains): accounts, keys, facilities.", no_args_is_help=True
)
account_app = typer.Typer(help="Suspend or reactivate a portal account.", no_args_is_help=True)
notification_app = typer.Typer(help="経過措置の事前届出.", no_args_is_help=True)
app.add_typer(corporation_app, name="corporation")
app.add_typer(account_app, name="account")
app.add_typer(notification_app, name="notification")
_JSON = "print JSON"


def _refused(call: Any) -> Any:
    """Run a portal call; its refusals end the command with their message (exit 1 or 2)."""
    try:
        return call()
    except PortalError as error:
        fail(f"{error.code}: {error.message_en} ({error.message_ja})", 1)
    except TransitionRefused as error:
        fail(f"{error.code}: {error.message_en} ({error.message_ja})", 1)
    except InvalidValue as error:
        fail(f"{error.field}: {error.message_en} ({error.message_ja})", 2)
    return None


def _print_json(document: object) -> None:
    sys.stdout.write(orjson.dumps(plain(document), option=orjson.OPT_INDENT_2).decode() + "\n")


# --- corporations ------------------------------------------------------------------------------------


@corporation_app.command("add")
def corporation_add(
    login: str = typer.Argument(..., help="login ID (a-z 0-9 . _ -, 3–32)"),
    name: str = typer.Option(..., help="法人名"),
    email: str = typer.Option(..., help="contact address"),
    password: str | None = typer.Option(None, help="initial password (default: generated and shown once)"),
) -> None:
    """Create a corporation's portal account."""
    secret = password or new_password() + "-1"
    stored = _refused(
        lambda: run(
            lambda db: portal_accounts.create_corporation(db, operator_actor(), login, name, email, secret)
        )
    )
    console.print(f"corporation {stored} created")
    if password is None:
        console.print(f"initial password (shown once): {secret}", highlight=False)


@corporation_app.command("link")
def corporation_link(
    login: str, codes: list[str] = typer.Argument(..., help="医療機関等コード with a portal account")
) -> None:
    """Link facilities to a corporation (it then acts for them)."""
    linked = _refused(
        lambda: run(lambda db: portal_accounts.link_facilities(db, operator_actor(), login.lower(), codes))
    )
    console.print(f"linked to {login.lower()}: {', '.join(linked)}")


@corporation_app.command("key")
def corporation_key(login: str) -> None:
    """An API key for the corporation (its own facilities only; shown once)."""

    async def work(database: Database) -> str | None:
        async with database.write() as conn:
            if await accounts_store.corporation(conn, login.lower()) is None:
                return None
            key, _ = await apikeys.create(conn, ActorKind.CORPORATION, login.lower())
        return key.secret

    secret = run(work)
    if secret is None:
        fail(f"no corporation {login}")
    console.print(secret, highlight=False)


@corporation_app.command("list")
def corporation_list() -> None:
    table = Table("login", "name", "status")
    for corporation in run(views.corporations):
        table.add_row(corporation.login, corporation.name, corporation.status)
    console.print(table)


@account_app.command("suspend")
def account_suspend(
    subject: str, corporation: bool = typer.Option(False, help="SUBJECT is a corporation's login")
) -> None:
    """Suspend a facility's portal account (by code) or a corporation: its sessions stop at once."""
    _set_status(subject, corporation, active=False)


@account_app.command("activate")
def account_activate(
    subject: str, corporation: bool = typer.Option(False, help="SUBJECT is a corporation's login")
) -> None:
    _set_status(subject, corporation, active=True)


def _set_status(subject: str, corporation: bool, active: bool) -> None:
    role = Role.CORPORATION if corporation else Role.FACILITY
    _refused(lambda: run(lambda db: portal_accounts.set_status(db, operator_actor(), role, subject, active)))
    console.print(f"{subject} {'active' if active else 'suspended'}")


# --- the review queue and a facility ----------------------------------------------------------------


@app.command("applications")
def applications(
    status: str = typer.Option("pending", help="pending / approved / returned"),
    kind: str | None = typer.Option(None, help="card_reader / usage / certificate / subsidy"),
    as_json: bool = typer.Option(False, "--json", help=_JSON),
) -> None:
    """Applications in the review queue (oldest first) or decided ones."""
    kinds = (kind,) if kind else ("card_reader", "usage", "certificate", "subsidy")
    found = run(lambda db: views.review_queue(db, kinds, status))
    if as_json:
        _print_json(found)
        return
    table = Table("id", "facility", "kind", "submitted", "status", "grant", "reason")
    for a in found:
        grant = f"{a.grant_yen:,}" if a.grant_yen is not None else ""
        table.add_row(str(a.id), f"{a.facility_code} {a.facility_name}", a.kind, f"{a.submitted_at:%Y-%m-%d %H:%M}",
                      a.status, grant, a.return_reason or "")  # fmt: skip
    console.print(table)


@app.command("approve")
def approve(application_id: int) -> None:
    """Approve a pending application (an approved certificate can then be downloaded once)."""
    decided = _refused(
        lambda: run(lambda db: portal_onboarding.decide(db, operator_actor(), application_id, True))
    )
    console.print(f"application {decided.id} ({decided.kind}, {decided.facility_code}) approved")


@app.command("return")
def send_back(
    application_id: int, reason: str = typer.Option(..., help="差戻し理由, shown to the facility")
) -> None:
    """Return a pending application with a reason."""
    decided = _refused(
        lambda: run(lambda db: portal_onboarding.decide(db, operator_actor(), application_id, False, reason))
    )
    console.print(f"application {decided.id} ({decided.kind}, {decided.facility_code}) returned")


@app.command("status")
def status(code: str, as_json: bool = typer.Option(False, "--json", help=_JSON)) -> None:
    """A facility's onboarding: stage, milestones, applications, certificates."""
    facility_code = parse_or_fail(lambda: FacilityCode.parse(code)).digits
    page = _refused(lambda: run(lambda db: views.facility_page(db, facility_code)))
    if as_json:
        from onshi.portal.documents import facility_page  # the web package: only when asked for

        _print_json(facility_page(page))
        return
    console.print(
        f"{page.row.code} {page.row.name}: {page.onboarding.stage.label_ja} ({page.onboarding.stage.value})"
    )
    console.print(f"next: {page.onboarding.stage.next_step_ja}", highlight=False)
    for milestone, day in sorted(page.reached.items(), key=lambda item: item[1]):
        console.print(f"  {day.isoformat()} {milestone.value} {milestone.label_ja}", highlight=False)


# --- bulk files, compliance, survey -----------------------------------------------------------------


@app.command("bulk")
def bulk(
    feed: str = typer.Argument(..., help=" / ".join(FEEDS)),
    file: Path = typer.Argument(..., exists=True, dir_okay=False),
    as_json: bool = typer.Option(False, "--json", help=_JSON),
) -> None:
    """一括申請 as the operator (docs/portal.md): bad rows reported with line and reason, the rest
    applied; exit 1 when any row was rejected."""

    async def importer(
        database: Database, audit: AuditLog, name: str, lines: Iterable[str], actor: Actor, source: str
    ) -> ImportReport:
        principal = Principal(Role.OPERATOR, actor, None, actor.id)
        return await portal_bulk.import_bulk(database, audit, name, lines, principal, source)

    import_file(feed, file, FEEDS, importer, (FeedFormatError,), as_json)


@app.command("compliance")
def compliance_list(
    as_of: str | None = typer.Option(None, help="基準日 YYYY-MM-DD (default today)"),
    only: Status | None = typer.Option(None, "--status", help="only facilities in this status"),
    as_json: bool = typer.Option(False, "--json", help=_JSON),
) -> None:
    """Who is compliant, exempt (paper claims), transitional or overdue on a day."""
    day = parse_or_fail(lambda: parse_flexible_date(as_of, "as_of")) if as_of else today_jst()
    verdicts = run(lambda db: portal_filings.verdicts(db, day))
    shown = portal_filings.filter_verdicts(verdicts, only)
    counts = compliance.counts(verdicts)
    if as_json:
        _print_json({"as_of": day, "counts": counts, "facilities": shown})
        return
    console.print(", ".join(f"{s.label_ja} {n}" for s, n in counts.items()), highlight=False)
    table = Table("facility", "type", "status", "deadline", "reason")
    for v in shown[:500]:
        until = v.deadline.until.isoformat() if v.deadline and v.deadline.until else ""
        table.add_row(f"{v.facts.code} {v.facts.name}", v.facts.facility_type.value, v.status.label_ja, until,
                      " / ".join(note.ja for note in v.reasons))  # fmt: skip
    console.print(table)


@app.command("survey")
def survey_tally(as_json: bool = typer.Option(False, "--json", help=_JSON)) -> None:
    """The adoption-intent survey's tally by reason and prefecture."""
    tally = run(portal_filings.survey_tally)
    if as_json:
        _print_json(tally)
        return
    console.print(
        f"responses {tally.total.responses}: plans {tally.total.plans}, none {tally.total.no_plans}"
    )
    table = Table("reason", "count")
    for reason, count in tally.total.reasons.most_common():
        table.add_row(reason.label_ja, str(count))
    console.print(table)
    by = Table("prefecture", "responses", "plans", "none", "top reason")
    for code, group in tally.by_prefecture.items():
        top = group.top_reason()
        by.add_row(
            code, str(group.responses), str(group.plans), str(group.no_plans), top.label_ja if top else ""
        )
    console.print(by)


@notification_app.command("approve")
def notification_approve(notification_id: int) -> None:
    """個別判断: accept a その他特に困難な事情 notification as like categories (1)–(4)."""
    _refused(
        lambda: run(lambda db: portal_filings.approve_notification(db, operator_actor(), notification_id))
    )
    console.print(f"notification {notification_id} approved")
