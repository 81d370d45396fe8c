"""A customer requests service on a phone in real Chromium, with a photo."""

import pytest
from django.conf import settings

from doorstep.access.portal_sessions import portal_session_create
from doorstep.servicerequests.models import ServiceRequest

from ..factories import ContactFactory, LocationFactory, make_portal_account, make_service_type
from .helpers import PNG

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_request_service_on_a_phone(page, live_server, tmp_path):
    account = make_portal_account(ContactFactory())
    company = account.company
    LocationFactory(customer=account.customer, street="12 Elm Street")
    make_service_type(company, "Blocked drain")
    _, raw = portal_session_create(account=account)
    page.context.add_cookies(
        [
            {
                "name": settings.PORTAL_SESSION_COOKIE,
                "value": raw,
                "url": f"{live_server.url}/p/{company.slug}/",
            }
        ]
    )
    photo = tmp_path / "drain.png"
    photo.write_bytes(PNG)
    page.goto(f"{live_server.url}/p/{company.slug}/requests/")
    page.get_by_role("link", name="Request Service").click()
    page.get_by_label("Type of service").select_option(label="Blocked drain")
    page.get_by_role("button", name="Submit Request").click()
    assert page.get_by_text("Please describe what you need.").is_visible()
    page.get_by_label("Type of service").select_option(label="Blocked drain")
    page.get_by_label("What do you need?").fill("Shower drains slowly")
    page.set_input_files("#id_photos", str(photo))
    page.get_by_role("button", name="Submit Request").click()
    page.get_by_text("We received your request").wait_for()
    assert page.get_by_text("Pending").is_visible()
    sr = ServiceRequest.objects.get()
    assert sr.description == "Shower drains slowly" and sr.photos.count() == 1
    page.get_by_role("link", name="My Service Requests").click()
    assert page.get_by_text("Shower drains slowly").is_visible()
