"""What the terminal agent does in the background for the emergency function
(緊急時資格確認機能): keep central's word on the switch, and reconcile the answers the
terminal gave itself with central's real ones.

* `EmergencyWatch` asks central every `poll_seconds` (and soon after each successful send)
  whether the function is on for this facility, and keeps the last answer in the journal's
  status table: during an outage the terminal acts on what central last said.
* `Reconciler` resends each emergency-answered request — same request id, so central runs
  and audits it once — until central answers, then writes central's result as
  `<result name>_reconciled.xml` into `res` (always, so the receipt computer can compare),
  staged, fsynced and renamed like every result, each step journaled.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path, PurePath

from onshi.domain.dates import now_jst
from onshi.terminal import files
from onshi.terminal.client import CentralClient, Refused, Unavailable
from onshi.terminal.emergency import STATUS_NAME, EmergencyState
from onshi.terminal.journal import Journal, Reconcile, Reconciliation
from onshi.waiting import within

log = logging.getLogger("onshi.terminal")

RECONCILED_SUFFIX = "_reconciled"
# Polls triggered by sends are at most this frequent: a busy counter must not turn every
# request into two.
MIN_POLL_INTERVAL_SECONDS = 1.0


def reconciled_filename(result_filename: str) -> str:
    """OQSsiquc01res_<suffix>.xml → OQSsiquc01res_<suffix>_reconciled.xml (the same prefix
    family, so agents that watch `res` by prefix see it; a name no request asks for)."""
    name = PurePath(result_filename)
    return f"{name.stem}{RECONCILED_SUFFIX}{name.suffix}"


async def nap(wake: asyncio.Event, seconds: float) -> None:
    """Sleep `seconds`, or until `wake` is set (then clear it for the next nap)."""
    await within(seconds, wake.wait())
    wake.clear()


class EmergencyWatch:
    def __init__(
        self, client: CentralClient, journal: Journal, poll_seconds: float, reachable: Callable[[], None]
    ) -> None:
        self._client, self._journal = client, journal
        self._poll_seconds = poll_seconds
        self._reachable = reachable
        self._wake = asyncio.Event()
        self.state = EmergencyState.from_json(journal.status().get(STATUS_NAME))

    def poke(self) -> None:
        """Ask central soon (after a successful send: central is there to be asked)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            await self.refresh()
            await asyncio.sleep(min(MIN_POLL_INTERVAL_SECONDS, self._poll_seconds))
            await nap(self._wake, self._poll_seconds)

    async def refresh(self) -> bool:
        """Ask central once; False (and the remembered state kept) when it cannot answer."""
        try:
            answer = await self._client.emergency()
        except (Unavailable, Refused) as error:
            log.debug("emergency state not refreshed: %s", error)
            return False
        state = EmergencyState.from_answer(answer, now_jst().isoformat(timespec="seconds"))
        if (state.active, state.switch_id) != (self.state.active, self.state.switch_id):
            english = "on" if state.active else "off"
            log.warning("緊急時資格確認機能: %s / emergency function %s", state.label_ja, english)
        self.state = state
        self._journal.set_status(STATUS_NAME, state.to_json())
        self._reachable()
        return True


class Reconciler:
    def __init__(self, results: Path, journal: Journal, client: CentralClient, retry_seconds: float) -> None:
        self._results, self._journal, self._client = results, journal, client
        self._retry_seconds = retry_seconds
        self._wake = asyncio.Event()

    def poke(self) -> None:
        """Try now (central just answered something)."""
        self._wake.set()

    async def run(self) -> None:
        while True:
            await self.reconcile_all()
            await nap(self._wake, self._retry_seconds)

    async def reconcile_all(self) -> None:
        """One round over every open reconciliation, oldest first; stops at the first sign
        that central is still unavailable."""
        for item in self._journal.reconciliations():
            if item.state is Reconcile.PENDING:
                answered = await self._ask_central(item)
                if answered is None:
                    return
                item = answered
            await asyncio.to_thread(self._deliver, item)

    async def _ask_central(self, item: Reconciliation) -> Reconciliation | None:
        try:
            name, result = await self._client.send(item.request_id, item.filename, item.content)
        except Unavailable as error:
            self._journal.reconciliation_failed(item.request_id, str(error))
            return None
        except Refused as refused:
            # No real answer can be had now; the emergency answer stands until one can.
            self._journal.reconciliation_failed(item.request_id, f"refused {refused.status} {refused.code}")
            log.error("%s: central refused to reconcile: %s", item.filename, refused.message)
            return None
        result_name = reconciled_filename(name)
        self._journal.reconciled(item.request_id, result_name, result)
        return replace(item, state=Reconcile.ANSWERED, result_filename=result_name, result=result)

    def _deliver(self, item: Reconciliation) -> None:
        """The same staged rename as the agent's results: written once, never twice."""
        key = f"{item.request_id}{RECONCILED_SUFFIX}"
        temporary = files.staged_path(self._results, key)
        if item.state is Reconcile.ANSWERED:
            assert item.result is not None
            files.stage(self._results, key, item.result)
            self._journal.reconciliation_staged(item.request_id)
        if temporary.exists():
            assert item.result_filename is not None
            files.publish(temporary, self._results / item.result_filename)
        # else: renamed before a crash (and perhaps already picked up): never written twice
        self._journal.reconciliation_done(item.request_id)
        log.info("%s reconciled -> %s", item.filename, item.result_filename)
