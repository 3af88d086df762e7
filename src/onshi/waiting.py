"""Waiting with a time limit, without losing a cancellation.

Python 3.11's `asyncio.wait_for` can turn a cancellation that arrives just as its own timeout
fires into TimeoutError; code that treats TimeoutError as "nothing happened" then carries on
and the task can never be stopped (a terminal that would not shut down). `asyncio.timeout`
tells the two apart, so every timed wait in onshi goes through here.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import TypeVar

T = TypeVar("T")


async def within(seconds: float, awaitable: Awaitable[T]) -> T | None:
    """The awaitable's result, or None when `seconds` passed first. A cancellation of the
    calling task always propagates."""
    try:
        async with asyncio.timeout(seconds):
            return await awaitable
    except TimeoutError:
        return None
