"""Two-step sign-in pages in real Chromium at 390 and 1,280 px: set up by typing the shown
secret's code, the second step of signing in, and axe-core with no violation of any impact."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone

from doorstep.access import two_step as ts
from doorstep.access.portal_sessions import portal_session_create
from doorstep.tenancy.models import SignInMode

from ..browser import chromium_available
from .conftest import new_account

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium"),
]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
GOOD = "a long walk by the river"
IMPACTS = ("minor", "moderate", "serious", "critical")


def code_for(page: Any) -> str:
    secret = page.locator("#secret").inner_text().replace(" ", "")
    return ts.totp(ts.secret_key(secret), timezone.now().timestamp())


@pytest.mark.parametrize("size", list(WIDTHS))
def test_two_step_pages_work_and_pass_axe(chromium, live_server, company, mailbox, size):
    from ..office.helpers import axe_violations

    company.settings.sign_in_mode = SignInMode.PASSWORD
    company.settings.save()
    email = f"pat-{size}@example.test"
    account = new_account(
        company, email, password=make_password(GOOD), email_verified_at=timezone.now()
    )
    width, height = WIDTHS[size]
    base = f"{live_server.url}/p/{company.slug}/"
    found: dict[str, Any] = {}

    def check(name: str, page: Any) -> None:
        violations = axe_violations(page, impacts=IMPACTS)
        if violations:
            found[name] = violations

    context = chromium.new_context(viewport={"width": width, "height": height})
    _, raw = portal_session_create(account=account)
    context.add_cookies([{"name": settings.PORTAL_SESSION_COOKIE, "value": raw, "url": base}])
    page = context.new_page()
    page.goto(base + "profile/two-step/")
    check("status-off", page)
    page.get_by_role("button", name="Set up two-step sign-in").click()
    check("enable", page)
    page.get_by_label("6-digit code").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert "does not work" in page.content()
    check("enable-error", page)
    page.get_by_label("6-digit code").fill(code_for(page))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    assert page.locator(".recovery-codes li").count() == 10
    check("codes", page)
    page.goto(base + "profile/two-step/")
    assert "On" in page.content()
    check("status-on", page)
    page.goto(base + "profile/two-step/codes")
    check("codes-confirm", page)
    page.goto(base + "profile/two-step/disable")
    check("disable", page)
    context.close()

    # Signed out: password, then the second step.
    context = chromium.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(base + "sign-in")
    page.locator("#pw_email").fill(email)
    page.locator("#pw_password").fill(GOOD)
    page.locator("#pw_password").press("Enter")
    assert page.url.endswith("/sign-in/two-step")
    check("second-step", page)
    page.get_by_label("Code", exact=True).fill("111111")
    page.get_by_role("button", name="Sign in").click()
    check("second-step-error", page)
    codes = ts._recovery_codes_make(account)  # the page showed them once; make known ones
    page.get_by_label("Code", exact=True).fill(codes[0])
    page.get_by_role("button", name="Sign in").click()
    assert page.url == base  # the portal home: signed in
    context.close()
    assert not found, found
