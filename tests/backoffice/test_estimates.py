from __future__ import annotations

import pytest

from doorstep.billing.models import Estimate, EstimateState
from doorstep.core.models import AuditEvent

from ..factories import CustomerFactory, LocationFactory, make_estimate, staff_user
from .helpers import add_inline_row, errors_of, form_data, staff_client

pytestmark = pytest.mark.django_db


def test_estimate_created_with_lines_is_numbered_and_totalled(company):
    client = staff_client(staff_user(company))
    customer = CustomerFactory(company=company)
    make_estimate(customer)  # EST-0001
    url = "/office/admin/billing/estimate/add/"
    data = form_data(client.get(url))
    data.update(
        {
            "customer": str(customer.pk),
            "location": str(LocationFactory(customer=customer).pk),
            "title": "New boiler",
            "issue_date": "2026-11-01",
            "expiry_date": "2026-12-01",
        }
    )
    add_inline_row(
        data,
        "lines",
        {"position": "0", "description": "Boiler", "quantity": "1", "unit_price": "2400.00",
         "tax_rate": "5"},
    )  # fmt: skip
    data["csrfmiddlewaretoken"] = client.cookies["csrftoken"].value
    response = client.post(url, data)
    assert response.status_code == 302, errors_of(response)
    estimate = Estimate.objects.get(title="New boiler")
    assert (estimate.number, estimate.total) == (2, 252000)
    assert AuditEvent.objects.filter(target_id=estimate.pk, verb="estimate.created").exists()


def test_expiry_before_issue_and_foreign_location_are_refused(company):
    client = staff_client(staff_user(company))
    customer = CustomerFactory(company=company)
    url = "/office/admin/billing/estimate/add/"
    data = form_data(client.get(url))
    data.update(
        {
            "customer": str(customer.pk),
            "location": str(LocationFactory(customer=CustomerFactory(company=company)).pk),
            "issue_date": "2026-11-01",
            "expiry_date": "2026-10-01",
            "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
        }
    )
    errors = errors_of(client.post(url, data))
    assert errors["expiry_date"] == ["The expiry date cannot be before the issue date."]
    assert errors["location"] == ["That location belongs to another customer."]
    assert not Estimate.objects.exists()


def test_state_actions_go_through_the_service(company):
    client = staff_client(staff_user(company))
    estimate = make_estimate(CustomerFactory(company=company))
    client.get("/office/admin/billing/estimate/")

    def act(action):
        return client.post(
            "/office/admin/billing/estimate/",
            {
                "action": action,
                "_selected_action": [str(estimate.pk)],
                "csrfmiddlewaretoken": client.cookies["csrftoken"].value,
            },
            follow=True,
        )

    refused = act("mark_accepted").content.decode()
    assert "cannot become accepted" in refused
    act("mark_sent")
    act("mark_accepted")
    estimate.refresh_from_db()
    assert estimate.state == EstimateState.ACCEPTED
    page = client.get(f"/office/admin/billing/estimate/{estimate.pk}/change/").content.decode()
    assert "estimate.accepted" in page  # decided: read-only, lines too
    assert 'name="title"' not in page and 'name="lines-0-quantity"' not in page
