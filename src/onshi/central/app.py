"""The central application: `create_app()` for tests and embedding, `app_factory` for uvicorn workers."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from sqlalchemy.exc import DBAPIError
from starlette.responses import Response

from onshi import __version__
from onshi.central import batches, card, clinical, confirmations, emergency, insurer, public_expense, terminal
from onshi.central import stats as stats_api
from onshi.central.auth import AuthRefused
from onshi.central.context import Central
from onshi.central.responses import json_response, problem, technical_failure
from onshi.config import Settings
from onshi.consent_web import router as consent_web_router
from onshi.help import web as help_web
from onshi.stats_web import router as stats_web_router


def create_app(settings: Settings | None = None) -> FastAPI:
    central = Central.build(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await central.start()
        try:
            yield
        finally:
            await central.stop()

    app = FastAPI(
        title="onshi central",
        version=__version__,
        description="オンライン資格確認等システム — central service (facility, insurer and operator APIs)",
        lifespan=lifespan,
    )
    app.state.central = central
    app.include_router(confirmations.router)
    app.include_router(batches.router)
    app.include_router(insurer.router)
    app.include_router(card.router)
    app.include_router(terminal.router)
    app.include_router(emergency.router)
    app.include_router(help_web.router)
    app.include_router(clinical.router)
    app.include_router(public_expense.router)
    app.include_router(consent_web_router)
    app.include_router(stats_api.router)
    app.include_router(stats_web_router)

    @app.exception_handler(AuthRefused)
    async def refused(_: Request, error: AuthRefused) -> Response:
        headers = dict(error.headers)
        if error.refusal.status == 401:
            headers["WWW-Authenticate"] = 'Bearer realm="onshi"'
        return problem(error.refusal.status, error.refusal.code, error.refusal.message, headers or None)

    @app.exception_handler(DBAPIError)
    @app.exception_handler(OSError)
    @app.exception_handler(TimeoutError)
    async def unavailable(request: Request, error: Exception) -> Response:
        return technical_failure(request, error)

    @app.get("/healthz", tags=["health"], summary="Liveness (no data)")
    async def health() -> Response:
        return json_response({"status": "ok", "version": __version__})

    return app


def app_factory() -> FastAPI:
    """For `uvicorn --factory onshi.central.app:app_factory` (each worker builds its own)."""
    return create_app()
