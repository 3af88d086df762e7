"""Live notifications to the open desk pages (server-sent events).

Each open page subscribes; every new arrival, answered request or finished batch is pushed
to all of them, so staff see a card-reader confirmation the moment the terminal writes it,
without reloading. A slow page loses old notices rather than holding memory: its queue is
bounded and the page re-reads the list when it reconnects.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from typing import Any

from onshi.waiting import within

KEEPALIVE_SECONDS = 15.0
QUEUE_LIMIT = 100


class Broadcaster:
    def __init__(self) -> None:
        self._queues: set[asyncio.Queue[dict[str, Any]]] = set()

    def publish(self, event: dict[str, Any]) -> None:
        for queue in list(self._queues):
            with contextlib.suppress(asyncio.QueueFull):
                queue.put_nowait(event)

    @contextlib.contextmanager
    def subscription(self) -> Any:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_LIMIT)
        self._queues.add(queue)
        try:
            yield queue
        finally:
            self._queues.discard(queue)

    @property
    def subscribers(self) -> int:
        return len(self._queues)


async def stream(queue: asyncio.Queue[dict[str, Any]], stop: asyncio.Event) -> AsyncIterator[str]:
    """The text/event-stream of one page: `event: <type>` + JSON data; comments keep it open."""
    yield "retry: 2000\n\n"
    while not stop.is_set():
        event = await within(KEEPALIVE_SECONDS, queue.get())
        if event is None:
            yield ": keepalive\n\n"
            continue
        data = json.dumps(event, ensure_ascii=False, default=str)
        yield f"event: {event.get('type', 'message')}\ndata: {data}\n\n"
