"""Shared by the office's tests: a signed-in staff client, the same session in Chromium, and
axe-core (the copy bundled with axe-playwright-python; nothing is downloaded)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.test import Client

from ..factories import staff_user

AXE_JS = (Path(__import__("axe_playwright_python").__file__).parent / "axe.min.js").read_text()
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def office_client(client: Client, company: Any, role: str = "owner", **user: Any) -> Client:
    """`client` signed in as a new staff user of `company` with `role` (user kwargs go to the
    factory); `client.staff_user` is that user."""
    member = staff_user(company, role=role, **user)
    client.force_login(member)
    client.staff_user = member  # type: ignore[attr-defined]
    return client


def share_session(page: Any, client: Client, live_server_url: str) -> None:
    """Sign the browser in with the test client's staff session."""
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server_url,
            }
        ]
    )


def axe_violations(page: Any, impacts: tuple[str, ...] = ("serious", "critical")) -> list[str]:
    page.add_script_tag(content=AXE_JS)
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def assert_no_serious_axe(page: Any) -> None:
    found = axe_violations(page)
    assert not found, f"axe-core on {page.url}: {found}"


def horizontal_overflow(page: Any) -> int:
    """How many pixels the page is wider than the window (0 = no horizontal scroll)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )
