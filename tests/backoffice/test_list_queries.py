"""Every back-office list page runs an exact number of queries that does not grow with the
number of rows (the user's memberships are read once per request, not once per check: the
same pages ran 41-70 queries before)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from doorstep.messaging.services import conversation_start
from doorstep.payments.models import Payment, PaymentState
from doorstep.payments.refunds import refund_create
from doorstep.tenancy.models import Company, Membership

from ..factories import (
    SYSTEM,
    ContactFactory,
    CustomerFactory,
    LocationFactory,
    TechnicianFactory,
    UserFactory,
    make_estimate,
    make_service_request,
    verified_phone,
)
from .helpers import staff_client

pytestmark = pytest.mark.django_db

# Exact budgets for a user who is owner at one company and billing staff at another (the
# company filter and both companies' rules are in play). 3 of them are the session, the user
# and the memberships; 2 are Django's own permission rows read once for the menu; 1 lists the
# companies for the company filter.
EXPECTED = {
    "access.registrationrequest": 8,
    "billing.estimate": 8,
    "billing.invoice": 10,
    "customers.customer": 9,
    "customers.location": 8,
    "documents.document": 8,
    "jobs.job": 11,
    "jobs.technician": 8,
    "messaging.conversation": 8,
    "notifications.customerphone": 8,
    "notifications.messagetemplate": 12,
    "notifications.notification": 10,  # with the undelivered-mail banner check
    "notifications.notificationpreference": 8,
    "payments.autopayconsent": 8,
    "payments.payment": 11,
    "payments.refund": 8,
    "payments.savedpaymentmethod": 8,
    "payments.webhookevent": 10,
    "servicerequests.servicerequest": 9,
    "servicerequests.servicetype": 12,
    "tenancy.company": 8,
}


def list_page_counts(client) -> dict[str, int]:
    counts = {}
    for model in admin.site._registry:
        label = model._meta.label_lower
        url = f"/office/admin/{model._meta.app_label}/{model._meta.model_name}/"
        client.get(url)  # first visit: default wording and service types are created once
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        if response.status_code == 200:
            counts[label] = len(queries)
    return counts


def grow(company: Company, n: int) -> None:
    """More rows of every kind the demo leaves short."""
    for i in range(n):
        customer = CustomerFactory(company=company)
        contact = ContactFactory(customer=customer)
        LocationFactory(customer=customer)
        TechnicianFactory(company=company, name=f"Tech {n}-{i}")
        make_estimate(customer)
        make_service_request(customer)
        conversation_start(
            company=company, customer=customer, subject=f"Hi {i}", body="Hello", actor=SYSTEM
        )
        verified_phone(customer, phone=f"+1555{n:03d}{i:04d}")
        assert contact.pk
    for payment in Payment.objects.filter(company=company, state=PaymentState.SUCCEEDED)[:n]:
        refund_create(
            company=company,
            payment=payment,
            amount=1,
            refund_application_fee=False,
            actor=SYSTEM,
        )


def test_list_pages_run_the_same_exact_queries_for_few_and_many_rows():
    call_command("demo", quiet=True)
    x, y = Company.objects.get(slug="bluewater"), Company.objects.get(slug="evergreen")
    user = UserFactory()
    Membership.objects.create(user=user, company=x, role="owner")
    Membership.objects.create(user=user, company=y, role="billing")
    grow(x, 1)
    few = list_page_counts(staff_client(user))
    call_command("demo", invoices=120, heavy_invoices=0, heavy_jobs=0, quiet=True)
    grow(x, 8)
    many = list_page_counts(staff_client(user))
    assert few == many == EXPECTED
    assert max(many.values()) <= 15
