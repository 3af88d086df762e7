"""One place that turns the portal's refusals into API answers:

| raised | status | error.code |
|---|---|---|
| PortalError | its own (403 forbidden, 404 not found / not the caller's, 409 conflict, 422) | its own |
| TransitionRefused (onboarding rule) | 409 | its code (wrong_stage, already_downloaded, future_date …) |
| FormInvalid / InvalidValue (bad input) | 422 | invalid, with every field |
| NotNeeded (a notification no one needs) | 409 | not_needed |
| FeedFormatError (an unusable bulk file) | 400 | bad_feed |
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any, ParamSpec

from starlette.responses import Response

from onshi.central.responses import json_response
from onshi.domain.errors import InvalidValue
from onshi.domain.portal.compliance import NotNeeded
from onshi.domain.portal.fields import FormInvalid
from onshi.domain.portal.onboarding import TransitionRefused
from onshi.services.portal_common import PortalError

P = ParamSpec("P")
REFUSALS = (PortalError, TransitionRefused, FormInvalid, InvalidValue, NotNeeded)


def _error(status: int, code: str, message: str, message_en: str, **more: Any) -> Response:
    return json_response(
        {"error": {"code": code, "message": message, "message_en": message_en, **more}}, status
    )


def api_error(error: Exception) -> Response:
    if isinstance(error, PortalError):
        return _error(error.status, error.code, error.message_ja, error.message_en)
    if isinstance(error, TransitionRefused):
        return _error(409, error.code, error.message_ja, error.message_en)
    if isinstance(error, NotNeeded):
        return _error(409, "not_needed", error.message_ja, error.message_en)
    errors = (
        error.errors
        if isinstance(error, FormInvalid)
        else (error,)
        if isinstance(error, InvalidValue)
        else ()
    )
    if not errors:
        raise error
    fields = [
        {"field": e.field, "problem": e.problem.value, "message": e.message_ja, "message_en": e.message_en}
        for e in errors
    ]
    message = "; ".join(f"{e.field}: {e.message_ja}" for e in errors)
    return _error(
        422, "invalid", message, "; ".join(f"{e.field}: {e.message_en}" for e in errors), fields=fields
    )


def answered(route: Callable[P, Awaitable[Response]]) -> Callable[P, Awaitable[Response]]:
    """Wrap an API route: the portal's refusals become their answers (the table above)."""

    @functools.wraps(route)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> Response:
        try:
            return await route(*args, **kwargs)
        except REFUSALS as error:
            return api_error(error)

    return wrapper


def form_errors(error: Exception) -> tuple[dict[str, str], str]:
    """For pages: messages by field, and one message for the whole form."""
    if isinstance(error, FormInvalid):
        return error.by_field(), "入力内容に誤りがあります。各項目のメッセージを確認してください。"
    if isinstance(error, InvalidValue):
        return {error.field: error.message_ja}, f"{error.message_ja}"
    if isinstance(error, PortalError | TransitionRefused | NotNeeded):
        return {}, error.message_ja
    raise error


def status_of(error: Exception) -> int:
    return api_error(error).status_code if isinstance(error, REFUSALS) else 500
