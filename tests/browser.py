"""Debian's chromium driven by Playwright, for the browser tests (never Playwright's own
browser downloads: `make test` installs chromium with apt)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, sync_playwright


def chromium() -> Iterator[Browser]:
    """A headless chromium for a fixture to `yield from`; closed when the fixture ends. Start
    it after anything that runs its own event loop on this thread (asyncio.run): Playwright's
    sync API holds one while it is open."""
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is needed for the browser tests (make test installs it)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, headless=True, args=["--no-sandbox"])
        yield browser
        browser.close()
