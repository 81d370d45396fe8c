"""The email change, as a customer does it in real Chromium at 390 and 1,280 px: the profile
form, the emailed link's confirmation page and the "now uses" page, each with no axe-core
violation of any impact."""

from __future__ import annotations

import re
from typing import Any

import pytest

from doorstep.access.portal_sessions import portal_session_create

from ..browser import chromium_available
from ..factories import ContactFactory, CustomerFactory, make_portal_account

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not chromium_available(), reason="needs Debian's chromium"),
]
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
IMPACTS = ("minor", "moderate", "serious", "critical")
CHANGE_PATH = re.compile(r"(/p/[\w-]+/profile/email/[A-Za-z0-9_-]+)")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_email_change_pages_work_and_pass_axe(chromium, live_server, mailbox, settings, size):
    from django.conf import settings as conf

    from ..office.helpers import axe_violations

    settings.BASE_URL = live_server.url
    customer = CustomerFactory(name="Pat Smith")
    account = make_portal_account(
        ContactFactory(customer=customer, name="Pat Smith", email="pat.smith@example.test")
    )
    width, height = WIDTHS[size]
    context = chromium.new_context(viewport={"width": width, "height": height})
    _, raw = portal_session_create(account=account)
    base = f"{live_server.url}/p/{account.company.slug}/"
    context.add_cookies([{"name": conf.PORTAL_SESSION_COOKIE, "value": raw, "url": base}])
    page = context.new_page()
    found: dict[str, Any] = {}

    page.goto(base + "profile/")
    page.get_by_label("New email address").fill("new.pat@example.test")
    page.get_by_role("button", name="Email me a link to confirm").click()
    page.wait_for_load_state()
    assert "new.pat@example.test" in page.content()  # the message says where it went
    found["profile-after-asking"] = axe_violations(page, impacts=IMPACTS)

    [message] = mailbox.to("new.pat@example.test")
    path = CHANGE_PATH.search(mailbox.text(message)).group(1)
    page.goto(live_server.url + path)
    found["confirm"] = axe_violations(page, impacts=IMPACTS)
    page.get_by_role("button", name=re.compile("Use new.pat@example.test")).click()
    page.wait_for_load_state()
    assert "now uses" in page.content()
    found["changed"] = axe_violations(page, impacts=IMPACTS)
    context.close()
    account.refresh_from_db()
    assert account.email == "new.pat@example.test"
    assert not {name: v for name, v in found.items() if v}, found
