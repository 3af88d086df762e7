"""The desk's web app (FastAPI + Jinja2): pages for reception staff, in Japanese.

Every page but /login needs a staff session (an HttpOnly, SameSite=Strict cookie; the
token is stored hashed). Forms post back and redirect (303), so reloading never repeats an
action. /events is the server-sent-event stream the pages listen to.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles

from onshi.desk import appointments, service, store
from onshi.desk import fallback as fallback_service
from onshi.desk.context import Desk
from onshi.desk.events import stream
from onshi.desk.fallback_web import add_fallback_routes
from onshi.desk.inbox import Inbox
from onshi.desk.pages import COOKIE, HERE, LoginRequired, Staff, back, get_desk, page
from onshi.desk.patients import differences
from onshi.desk.store import DeskError
from onshi.domain.dates import parse_flexible_date, today_jst
from onshi.domain.errors import InvalidValue


def create_app(desk: Desk, watch: bool = True) -> FastAPI:
    @contextlib.asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await store.prepare(desk.db)
        stop = asyncio.Event()
        task = asyncio.create_task(Inbox(desk).run(stop)) if watch else None
        try:
            yield
        finally:
            stop.set()
            if task is not None:
                await task
            await desk.close()

    app = FastAPI(title="onshi 受付", lifespan=lifespan, docs_url=None, redoc_url=None, openapi_url=None)
    app.state.desk = desk
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    @app.exception_handler(LoginRequired)
    async def to_login(request: Request, _: LoginRequired) -> Response:
        return RedirectResponse(f"/login?next={request.url.path}", 303)

    @app.exception_handler(DeskError)
    async def desk_error(request: Request, error: DeskError) -> Response:
        return page(request, "error.html", {"message": str(error)}, status=400)

    _add_session_routes(app)
    _add_reception_routes(app)
    _add_patient_routes(app)
    _add_batch_routes(app)
    add_fallback_routes(app)
    return app


def _add_session_routes(app: FastAPI) -> None:
    @app.get("/login", response_class=HTMLResponse)
    async def login_page(request: Request, next: str = "/") -> HTMLResponse:
        return page(request, "login.html", {"next": next, "failed": False})

    @app.post("/login")
    async def login(
        request: Request,
        login: Annotated[str, Form()],
        password: Annotated[str, Form()],
        next: Annotated[str, Form()] = "/",
    ) -> Response:
        async with get_desk(request).db.write() as conn:
            token = await store.log_in(conn, login, password)
        if token is None:
            return page(request, "login.html", {"next": next, "failed": True}, status=401)
        target = next if next.startswith("/") and not next.startswith("//") else "/"
        response = back(target)
        response.set_cookie(
            COOKIE, token, httponly=True, samesite="strict", max_age=store.SESSION_HOURS * 3600
        )
        return response

    @app.post("/logout")
    async def logout(request: Request, _: Staff) -> Response:
        async with get_desk(request).db.write() as conn:
            await store.log_out(conn, request.cookies.get(COOKIE, ""))
        response = back("/login")
        response.delete_cookie(COOKIE)
        return response


def _add_reception_routes(app: FastAPI) -> None:
    @app.get("/", response_class=HTMLResponse)
    async def arrivals(request: Request, who: Staff) -> HTMLResponse:
        async with get_desk(request).db.read() as conn:
            rows = await store.arrivals_on(conn, today_jst())
        return page(request, "arrivals.html", {"arrivals": rows})

    @app.get("/events")
    async def events(request: Request, who: Staff) -> StreamingResponse:
        desk = get_desk(request)
        stop = asyncio.Event()

        async def body() -> AsyncIterator[str]:
            with desk.events.subscription() as queue:
                async for chunk in stream(queue, stop):
                    if await request.is_disconnected():
                        break
                    yield chunk

        headers = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        return StreamingResponse(body(), media_type="text/event-stream", headers=headers)

    @app.get("/arrivals/{arrival_id}", response_class=HTMLResponse)
    async def arrival(request: Request, arrival_id: int, who: Staff) -> Response:
        view = await service.open_arrival(get_desk(request), arrival_id)
        if view.patient is not None:
            return back(f"/patients/{view.patient.id}?arrival={arrival_id}")
        return page(request, "arrival.html", {"view": view})

    @app.post("/arrivals/{arrival_id}/link")
    async def link(
        request: Request, arrival_id: int, patient_id: Annotated[int, Form()], who: Staff
    ) -> Response:
        await service.link(get_desk(request), arrival_id, patient_id)
        return back(f"/patients/{patient_id}?arrival={arrival_id}")

    @app.post("/arrivals/{arrival_id}/register")
    async def register(request: Request, arrival_id: int, who: Staff) -> Response:
        patient = await service.register_from_arrival(get_desk(request), arrival_id, who)
        return back(f"/patients/{patient.id}?arrival={arrival_id}")


def _add_patient_routes(app: FastAPI) -> None:
    @app.get("/patients", response_class=HTMLResponse)
    async def patients(request: Request, who: Staff, q: str = "") -> HTMLResponse:
        async with get_desk(request).db.read() as conn:
            found = await store.search_patients(conn, q)
        return page(request, "patients.html", {"patients": found, "q": q})

    @app.get("/patients/new", response_class=HTMLResponse)
    async def new_patient(request: Request, who: Staff) -> HTMLResponse:
        return page(request, "patient_new.html", {"error": None, "values": {}})

    @app.post("/patients/new")
    async def create_patient(request: Request, who: Staff) -> Response:
        form = dict((await request.form()).items())
        values: dict[str, Any] = {k: str(v).strip() or None for k, v in form.items()}
        try:
            values["birthdate"] = parse_flexible_date(values.get("birthdate") or "", "birthdate")
            if values.get("copay_percent"):
                values["copay_percent"] = int(str(values["copay_percent"]))
            patient = await service.register_patient(get_desk(request), values, who)
        except (InvalidValue, DeskError, ValueError) as error:
            message = error.message_ja if isinstance(error, InvalidValue) else str(error)
            return page(request, "patient_new.html", {"error": message, "values": form}, status=400)
        return back(f"/patients/{patient.id}")

    @app.get("/patients/{patient_id}", response_class=HTMLResponse)
    async def patient(
        request: Request, patient_id: int, who: Staff, arrival: int | None = None
    ) -> HTMLResponse:
        return page(request, "patient.html", await patient_context(get_desk(request), patient_id, arrival))

    @app.post("/patients/{patient_id}/reconfirm")
    async def reconfirm(request: Request, patient_id: int, who: Staff) -> Response:
        name = await service.reconfirm(get_desk(request), patient_id, who)
        return back(f"/patients/{patient_id}?waiting={name}")

    @app.post("/patients/{patient_id}/corrections")
    async def correct(
        request: Request,
        patient_id: int,
        arrival_id: Annotated[int, Form()],
        who: Staff,
        field: Annotated[list[str] | None, Form()] = None,
    ) -> Response:
        count = await service.apply_corrections(get_desk(request), patient_id, arrival_id, field or [], who)
        return back(f"/patients/{patient_id}?arrival={arrival_id}&applied={count}")

    @app.post("/patients/{patient_id}/reference")
    async def reference(request: Request, patient_id: int, who: Staff) -> Response:
        desk = get_desk(request)
        async with desk.db.read() as conn:
            found = await store.get_patient(conn, patient_id)
        await service.register_reference(desk, found, who)
        return back(f"/patients/{patient_id}")


async def patient_context(desk: Desk, patient_id: int, arrival_id: int | None) -> dict[str, Any]:
    async with desk.db.read() as conn:
        patient = await store.get_patient(conn, patient_id)
        row = (
            await store.get_arrival(conn, arrival_id)
            if arrival_id
            else await store.latest_arrival_of(conn, patient_id)
        )
        if row is not None and row.patient_id != patient_id:
            raise HTTPException(404)
        history = await store.corrections_of(conn, patient_id)
        declarations = await fallback_service.declarations_of(conn, patient_id)
    person = service.person_from_json(row.person) if row is not None else None
    found = differences(patient, person) if person else []
    open_declarations = [
        (d, fallback_service.to_correct(d, person) if person and row and row.outcome == "valid" else [])
        for d in declarations
        if d.resolved_at is None
    ]
    return {
        "patient": patient,
        "arrival": row,
        "person": person,
        "differences": found,
        "history": history,
        "declarations": declarations,
        "open_declarations": open_declarations,
    }


def _add_batch_routes(app: FastAPI) -> None:
    @app.get("/batches", response_class=HTMLResponse)
    async def batches(request: Request, who: Staff) -> HTMLResponse:
        async with get_desk(request).db.read() as conn:
            rows = await appointments.batches(conn)
        tomorrow = today_jst() + timedelta(days=1)
        return page(request, "batches.html", {"batches": rows, "tomorrow": tomorrow, "error": None})

    @app.post("/batches")
    async def upload(
        request: Request,
        who: Staff,
        appointments_csv: Annotated[UploadFile, File()],
        confirmation_date: Annotated[str, Form()],
    ) -> Response:
        desk = get_desk(request)
        data = await appointments_csv.read(8 * 1024 * 1024 + 1)
        try:
            if len(data) > 8 * 1024 * 1024:
                raise DeskError("CSVが大きすぎます（8MBまで）")
            on: date = parse_flexible_date(confirmation_date, "confirmation_date")
            batch_id = await appointments.submit(
                desk, appointments_csv.filename or "appointments.csv", data, on, who
            )
        except (DeskError, InvalidValue) as error:
            message = error.message_ja if isinstance(error, InvalidValue) else str(error)
            async with desk.db.read() as conn:
                rows = await appointments.batches(conn)
            context = {"batches": rows, "tomorrow": today_jst() + timedelta(days=1), "error": message}
            return page(request, "batches.html", context, status=400)
        return back(f"/batches/{batch_id}")

    @app.get("/batches/{batch_id}", response_class=HTMLResponse)
    async def batch(request: Request, batch_id: int, who: Staff) -> HTMLResponse:
        async with get_desk(request).db.read() as conn:
            row, entries = await appointments.batch(conn, batch_id)
        invalid = sum(1 for e in entries if e.outcome and e.outcome != "valid")
        return page(request, "batch.html", {"batch": row, "entries": entries, "invalid": invalid})
