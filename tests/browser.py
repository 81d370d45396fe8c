"""Real Chromium (Debian's package) through Playwright, for browser tests.

Use: `from tests.browser import browser_page` is not needed; the fixtures are registered in
conftest. Tests that use them are marked `browser` and skipped only when /usr/bin/chromium is
missing (.ci/run installs it, so CI always runs them).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_available() -> bool:
    return os.path.exists(CHROMIUM)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    if not chromium_available():
        pytest.skip("Chromium is not installed (apt-get install chromium); .ci/run installs it")
    # Playwright's sync API runs an event loop; Django's ORM in the same test needs this.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh phone-sized browser context per test (use page.set_viewport_size to change)."""
    context = chromium.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    yield page
    context.close()
