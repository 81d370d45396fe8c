from __future__ import annotations

from doorstep.core.models import AuditEvent
from doorstep.customers.models import Customer

from .conftest import make_api


def test_push_a_customer_with_contacts_and_locations_then_upsert_by_external_id(api):
    body = {
        "external_id": "crm-1",
        "name": "Dana Reyes",
        "contacts": [{"name": "Dana Reyes", "email": "dana@example.com"}],
        "locations": [{"street": "1 Main St", "city": "Springfield"}],
    }
    first = api.post("/api/v1/customers/", body)
    assert first.status_code == 201, first.json()
    created = first.json()
    assert created["external_id"] == "crm-1"
    assert created["contacts"][0]["email"] == "dana@example.com"
    assert created["contacts"][0]["is_primary"] is True
    assert created["locations"][0]["city"] == "Springfield"

    again = api.post("/api/v1/customers/", {**body, "name": "Dana Reyes-Smith"})
    assert again.status_code == 200
    assert again.json()["id"] == created["id"]
    assert Customer.objects.for_company(api.company).get().name == "Dana Reyes-Smith"
    assert AuditEvent.objects.filter(verb="customer.changed", target_id=created["id"]).exists()


def test_extra_fields_change_nothing(api, other_company):
    response = api.post(
        "/api/v1/customers/",
        {"name": "X", "company": other_company.pk, "id": 999, "company_id": other_company.pk},
    )
    assert response.status_code == 201
    customer = Customer.objects.get(pk=response.json()["id"])
    assert customer.company_id == api.company.pk
    assert customer.pk != 999


def test_bad_input_is_one_error_shape_and_saves_nothing(api):
    response = api.post("/api/v1/customers/", {"name": ""})
    assert response.status_code == 400
    assert response.json() == {
        "type": "invalid_request",
        "code": "blank",
        "message": "This field may not be blank.",
        "field": "name",
    }
    assert not Customer.objects.exists()


def test_external_id_is_per_company(api, other_company):
    other = make_api(other_company)
    assert api.post("/api/v1/customers/", {"external_id": "A", "name": "One"}).status_code == 201
    response = other.post("/api/v1/customers/", {"external_id": "A", "name": "Two"})
    assert response.status_code == 201
    assert Customer.objects.count() == 2
