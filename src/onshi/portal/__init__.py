"""The facility portal (医療機関等向け総合ポータルサイト), served by central: Japanese pages under
/portal, the same as JSON under /api/v1/portal, and the terminal's connection test. Roles:
facility, corporation (法人), operator (onshi.domain.portal.roles). See docs/portal.md."""

from __future__ import annotations

from fastapi import APIRouter

from onshi.portal.api_facilities import router as facilities_api
from onshi.portal.api_operator import router as operator_api
from onshi.portal.connection import router as connection_router
from onshi.portal.pages_auth import router as auth_pages
from onshi.portal.pages_corporation import router as corporation_pages
from onshi.portal.pages_facility import router as facility_pages
from onshi.portal.pages_filings import router as filing_pages
from onshi.portal.pages_operator import router as operator_pages
from onshi.portal.pages_tools import router as tool_pages
from onshi.portal.views import static_router

router = APIRouter()
_PARTS = (
    static_router,
    auth_pages,
    facility_pages,
    filing_pages,
    operator_pages,
    corporation_pages,
    tool_pages,
)
for _part in (*_PARTS, facilities_api, operator_api, connection_router):
    router.include_router(_part)

__all__ = ["router"]
