"""SECURITY.md 12: every API endpoint asked with another company's key answers 404 and shows
none of the record. The matrix is built from the URL patterns, so a new endpoint is covered
(and fails here until it names the record type it serves)."""

from __future__ import annotations

import pytest
from django.urls import URLPattern

from doorstep.api import urls as api_urls

from .conftest import make_api, one_of_each

# URL name -> the record its <pk> names.
RECORD_OF = {
    "customer": "customer",
    "customer_contacts": "customer",
    "customer_locations": "customer",
    "portal_invite": "customer",
    "portal_send_link": "customer",
    "job": "job",
    "job_status": "job",
    "invoice": "invoice",
    "invoice_send": "invoice",
    "invoice_void": "invoice",
    "estimate": "estimate",
    "payment": "payment",
    "payment_refunds": "payment",
    "service_request": "service_request",
    "service_request_approve": "service_request",
    "service_request_decline": "service_request",
    "conversation": "conversation",
    "conversation_reply": "conversation",
    "webhook_endpoint": "webhook_endpoint",
    "webhook_endpoint_rotate": "webhook_endpoint",
    "webhook_endpoint_test": "webhook_endpoint",
}
# Lists -> the record type they list.
LISTED = {
    "customers": "customer",
    "jobs": "job",
    "invoices": "invoice",
    "estimates": "estimate",
    "payments": "payment",
    "service_requests": "service_request",
    "conversations": "conversation",
    "webhook_endpoints": "webhook_endpoint",
}
NOT_RECORDS = {"schema", "docs", "documents", "tombstones", "unknown"}


def api_patterns() -> list[URLPattern]:
    return [p for p in api_urls.urlpatterns if isinstance(p, URLPattern)]


def test_every_endpoint_is_in_the_matrix():
    names = {p.name for p in api_patterns()}
    assert names == set(RECORD_OF) | set(LISTED) | NOT_RECORDS
    for pattern in api_patterns():
        has_pk = "pk" in getattr(pattern.pattern, "converters", {})
        assert has_pk == (pattern.name in RECORD_OF), pattern.name


def _bodies(name: str, record) -> dict:
    # Valid bodies, so a 404 is the record's absence and not a refused body.
    return {
        "customer_contacts": {"name": "Eve"},
        "customer_locations": {"street": "1 Evil Rd", "city": "Elsewhere"},
        "job_status": {"status": "cancelled"},
        "invoice_void": {"reason": "x"},
        "payment_refunds": {"amount": 100},
        "service_request_approve": {"title": "Take over"},
        "service_request_decline": {"reason": "No"},
        "conversation_reply": {"body": "Hijack"},
    }.get(name, {})


@pytest.mark.django_db
def test_another_companys_key_gets_404_on_every_record_endpoint(company, other_company):
    records = one_of_each(company)
    own, intruder = make_api(company), make_api(other_company)
    checked = 0
    for pattern in api_patterns():
        if pattern.name not in RECORD_OF:
            continue
        record = records[RECORD_OF[pattern.name]]
        path = f"/api/v1/{pattern.pattern}".replace("<int:pk>", str(record.pk))
        for method in pattern.callback.view_class.scopes:
            call = {
                "GET": intruder.get,
                "POST": intruder.post,
                "PATCH": intruder.patch,
                "DELETE": intruder.delete,
            }[method]
            response = call(path, _bodies(pattern.name, record)) if method != "GET" else call(path)
            assert response.status_code == 404, (method, path, response.content)
            assert set(response.json()) == {"type", "code", "message", "field"}
            assert b"Secret" not in response.content
            checked += 1
            if method == "GET":
                assert own.get(path).status_code == 200, path
    assert checked >= len(RECORD_OF)
    # Nothing changed in company X.
    records["job"].refresh_from_db()
    assert records["job"].status != "cancelled"
    records["invoice"].refresh_from_db()
    assert records["invoice"].state == "open"
    endpoint = records["webhook_endpoint"]
    sealed = endpoint.secret_sealed
    endpoint.refresh_from_db()  # not deleted, not rotated
    assert endpoint.secret_sealed == sealed


@pytest.mark.django_db
def test_lists_show_only_the_keys_company(company, other_company):
    mine = one_of_each(company)
    theirs = one_of_each(other_company)
    api = make_api(company)
    for name, record_type in LISTED.items():
        pattern = next(p for p in api_patterns() if p.name == name)
        body = api.get(f"/api/v1/{pattern.pattern}", {"limit": 100}).json()
        ids = {item["id"] for item in body["data"]}
        assert mine[record_type].pk in ids, name
        assert theirs[record_type].pk not in ids, name


@pytest.mark.django_db
def test_a_body_naming_another_companys_customer_is_refused(company, other_company):
    theirs = one_of_each(other_company)
    api = make_api(company)
    response = api.post(
        "/api/v1/invoices/", {"customer": theirs["customer"].pk, "due_date": "2030-01-01"}
    )
    assert response.status_code == 400
    assert response.json()["field"] == "customer"
    response = api.post(
        "/api/v1/jobs/",
        {"customer": theirs["customer"].pk, "location": theirs["location"].pk, "title": "x"},
    )
    assert response.status_code == 400
    assert b"Secret" not in response.content
