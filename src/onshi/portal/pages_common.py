"""What the portal's page routes share: the signed-in principal (or the way to the sign-in page,
a 403 or a 404 page), form values from a request, and the page for a refusal."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from onshi.domain.portal.roles import Permission
from onshi.portal.auth import page_principal
from onshi.portal.errors import form_errors, status_of
from onshi.portal.views import render, to_login
from onshi.services.portal_common import Principal


async def signed_in(
    request: Request, permission: Permission, facility_code: str | None = None
) -> Principal | Response:
    """The principal when it may do `permission` (on `facility_code`), else the answer to give."""
    principal = await page_principal(request)
    if principal is None:
        return to_login()
    if not principal.may(permission):
        return message(
            request,
            principal,
            "利用できません",
            f"{principal.role.label_ja}はこのページを利用できません。",
            403,
        )
    if facility_code is not None and not principal.covers(facility_code):
        return message(request, principal, "見つかりません", "この医療機関等は見つかりません。", 404)
    return principal


def message(request: Request, principal: Principal | None, heading: str, text: str, status: int) -> Response:
    return render(
        request, "message.html", {"principal": principal, "heading": heading, "message": text}, status
    )


def refusal(request: Request, principal: Principal, error: Exception) -> Response:
    """A refused action without a form to show again (e.g. a button on the facility's page)."""
    _, text = form_errors(error)
    status = status_of(error)
    return message(request, principal, "できませんでした", text, status)


async def form_values(request: Request) -> dict[str, Any]:
    """The posted form: single values as strings, repeated names (checkbox groups) as lists."""
    values: dict[str, Any] = {}
    async with request.form(max_files=0) as form:  # no uploads here; closes any temporary file
        for key in form:
            items = [v for v in form.getlist(key) if isinstance(v, str)]
            values[key] = items if len(items) > 1 else (items[0] if items else "")
    return values
