"""Behind a load balancer, every back-office write records the staff member's own address.

The back office had three `staff_actor`s taking REMOTE_ADDR: the proxy's address, the same for
every staff member. There is one now, reading the address like the portal does
(`access.portal_sessions.client_ip`, TRUSTED_PROXY_COUNT). Each test drives one of the three
former paths through the real back office: a saved record (History), the Portal Access
buttons, and the "Turn accepted estimates into jobs" action.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, override_settings

from doorstep.billing import estimates as billing
from doorstep.core.models import AuditEvent

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    make_estimate,
    staff_user,
)
from .helpers import post_form

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("mailbox")]

BROWSER = "203.0.113.7"
LOAD_BALANCER = "10.0.0.2"


def behind_the_load_balancer(company: Any) -> Client:
    """A staff member's browser as one trusted proxy forwards it."""
    client = Client(
        enforce_csrf_checks=True, REMOTE_ADDR=LOAD_BALANCER, HTTP_X_FORWARDED_FOR=BROWSER
    )
    client.force_login(staff_user(company, role="owner"))
    return client


def post_with_token(client: Client, url: str, data: dict[str, Any]) -> Any:
    if "csrftoken" not in client.cookies:
        client.get("/office/")
    return client.post(url, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def staff_rows(verb: str) -> list[AuditEvent]:
    rows = list(AuditEvent.objects.filter(verb=verb, actor_type="staff"))
    assert rows, f"no {verb} row written"
    return rows


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_a_saved_record_records_the_browser_address(company):
    customer = CustomerFactory(company=company, name="Morgan Lee")
    office = behind_the_load_balancer(company)
    url = f"/office/admin/customers/customer/{customer.pk}/change/"
    response = post_form(office, url, {"internal_notes": "Gate code 1234"})
    assert response.status_code == 302
    assert {row.ip_address for row in staff_rows("customer.changed")} == {BROWSER}


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_the_portal_access_buttons_record_the_browser_address(company):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, email="morgan@example.test")
    office = behind_the_load_balancer(company)
    response = post_with_token(office, f"/office/access/customers/{customer.pk}/invite", {})
    assert response.status_code == 302
    rows = AuditEvent.objects.filter(target_type="portalaccount", actor_type="staff")
    assert rows.exists()
    assert {row.ip_address for row in rows} == {BROWSER}


@override_settings(TRUSTED_PROXY_COUNT=1)
def test_turning_an_estimate_into_a_job_records_the_browser_address(company):
    customer = CustomerFactory(company=company)
    LocationFactory(customer=customer)
    estimate = billing.estimate_change_state(
        company=company, estimate=make_estimate(customer), new_state="sent", actor=SYSTEM
    )
    billing.estimate_accept(
        company=company,
        customer=customer,
        estimate=estimate,
        signature_name="Morgan Lee",
        actor=SYSTEM,
    )
    office = behind_the_load_balancer(company)
    response = post_with_token(
        office,
        "/office/admin/billing/estimate/",
        {"action": "convert_to_job", "_selected_action": [estimate.pk]},
    )
    assert response.status_code == 302
    estimate.refresh_from_db()
    assert estimate.job is not None
    rows = AuditEvent.objects.filter(actor_type="staff").exclude(verb__startswith="portal")
    assert rows.exists()
    assert {row.ip_address for row in rows} == {BROWSER}
