"""Headless Debian Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager

from playwright.sync_api import Browser, sync_playwright

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


@contextmanager
def chromium(proxy: str | None = None) -> Iterator[Browser]:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    assert shutil.which(path), "Debian's chromium is missing: run `make setup` (scripts/system-deps.sh installs it)"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS,
                                     proxy={"server": proxy} if proxy else None)
        try:
            yield browser
        finally:
            browser.close()
