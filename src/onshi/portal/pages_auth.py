"""The portal's doors: the top (/portal/), sign-in and sign-out, and account registration."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, Response

from onshi.domain.actors import Actor, ActorKind, Channel
from onshi.domain.facility import FacilityType
from onshi.domain.portal.registration import check_password, read_registration
from onshi.domain.portal.roles import Role
from onshi.portal.auth import page_principal
from onshi.portal.errors import REFUSALS, form_errors, status_of
from onshi.portal.pages_common import form_values
from onshi.portal.views import PORTAL_COOKIE, central_of, render, see_other, set_cookie, to_login
from onshi.services import portal_accounts

router = APIRouter(prefix="/portal", include_in_schema=False)
ROLES = tuple((role.value, role.label_ja) for role in Role)
TYPES = tuple((kind.value, kind.label_ja) for kind in FacilityType)
MAX_AGE = int(portal_accounts.SESSION_LIFETIME.total_seconds())


def home_of(role: Role, subject: str) -> str:
    if role is Role.FACILITY:
        return f"/portal/facilities/{subject}"
    return "/portal/corporation" if role is Role.CORPORATION else "/portal/operator"


@router.get("/", response_class=HTMLResponse)
async def top(request: Request) -> Response:
    principal = await page_principal(request)
    if principal is None:
        return to_login()
    return see_other(home_of(principal.role, principal.actor.id))


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request) -> Response:
    return render(
        request, "login.html", {"roles": ROLES, "role": Role.FACILITY.value, "login": "", "failed": False}
    )


@router.post("/login")
async def login(
    request: Request,
    login: Annotated[str, Form(max_length=64)],
    password: Annotated[str, Form(max_length=200)],
    role: Annotated[str, Form(max_length=16)] = Role.FACILITY.value,
) -> Response:
    central = central_of(request)
    chosen = Role(role) if role in tuple(Role) else Role.FACILITY
    token = await portal_accounts.sign_in(central.db, central.audit, chosen, login, password, Channel.WEB)
    if token is None:
        context = {"roles": ROLES, "role": chosen.value, "login": login, "failed": True}
        return render(request, "login.html", context, 401)
    response = see_other("/portal/")  # on to the role's own page, by the new session

    set_cookie(response, request, token, MAX_AGE)
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    await portal_accounts.sign_out(central_of(request).db, request.cookies.get(PORTAL_COOKIE, ""))
    response = see_other("/portal/login")
    response.delete_cookie(PORTAL_COOKIE)
    return response


@router.get("/register", response_class=HTMLResponse)
async def register_page(request: Request) -> Response:
    return render(request, "register.html", {"types": TYPES, "values": {}, "errors": {}})


@router.post("/register")
async def register(request: Request) -> Response:
    central = central_of(request)
    values = await form_values(request)
    password = str(values.get("password", ""))[:200]
    try:
        registration = read_registration(values)
        check_password(password)
        actor = Actor(ActorKind.ANONYMOUS, registration.code.digits, Channel.WEB)
        await portal_accounts.register_facility(central.db, actor, registration, password)
    except REFUSALS as error:
        errors, text = form_errors(error)
        values.pop("password", None)
        context = {"types": TYPES, "values": values, "errors": errors, "error": text}
        return render(request, "register.html", context, status_of(error))
    token = await portal_accounts.sign_in(
        central.db, central.audit, Role.FACILITY, registration.code.digits, password, Channel.WEB
    )
    response = see_other(f"/portal/facilities/{registration.code.digits}?done=registered")
    if token:
        set_cookie(response, request, token, MAX_AGE)
    return response
