"""Single sign-on in real Chromium, with the help site on ANOTHER origin than the portal
(portal at http://localhost:PORT, help site at http://127.0.0.1:PORT via HELP_BASE_URL: two
hosts, two cookie jars). A customer signs in to the portal with an emailed link, chooses "Get
help", arrives signed in on the help site, files a request attached to their record, and
"View my invoices" brings them back. Then the clock breakdown: a token refused because the
clocks disagree shows "Sign in again", which signs them in without any clock. axe-core finds no
violation on every page of the trip; no page scrolls sideways at 390/768/1,280 px."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.utils import timezone

from doorstep.access.help_handoff import handoff_issue
from doorstep.access.models import LinkPurpose
from doorstep.access.services import login_link_issue
from doorstep.support.models import Ticket
from tests.browser import chromium_available
from tests.factories import ContactFactory, make_invoice, make_portal_account
from tests.office.helpers import axe_violations, horizontal_overflow

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def assert_clean(page: Any) -> None:
    found = axe_violations(page, impacts=EVERY_IMPACT)
    assert not found, f"axe-core on {page.url}: {found}"
    for width in (390, 768, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        assert horizontal_overflow(page) == 0, (page.url, width)
    page.set_viewport_size({"width": 390, "height": 844})


def test_get_help_across_origins_and_back(page, chromium, live_server, settings, company):
    port = live_server.url.rsplit(":", 1)[1]
    portal_base = f"http://localhost:{port}"
    help_base = f"http://127.0.0.1:{port}"
    settings.BASE_URL = portal_base
    settings.HELP_BASE_URL = help_base
    settings.ALLOWED_HOSTS = ["localhost", "127.0.0.1", "testserver"]
    contact = ContactFactory(
        customer__company=company, name="Carlos Williams", email="carlos@example.com"
    )
    account = make_portal_account(contact)
    make_invoice(contact.customer)

    # Signed in to the portal the ordinary way: the emailed link and its button.
    link = login_link_issue(account=account, purpose=LinkPurpose.SIGN_IN).url
    page.goto(link)
    page.get_by_role("button", name="Continue to your portal").click()
    page.wait_for_url(f"{portal_base}/p/{company.slug}/")

    # "Get help" -> the portal's help page -> the help site, signed in, on the other origin.
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_text("More", exact=True).click()  # Get help sits in the nav's "More" menu
    nav.get_by_role("link", name="Get help").click()
    page.get_by_role("link", name="Browse the help articles").click()
    page.wait_for_url(f"{help_base}/h/{company.slug}/")
    assert page.locator("header").get_by_text("Carlos Williams").is_visible()
    assert_clean(page)
    # The token never appeared in a URL: only the POST body carried it.
    assert "token" not in page.url

    # A request filed now is attached to their record, without any email confirmation.
    page.goto(f"{help_base}/h/{company.slug}/new/")
    page.get_by_label("What is it about?").fill("Noisy water heater")
    page.get_by_label("Tell us more").fill("It knocks every morning.")
    page.get_by_role("button", name="Send request").click()
    page.wait_for_load_state()
    ticket = Ticket.objects.get()
    assert (ticket.customer_id, ticket.contact_id) == (contact.customer_id, contact.pk)

    # "View my invoices" -> back on the portal's origin, on the invoices page.
    page.locator("header").get_by_role("button", name="View my invoices").click()
    page.wait_for_url(f"{portal_base}/p/{company.slug}/invoices/")
    assert page.get_by_role("heading", level=1).is_visible()

    # Without its script (blocked, or scripts off) the hand-off page is a plain button, and
    # passes axe-core itself.
    quiet = chromium.new_context(viewport={"width": 390, "height": 844})
    quiet.add_cookies(page.context.cookies())
    quiet.route("**/autosubmit.js", lambda route: route.abort())
    no_js = quiet.new_page()
    no_js.goto(f"{portal_base}/p/{company.slug}/help-site/")
    assert no_js.get_by_role("heading", name="Taking you to").is_visible()
    assert_clean(no_js)
    no_js.get_by_role("button", name="Continue to the help site").click()
    no_js.wait_for_url(f"{help_base}/h/{company.slug}/")
    assert no_js.locator("header").get_by_text("Carlos Williams").is_visible()
    quiet.close()

    # The clock breakdown: a token made 5 minutes "in the future" (a portal clock running
    # fast) is refused; the page offers "Sign in again" instead of bouncing to the portal.
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        token = handoff_issue(company=company, account=account, ip_address=None)
    page.goto(f"{help_base}/h/{company.slug}/")
    page.locator("header").get_by_role("button", name="Sign out").click()
    page.goto(f"{help_base}/h/{company.slug}/sign-in/")
    assert page.locator("header").get_by_text("Carlos Williams").count() == 0
    page.evaluate(
        """([action, token]) => {
            const form = document.createElement("form");
            form.method = "post"; form.action = action;
            const input = document.createElement("input");
            input.type = "hidden"; input.name = "token"; input.value = token;
            form.appendChild(input); document.body.appendChild(form); form.submit();
        }""",
        [f"{help_base}/h/{company.slug}/sso/", token],
    )
    page.get_by_role("heading", name="Let’s sign you in again").wait_for()
    assert_clean(page)
    page.get_by_role("button", name="Sign in again").click()
    # On the portal (where the customer is signed in): one click to confirm.
    page.get_by_role("heading", name="Sign in to the").wait_for()
    assert page.url.startswith(f"{portal_base}/p/{company.slug}/help-site/approve")
    assert_clean(page)
    page.get_by_role("button", name="Continue to the help site").click()
    page.wait_for_url(f"{help_base}/h/{company.slug}/")
    assert page.locator("header").get_by_text("Carlos Williams").is_visible()
