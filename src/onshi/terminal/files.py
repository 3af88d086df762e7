"""Writing files receipt computers read: whole or not at all.

A receipt computer polls the folders and may open a file the moment its name appears, so a
result is written under a temporary name in the same folder, flushed to disk, and renamed
into place (rename is atomic within a file system); the folder is synced so the name
survives a crash too."""

from __future__ import annotations

import contextlib
import os
import time
import uuid
from pathlib import Path

TEMP_PREFIX = ".onshi-tmp-"  # receipt computers only pick names with known prefixes
SETTLE_SECONDS = 0.1  # a file younger than this may still be being written


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically and durably (temp file, fsync, rename, fsync dir)."""
    temporary = path.with_name(f"{TEMP_PREFIX}{uuid.uuid4().hex}")
    try:
        with temporary.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    sync_directory(path.parent)


def sync_directory(folder: Path) -> None:
    """Make renames and removals in `folder` durable."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def staged_path(folder: Path, request_id: str) -> Path:
    """Where a result waits, fsynced, before its rename (named by request: found again after a crash)."""
    return folder / f"{TEMP_PREFIX}{request_id}"


def stage(folder: Path, request_id: str, data: bytes) -> Path:
    temporary = staged_path(folder, request_id)
    with temporary.open("wb") as stream:
        stream.write(data)
        stream.flush()
        os.fsync(stream.fileno())
    return temporary


def publish(temporary: Path, path: Path) -> None:
    """Rename a staged file into place, durably."""
    os.replace(temporary, path)
    sync_directory(path.parent)


def read_settled(path: Path) -> bytes | None:
    """The file's bytes once it has stopped changing, else None (look again later): files
    dropped by other programs may still be being written."""
    with contextlib.suppress(FileNotFoundError):
        before = path.stat()
        if time.time() - before.st_mtime < SETTLE_SECONDS:
            return None
        content = path.read_bytes()
        after = path.stat()
        if before.st_size == after.st_size == len(content) and before.st_mtime_ns == after.st_mtime_ns:
            return content
    return None
