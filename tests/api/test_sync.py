"""Sync-friendly reads: cursor pages stay complete while rows change, updated_since, tombstones
for deleted and voided records, expand, and a page's query count does not grow with its size."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from doorstep.core.audit import Actor
from doorstep.customers.services import customer_update_values
from tests.factories import CustomerFactory, LocationFactory, make_invoice, make_job

pytestmark = pytest.mark.django_db


def _all_pages(api, path, params):
    seen, cursor, pages = [], None, 0
    while True:
        response = api.get(path, {**params, **({"cursor": cursor} if cursor else {})})
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["data"]]
        pages += 1
        if not body["has_more"]:
            assert body["next_cursor"] is None
            return seen, pages
        cursor = body["next_cursor"]


def test_pages_miss_nothing_while_rows_change(api, company):
    start = timezone.now() - timedelta(hours=1)
    customers = []
    for n in range(7):
        with time_machine.travel(start + timedelta(minutes=n), tick=False):
            customers.append(CustomerFactory(company=company, name=f"C{n}"))
    first = api.get("/api/v1/customers/", {"limit": 3}).json()
    assert [item["id"] for item in first["data"]] == [c.pk for c in customers[:3]]
    assert first["has_more"] is True
    # Meanwhile: one already seen and one not yet seen change.
    actor = Actor.system("tests")
    customer_update_values(company=company, customer=customers[1], actor=actor, name="Changed 1")
    customer_update_values(company=company, customer=customers[4], actor=actor, name="Changed 4")
    rest = []
    cursor = first["next_cursor"]
    while cursor:
        body = api.get("/api/v1/customers/", {"limit": 3, "cursor": cursor}).json()
        rest += body["data"]
        cursor = body["next_cursor"]
    rest_ids = [item["id"] for item in rest]
    seen = {item["id"] for item in first["data"]} | set(rest_ids)
    assert seen == {c.pk for c in customers}
    assert len(rest_ids) == len(set(rest_ids))  # no row twice on the later pages
    # The changed ones come last, with their new names.
    assert rest_ids[-2:] == [customers[1].pk, customers[4].pk]
    assert rest[-1]["name"] == "Changed 4"


def test_updated_since_returns_only_what_changed(api, company):
    old = timezone.now() - timedelta(days=2)
    with time_machine.travel(old, tick=False):
        quiet = CustomerFactory(company=company)
        busy = CustomerFactory(company=company)
    since = timezone.now() - timedelta(minutes=1)
    customer_update_values(company=company, customer=busy, actor=Actor.system("t"), name="New name")
    body = api.get("/api/v1/customers/", {"updated_since": since.isoformat()}).json()
    assert [item["id"] for item in body["data"]] == [busy.pk]
    assert quiet.pk not in [item["id"] for item in body["data"]]


def test_a_new_contact_makes_the_customer_show_as_changed(api, company):
    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        customer = CustomerFactory(company=company)
    since = timezone.now().isoformat()
    assert (
        api.post(
            f"/api/v1/customers/{customer.pk}/contacts/",
            {"name": "Kim", "email": "kim@example.com"},
        ).status_code
        == 201
    )
    body = api.get("/api/v1/customers/", {"updated_since": since}).json()
    assert [item["id"] for item in body["data"]] == [customer.pk]
    assert body["data"][0]["contacts"][0]["email"] == "kim@example.com"


def test_deleted_and_voided_records_come_back_as_tombstones(api, company):
    pushed = api.post("/api/v1/customers/", {"external_id": "crm-9", "name": "Gone"}).json()
    customer = CustomerFactory(company=company)
    invoice = make_invoice(customer)
    since = (timezone.now() - timedelta(seconds=1)).isoformat()
    from doorstep.customers.models import Customer

    Customer.objects.filter(pk=pushed["id"]).delete()  # e.g. in the admin
    assert api.post(f"/api/v1/invoices/{invoice.pk}/void/", {"reason": "typo"}).status_code == 200

    deleted = api.get("/api/v1/tombstones/", {"type": "customer", "updated_since": since}).json()
    assert [(t["object_id"], t["external_id"], t["reason"]) for t in deleted["data"]] == [
        (pushed["id"], "crm-9", "deleted")
    ]
    voided = api.get("/api/v1/tombstones/", {"type": "invoice", "updated_since": since}).json()
    assert [(t["object_id"], t["reason"]) for t in voided["data"]] == [(invoice.pk, "voided")]
    # The external id is free again for a new record.
    again = api.post("/api/v1/customers/", {"external_id": "crm-9", "name": "Back"})
    assert again.status_code == 201
    assert api.get("/api/v1/tombstones/", {"type": "nothing"}).status_code == 400
    assert api.get("/api/v1/tombstones/").status_code == 400


def test_tombstones_of_a_type_need_its_read_scope(company):
    from .conftest import make_api

    api = make_api(company, ["customers:read"])
    assert api.get("/api/v1/tombstones/", {"type": "customer"}).status_code == 200
    assert api.get("/api/v1/tombstones/", {"type": "invoice"}).status_code == 403


def test_expand_two_levels(api, company):
    customer = CustomerFactory(company=company, name="Expanded Ltd")
    location = LocationFactory(customer=customer, company=company, city="Troy")
    job = make_job(customer, location=location)
    invoice = make_invoice(customer, job=job)
    plain = api.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert plain["customer"] == customer.pk and plain["job"] == job.pk
    expanded = api.get(
        f"/api/v1/invoices/{invoice.pk}/", {"expand": "customer,job.location"}
    ).json()
    assert expanded["customer"]["name"] == "Expanded Ltd"
    assert expanded["job"]["id"] == job.pk
    assert expanded["job"]["location"]["city"] == "Troy"
    assert expanded["job"]["customer"] == customer.pk


@pytest.mark.parametrize("count", [2, 12])
def test_a_page_costs_the_same_queries_whatever_its_size(
    api, company, count, django_assert_num_queries
):
    for _ in range(count):
        customer = CustomerFactory(company=company)
        make_invoice(customer, job=make_job(customer))
    with time_machine.travel(timezone.now(), tick=False):
        api.get("/api/v1/invoices/")  # this minute's limit counters and last use are written
        # the key; 2 limit counters (UPDATE + read) x 2; invoices with their customers and
        # jobs (joined); lines; the customers' contacts; their locations; external ids of
        # invoices, customers and jobs
        with django_assert_num_queries(12):
            response = api.get("/api/v1/invoices/", {"limit": 100, "expand": "customer,job"})
    assert len(response.json()["data"]) == count


def test_a_contact_changed_anywhere_makes_the_customer_show_as_changed(api, company):
    from tests.factories import ContactFactory

    with time_machine.travel(timezone.now() - timedelta(days=1), tick=False):
        customer = CustomerFactory(company=company)
        contact = ContactFactory(customer=customer, company=company)
    since = timezone.now().isoformat()
    assert api.get("/api/v1/customers/", {"updated_since": since}).json()["data"] == []
    contact.phone = "+15550100"
    contact.save()  # e.g. in the admin's inline
    body = api.get("/api/v1/customers/", {"updated_since": since}).json()
    assert [item["id"] for item in body["data"]] == [customer.pk]


def test_a_snapshot_for_webhooks_is_the_api_representation(api, company):
    from doorstep.api.expand import snapshot
    from doorstep.api.invoices import InvoiceOut

    invoice = make_invoice(CustomerFactory(company=company))
    answer = api.get(f"/api/v1/invoices/{invoice.pk}/").json()
    assert snapshot(company, InvoiceOut, invoice) == answer
    assert answer["created_at"].endswith("Z")
