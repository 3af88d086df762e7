"""The statistics pages, served by central: the operator's (/operator/stats) and each
facility's "my page" (/mypage). Japanese, server-rendered, no scripts; charts are SVG images
drawn with matplotlib. See docs/statistics.md."""

from __future__ import annotations

from fastapi import APIRouter

from onshi.stats_web.mypage import router as mypage_router
from onshi.stats_web.operator import router as operator_router
from onshi.stats_web.pages import static_router

router = APIRouter()
for _part in (static_router, operator_router, mypage_router):
    router.include_router(_part)

__all__ = ["router"]
