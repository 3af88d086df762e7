"""What a facility declares for the support money on its my page — the lump sum's condition of
the common poster at reception and flyers for patients (seed 000 1-3 ①②) — stored with its
audit record in one transaction (`mypage.declare`)."""

from __future__ import annotations

from onshi.domain.actors import Actor, ActorKind
from onshi.domain.audit import AuditEvent
from onshi.domain.dates import now_jst
from onshi.domain.errors import InvalidValue, Problem
from onshi.domain.statistics.support import POSTER_AND_FLYER
from onshi.store import stats
from onshi.store.audit import insert_events
from onshi.store.database import Database

ACTION = "mypage.declare"
DECLARABLE = {
    POSTER_AND_FLYER: "窓口での共通ポスターの掲示と、来院患者へのマイナ保険証の利用を求めるチラシの配布を実施しています"
}


async def declare(db: Database, actor: Actor, declaration: str, declared: bool) -> None:
    if actor.kind is not ActorKind.FACILITY:
        raise PermissionError("only a facility declares for itself")
    if declaration not in DECLARABLE:
        raise InvalidValue(
            "declaration", Problem.UNKNOWN_CODE, f"申告事項 {declaration!r} はありません",
            f"no declaration {declaration!r}",
        )  # fmt: skip
    at = now_jst()
    async with db.write() as conn:
        await stats.set_declaration(conn, actor.id, declaration, declared, at)
        outcome = "declared" if declared else "withdrawn"
        event = AuditEvent(actor, ACTION, outcome, detail={"declaration": declaration}, occurred_at=at)
        await insert_events(conn, [event])
