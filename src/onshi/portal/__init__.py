"""The facility portal (医療機関等向け総合ポータルサイト), served by central: Japanese pages under
/portal, the same as JSON under /api/v1/portal, and the terminal's connection test. Roles:
facility, corporation (法人), operator (onshi.domain.portal.roles). See docs/portal.md."""

from __future__ import annotations

from fastapi import APIRouter

from onshi.portal.api_facilities import router as facilities_api
from onshi.portal.api_operator import router as operator_api
from onshi.portal.connection import router as connection_router
from onshi.portal.views import static_router

router = APIRouter()
for _part in (static_router, facilities_api, operator_api, connection_router):
    router.include_router(_part)

__all__ = ["router"]
