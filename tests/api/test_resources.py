"""The resources do what the office does, through the same services: an invoice pushed and
sent reaches the customer's inbox, a job moved tells the customer, refunds keep the office's
limits, requests are approved or declined, replies reach the customer, uploads are checked."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from doorstep.billing.models import Invoice
from doorstep.core.audit import Actor
from doorstep.documents.models import Document
from doorstep.jobs.models import Job
from doorstep.payments.models import PaymentMethod, Refund
from doorstep.payments.services import payment_record_manual
from doorstep.servicerequests.models import RequestStatus
from tests.factories import (
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    TechnicianFactory,
    make_invoice,
    make_job,
    make_service_request,
)

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")


def test_push_a_customer_and_an_invoice_and_send_it(
    api, mailbox, django_capture_on_commit_callbacks
):
    customer = api.post(
        "/api/v1/customers/",
        {
            "external_id": "crm-42",
            "name": "Lee Park",
            "contacts": [{"name": "Lee Park", "email": "lee@example.com"}],
        },
    ).json()
    created = api.post(
        "/api/v1/invoices/",
        {
            "external_id": "inv-1001",
            "customer": customer["id"],
            "due_date": "2030-02-01",
            "lines": [
                {
                    "description": "Water heater flush",
                    "unit_price": 15000,
                    "quantity": "2",
                    "tax_rate": "8.875",
                }
            ],
        },
    )
    assert created.status_code == 201, created.content
    invoice = created.json()
    assert (invoice["state"], invoice["status"]) == ("draft", "draft")
    assert (invoice["subtotal"], invoice["tax"], invoice["total"]) == (30000, 2663, 32663)
    assert invoice["external_id"] == "inv-1001"

    with django_capture_on_commit_callbacks(execute=True):
        sent = api.post(f"/api/v1/invoices/{invoice['id']}/send/")
    assert sent.status_code == 200, sent.content
    assert (sent.json()["state"], sent.json()["status"]) == ("open", "unpaid")
    [email] = mailbox.to("lee@example.com")
    assert invoice["number"] in email["Subject"]
    assert "/p/" in mailbox.text(email)  # the "View and pay" link
    # Replaying the push returns the same invoice, never a second one.
    again = api.post(
        "/api/v1/invoices/",
        {"external_id": "inv-1001", "customer": customer["id"], "due_date": "2030-02-01"},
    )
    assert again.status_code == 200 and again.json()["id"] == invoice["id"]
    assert Invoice.objects.count() == 1


def test_moving_a_job_tells_the_customer_as_the_office_does(
    api, company, mailbox, django_capture_on_commit_callbacks
):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, company=company, email="pat@example.com", is_primary=True)
    job = make_job(
        customer,
        technician=TechnicianFactory(company=company, name="Sam Rivera"),
        scheduled_start=datetime(2030, 6, 2, 15, tzinfo=NY),
    )
    for status in ("scheduled", "technician_assigned", "on_the_way"):
        with django_capture_on_commit_callbacks(execute=True):
            response = api.post(f"/api/v1/jobs/{job.pk}/status/", {"status": status})
        assert response.status_code == 200, response.content
    assert response.json()["status"] == "on_the_way"
    subjects = [message["Subject"] for message in mailbox.to("pat@example.com")]
    assert any("on the way" in subject.lower() for subject in subjects), subjects
    refused = api.post(f"/api/v1/jobs/{job.pk}/status/", {"status": "unscheduled"})
    assert refused.status_code == 400
    assert refused.json()["field"] == "status"


def test_create_a_job_for_a_customers_location(api, company):
    customer = CustomerFactory(company=company)
    location = LocationFactory(customer=customer, company=company)
    response = api.post(
        "/api/v1/jobs/",
        {
            "customer": customer.pk,
            "location": location.pk,
            "title": "Install tap",
            "external_id": "wo-7",
        },
    )
    assert response.status_code == 201, response.content
    assert response.json()["number"].startswith("JOB-")
    other_location = LocationFactory(customer=CustomerFactory(company=company), company=company)
    response = api.post(
        "/api/v1/jobs/", {"customer": customer.pk, "location": other_location.pk, "title": "x"}
    )
    assert response.status_code == 400 and response.json()["field"] == "location"
    assert Job.objects.count() == 1


def test_refunds_keep_the_offices_limit(api, company):
    invoice = make_invoice(CustomerFactory(company=company))
    payment = payment_record_manual(
        company=company,
        invoice=invoice,
        amount=5000,
        method=PaymentMethod.CHECK,
        actor=Actor.system("t"),
    )
    ok = api.post(f"/api/v1/payments/{payment.pk}/refunds/", {"amount": 3000, "reason": "Sorry"})
    assert ok.status_code == 201, ok.content
    assert ok.json()["state"] == "succeeded"
    too_much = api.post(f"/api/v1/payments/{payment.pk}/refunds/", {"amount": 2001})
    assert too_much.status_code == 400
    assert too_much.json()["message"] == "At most $20.00 can still be refunded."
    assert Refund.objects.count() == 1
    listed = api.get(f"/api/v1/payments/{payment.pk}/").json()
    assert listed["amount_refunded"] == 3000 and len(listed["refunds"]) == 1


def test_approve_and_decline_service_requests(api, company):
    customer = CustomerFactory(company=company)
    first = make_service_request(customer)
    second = make_service_request(customer)
    approved = api.post(f"/api/v1/service-requests/{first.pk}/approve/", {"title": "Fix tap"})
    assert approved.status_code == 200, approved.content
    assert approved.json()["status"] == RequestStatus.APPROVED
    assert Job.objects.get(pk=approved.json()["job"]).title == "Fix tap"
    no_reason = api.post(f"/api/v1/service-requests/{second.pk}/decline/", {"reason": " "})
    assert no_reason.status_code == 400
    declined = api.post(
        f"/api/v1/service-requests/{second.pk}/decline/", {"reason": "Outside our area"}
    )
    assert declined.json()["status"] == RequestStatus.DECLINED


def test_reply_to_a_conversation(api, company):
    from doorstep.messaging.services import conversation_start

    customer = CustomerFactory(company=company)
    conversation = conversation_start(
        company=company,
        customer=customer,
        subject="Leak?",
        body="Is it urgent?",
        actor=Actor.system("t"),
    )
    reply = api.post(
        f"/api/v1/conversations/{conversation.pk}/messages/", {"body": "We can come today."}
    )
    assert reply.status_code == 201, reply.content
    thread = api.get(f"/api/v1/conversations/{conversation.pk}/").json()
    assert [(m["side"], m["body"]) for m in thread["messages"]] == [
        ("customer", "Is it urgent?"),
        ("staff", "We can come today."),
    ]


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00"
    b"\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa7"
    b"5\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82"
)


def test_documents_go_through_the_upload_checks(api, company):
    customer = CustomerFactory(company=company)

    def upload(content: bytes, name: str):
        return api.client.post(
            "/api/v1/documents/",
            {
                "customer": customer.pk,
                "title": "Warranty",
                "kind": "warranty",
                "file": SimpleUploadedFile(name, content),
            },
            headers=api._headers(None),
        )

    bad = upload(b"<html><script>alert(1)</script></html>", "warranty.pdf")
    assert bad.status_code == 400, bad.content
    assert bad.json()["type"] == "invalid_request"
    good = upload(PNG, "photo.png")
    assert good.status_code == 201, good.content
    document = Document.objects.get()
    assert document.mime == "image/png" and "photo" not in document.file.name


def test_portal_invite_and_send_link(api, company, mailbox, django_capture_on_commit_callbacks):
    customer = CustomerFactory(company=company)
    ContactFactory(customer=customer, company=company, email="ivy@example.com", is_primary=True)
    with django_capture_on_commit_callbacks(execute=True):
        invited = api.post(f"/api/v1/customers/{customer.pk}/portal-access/invite/")
    assert invited.status_code == 200, invited.content
    assert invited.json()["email"] == "ivy@example.com"
    assert len(mailbox.to("ivy@example.com")) == 1
    with django_capture_on_commit_callbacks(execute=True):
        resent = api.post(f"/api/v1/customers/{customer.pk}/portal-access/send-link/")
    assert resent.status_code == 200
    assert len(mailbox.to("ivy@example.com")) == 2


def test_dates_are_the_companys(api, company):
    import time_machine

    customer = CustomerFactory(company=company)  # company in New York
    with time_machine.travel(datetime(2030, 1, 10, 2, 0, tzinfo=ZoneInfo("UTC")), tick=False):
        response = api.post(
            "/api/v1/invoices/", {"customer": customer.pk, "due_date": "2030-01-20"}
        )
    assert response.json()["issue_date"] == "2030-01-09"
