"""An owner's journey in Chromium: add an endpoint (secret shown once), send a test event to a
real receiver, read the attempt log; axe-core finds nothing serious and nothing scrolls
sideways at 1280, 768 and 390 px."""

from __future__ import annotations

import pytest
from django.test import Client

from doorstep.integrations.models import WebhookAttempt

from ...browser import chromium_available
from ..helpers import assert_no_serious_axe, horizontal_overflow, office_client, share_session

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.browser,
    pytest.mark.skipif(
        not chromium_available(), reason="needs Debian's chromium (/usr/bin/chromium)"
    ),
]


def _check(page, widths=(1280, 768, 390)):
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        assert_no_serious_axe(page)
        assert horizontal_overflow(page) == 0, (page.url, width)


def test_add_an_endpoint_and_send_it_a_test_event(page, live_server, company, receiver):
    staff = office_client(Client(), company, "owner")
    share_session(page, staff, live_server.url)
    page.goto(f"{live_server.url}/office/integrations/webhooks/")
    _check(page)
    page.get_by_role("link", name="Add an endpoint").click()
    _check(page)
    page.get_by_role("button", name="Add the endpoint").click()  # no URL
    assert page.get_by_text("Enter the URL that should receive the events.").is_visible()
    _check(page, (390,))
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("An invoice was paid in full").check()
    page.get_by_role("button", name="Add the endpoint").click()
    assert page.get_by_label("Signing secret").input_value().startswith("whsec_")
    _check(page)
    page.get_by_role("link", name="Done").click()
    page.get_by_role("button", name="Send a test event").click()
    assert page.get_by_text("A test event is on its way").is_visible()
    page.reload()
    assert WebhookAttempt.objects.filter(succeeded=True).count() == 1
    assert page.get_by_role("cell", name="webhook.test").first.is_visible()
    page.screenshot(path="var/webhook-endpoint.png", full_page=True)
    _check(page)
    page.get_by_role("link", name="Replay a time range").click()
    _check(page)
    page.go_back()
    page.get_by_role("link", name="Switch off").click()
    _check(page, (390,))
