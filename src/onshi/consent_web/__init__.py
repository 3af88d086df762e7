"""The consent web, served by central: マイナ在宅受付Web (/zaitaku), the patient menu (/patient)
and its API, and online care (/online-care, /api/v1/online-care). Japanese, server-rendered,
usable without JavaScript. See docs/consent-web.md."""

from __future__ import annotations

from fastapi import APIRouter

from onshi.consent_web.online_care import router as online_care_router
from onshi.consent_web.pages import static_router
from onshi.consent_web.patient import router as patient_router
from onshi.consent_web.patient_api import router as patient_api_router
from onshi.consent_web.zaitaku import router as zaitaku_router

router = APIRouter()
for _part in (static_router, zaitaku_router, patient_router, patient_api_router, online_care_router):
    router.include_router(_part)

__all__ = ["router"]
