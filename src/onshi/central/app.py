"""The central application: `create_app()` for tests and embedding, `app_factory` for uvicorn workers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import partial

import orjson
from fastapi import FastAPI, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from onshi import __version__
from onshi.central import batches, card, clinical, confirmations, emergency, insurer, public_expense, terminal
from onshi.central import stats as stats_api
from onshi.central.auth import AuthRefused, refusal_response
from onshi.central.context import Central
from onshi.central.hot_card import HotCard
from onshi.central.hot_path import HotConfirmations
from onshi.central.responses import TECHNICAL_FAILURES, json_response, send_json, technical_failure
from onshi.config import Settings
from onshi.consent_web import router as consent_web_router
from onshi.help import web as help_web
from onshi.portal import router as portal_router
from onshi.stats_web import router as stats_web_router

HEALTH: dict[str, str] = {"status": "ok", "version": __version__}
_HEALTH_JSON = orjson.dumps(HEALTH)


class CentralApp(FastAPI):
    """FastAPI with the hot paths in front of its whole middleware stack: POST
    /api/v1/confirmations and the card reader's two calls on PostgreSQL are answered without
    FastAPI's and SQLAlchemy's per-request cost (onshi.central.hot_path, onshi.central.hot_card);
    every other request, and every unusual one, goes through FastAPI as usual. `GET /healthz`
    (liveness, polled by load balancers) is answered here too, with the route's very bytes:
    it is also the bench's bare ceiling of this server stack (uvicorn and this outermost
    layer, a trivial JSON answer)."""

    hot: HotConfirmations | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == "/healthz" and scope["method"] == "GET":
            await send_json(send, _HEALTH_JSON)
        elif self.hot is None:
            await super().__call__(scope, receive, send)
        else:
            await self.hot(scope, receive, send)


def create_app(settings: Settings | None = None) -> FastAPI:
    central = Central.build(settings or Settings.from_env())

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await central.start()
        try:
            yield
        finally:
            await central.stop()

    app = CentralApp(
        title="onshi central",
        version=__version__,
        description="オンライン資格確認等システム — central service (facility, insurer and operator APIs)",
        lifespan=lifespan,
    )
    app.state.central = central
    if central.raw is not None and central.settings.hot_path:
        app.hot = HotConfirmations(HotCard(partial(FastAPI.__call__, app), central), central)
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
    app.include_router(portal_router)
    app.include_router(stats_api.router)
    app.include_router(stats_web_router)

    @app.exception_handler(AuthRefused)
    async def refused(_: Request, error: AuthRefused) -> Response:
        return refusal_response(error)

    # SQLAlchemy's errors, and asyncpg's from the raw hot paths (onshi.store.raw_pg) on PostgreSQL.
    async def unavailable(request: Request, error: Exception) -> Response:
        return technical_failure(request, error)

    for failure in TECHNICAL_FAILURES:
        app.add_exception_handler(failure, unavailable)

    @app.get("/healthz", tags=["health"], summary="Liveness (no data)")
    async def health() -> Response:
        return json_response(HEALTH)  # (answered by CentralApp itself, byte for byte the same)

    return app


# A worker's young objects are collected 10× less often than CPython's default (700): a
# confirmation allocates a few hundred, and each collection pass costs more than it frees.
GC_THRESHOLDS = (7000, 10, 10)


def app_factory() -> FastAPI:
    """For `uvicorn --factory onshi.central.app:app_factory` (each worker builds its own).

    The worker's start-up objects (modules, the app, its schemas) are moved out of the cycle
    collector's reach (`gc.freeze`): they live as long as the worker, and every full
    collection walked all of them again (≈ 8 % of the samples in an in-process profile; with
    the thresholds below, 3–8 % less CPU per confirmation in three paired runs)."""
    app = create_app()
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)
    return app
