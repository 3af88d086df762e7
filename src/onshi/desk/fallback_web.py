"""Pages of the fallback procedure: the 申立書 form, the decision, its PDF, and resolution."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import FastAPI, Form, Request
from fastapi.responses import HTMLResponse, Response

from onshi.desk import fallback, service, store
from onshi.desk.pages import Staff, back, get_desk, page
from onshi.desk.store import DeskError
from onshi.domain.errors import InvalidValue
from onshi.domain.fallback import DeclaredCopay, FallbackReason, InsuranceKind

CHOICES = {
    "reasons": list(FallbackReason),
    "kinds": list(InsuranceKind),
    "copays": list(DeclaredCopay),
}
OUTCOME_REASON = {"invalid": FallbackReason.INVALID, "no_record": FallbackReason.NO_RECORD}


async def _prefill(request: Request, patient_id: int | None, arrival_id: int | None) -> dict[str, Any]:
    """What the desk already knows: the registered patient, else the confirmation's person."""
    async with get_desk(request).db.read() as conn:
        patient = await store.get_patient(conn, patient_id) if patient_id else None
        arrival = await store.get_arrival(conn, arrival_id) if arrival_id else None
    source: Any = patient or (service.person_from_json(arrival.person) if arrival is not None else None)
    if source is None:
        return {}
    values = {
        "name": source.name,
        "name_kana": source.name_kana,
        "birthdate": source.birthdate.isoformat() if source.birthdate else None,
        "sex": source.sex,
        "postal_code": source.postal_code,
        "address": source.address,
        "insurer_name": source.insurer_name,
        "insurer_number": (source.insurer_number or "").strip() or None,
        "card_symbol": source.symbol,
        "card_number": source.number,
        "card_branch": source.branch,
    }
    if arrival is not None and arrival.outcome in OUTCOME_REASON:
        values["reason"] = OUTCOME_REASON[arrival.outcome].value
    return {k: v for k, v in values.items() if v}


def add_fallback_routes(app: FastAPI) -> None:
    @app.get("/fallback/new", response_class=HTMLResponse)
    async def form(
        request: Request,
        who: Staff,
        patient_id: int | None = None,
        arrival_id: int | None = None,
        reason: str | None = None,
    ) -> HTMLResponse:
        values = await _prefill(request, patient_id, arrival_id)
        if reason:
            values["reason"] = reason
        context = {
            "values": values,
            "patient_id": patient_id,
            "arrival_id": arrival_id,
            "error": None,
            **CHOICES,
        }
        return page(request, "fallback_form.html", context)

    @app.post("/fallback")
    async def take(request: Request, who: Staff) -> Response:
        desk = get_desk(request)
        form = {k: str(v) for k, v in (await request.form()).items()}
        patient_id = int(form["patient_id"]) if form.get("patient_id", "").isdecimal() else None
        arrival_id = int(form["arrival_id"]) if form.get("arrival_id", "").isdecimal() else None
        async with desk.db.read() as conn:
            staff_name = await store.staff_name(conn, who) or who
        try:
            declaration = fallback.build(desk, form, staff_name)
        except (InvalidValue, ValueError) as error:
            message = (
                error.message_ja if isinstance(error, InvalidValue) else f"入力に誤りがあります：{error}"
            )
            context = {
                "values": form,
                "patient_id": patient_id,
                "arrival_id": arrival_id,
                "error": message,
                **CHOICES,
            }
            return page(request, "fallback_form.html", context, status=400)
        declaration_id = await fallback.record(desk, declaration, who, patient_id, arrival_id)
        return back(f"/declarations/{declaration_id}")

    @app.get("/declarations/{declaration_id}", response_class=HTMLResponse)
    async def show(request: Request, declaration_id: int, who: Staff) -> HTMLResponse:
        async with get_desk(request).db.read() as conn:
            row, declaration = await fallback.get(conn, declaration_id)
        context = {"row": row, "declaration": declaration, "claim": declaration.claim_fields()}
        return page(request, "declaration.html", context)

    @app.get("/declarations/{declaration_id}/pdf")
    async def pdf(request: Request, declaration_id: int, who: Staff) -> Response:
        from onshi.desk.declaration_pdf import render_declaration

        desk = get_desk(request)
        async with desk.db.read() as conn:
            _, declaration = await fallback.get(conn, declaration_id)
        content = render_declaration(declaration, desk.settings.facility_name or desk.facility_code)
        headers = {"Content-Disposition": f'inline; filename="moushitatesho-{declaration_id}.pdf"'}
        return Response(content, media_type="application/pdf", headers=headers)

    @app.post("/declarations/{declaration_id}/resolve")
    async def resolve(
        request: Request, declaration_id: int, who: Staff, arrival_id: Annotated[int | None, Form()] = None
    ) -> Response:
        desk = get_desk(request)
        async with desk.db.read() as conn:
            row, _ = await fallback.get(conn, declaration_id)
        if row.patient_id is None:
            raise DeskError("患者が登録されていない申立書です")
        await fallback.resolve(desk, declaration_id, arrival_id, who)
        return back(f"/patients/{row.patient_id}")
