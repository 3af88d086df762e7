"""The desk as one object: its settings, its database, the terminal's folders, its notices."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from onshi.desk.events import Broadcaster
from onshi.domain.facility import FacilityCode
from onshi.store.database import Database

TRASH_FOLDER = "trash"  # where receipt computers move result files they have read (wire-spec §1)


@dataclass(frozen=True, slots=True)
class DeskSettings:
    terminal_root: Path  # the terminal's folder holding req/, res/, face/
    facility_code: str
    database_url: str
    facility_name: str = ""
    answer_timeout: float = 15.0  # seconds without an answer before staff are offered the fallback
    download_retry: float = 2.0  # seconds between asking again for a bulk result still 処理中

    def __post_init__(self) -> None:
        FacilityCode.parse(self.facility_code)


class Desk:
    def __init__(self, settings: DeskSettings) -> None:
        self.settings = settings
        self.db = Database.open(settings.database_url, pool_size=4)
        self.events = Broadcaster()

    @property
    def facility_code(self) -> str:
        return self.settings.facility_code

    @property
    def root(self) -> Path:
        return self.settings.terminal_root

    def folder(self, name: str) -> Path:
        path = self.root / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    async def close(self) -> None:
        await self.db.close()
