"""`within`: a cancellation is never swallowed. Python 3.11's wait_for returns the result when
the awaited thing completes in the same loop turn as the cancellation — the terminal's
reconciler, poked by a last successful send just as the agent stopped, then napped on forever
("cancelling") and the terminal never shut down."""

from __future__ import annotations

import asyncio

import pytest

from onshi.terminal.outage import nap
from onshi.waiting import within


async def test_result_or_none() -> None:
    assert await within(1, asyncio.sleep(0, "done")) == "done"
    assert await within(0.01, asyncio.Event().wait()) is None


@pytest.mark.parametrize("wait", [lambda event: within(10, event.wait()), lambda event: nap(event, 10)])
async def test_a_cancel_in_the_turn_the_wait_ends_still_cancels(wait) -> None:  # type: ignore[no-untyped-def]
    for _ in range(20):
        event = asyncio.Event()
        task = asyncio.create_task(wait(event))
        await asyncio.sleep(0)
        await asyncio.sleep(0)  # the task is waiting on the event
        event.set()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
