"""Roles are judged at the object's own company: a role-by-company matrix over every back-office
page and action, with the demo data (Bluewater = X, Evergreen = Y) and one user holding a
different role at each company.

The expected rights come from the table in docs/backoffice.md (the documented rule); the first
test checks that the code's table says the same.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.core.management import call_command

from doorstep.access.models import PortalAccount, PortalAccountState
from doorstep.billing.models import Estimate, EstimateState, Invoice, InvoiceState
from doorstep.jobs.models import Job, JobStatus
from doorstep.messaging.models import Conversation
from doorstep.payments.models import Payment, PaymentState, Refund
from doorstep.servicerequests.models import RequestStatus, ServiceRequest
from doorstep.tenancy.models import Company, Membership
from doorstep.tenancy.roles import ROLE_ACTIONS, StaffAction

from ..factories import UserFactory
from .helpers import post_form, staff_client

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "backoffice.md"
ROLES = ["owner", "office", "billing", "technician"]


def documented_table() -> dict[str, set[str]]:
    """{role: {action, ...}} from the "Roles x actions" table of docs/backoffice.md."""
    table: dict[str, set[str]] = {role: set() for role in ROLES}
    for line in DOCS.read_text().splitlines():
        match = re.match(r"^\| `([a-z_]+)` \|(.*)$", line)
        if not match:
            continue
        cells = [c.strip() for c in match.group(2).split("|")]
        for role, cell in zip(ROLES, cells[:4], strict=True):
            if cell == "✓":
                table[role].add(match.group(1))
    return table


TABLE = documented_table()


def may(role: str, action: StaffAction | str) -> bool:
    return str(action) in TABLE[role]


def test_the_code_and_the_documented_table_agree():
    assert {str(a) for a in StaffAction} == set().union(*TABLE.values())
    assert {role: {str(a) for a in actions} for role, actions in ROLE_ACTIONS.items()} == TABLE


A = StaffAction
# Every back-office page: (seeing it, changing it; None = nobody changes it by hand).
PAGES: dict[str, tuple[StaffAction, StaffAction | None]] = {
    "customers.customer": (A.VIEW_OFFICE, A.EDIT_CUSTOMERS),
    "customers.location": (A.VIEW_OFFICE, A.EDIT_CUSTOMERS),
    "documents.document": (A.VIEW_OFFICE, A.EDIT_CUSTOMERS),
    "jobs.technician": (A.VIEW_OFFICE, A.EDIT_JOBS),
    "jobs.job": (A.VIEW_OFFICE, A.EDIT_JOBS),
    "billing.invoice": (A.SEE_BILLING, A.EDIT_BILLING),
    "billing.estimate": (A.SEE_BILLING, A.EDIT_BILLING),
    "payments.payment": (A.SEE_MONEY, None),
    "payments.refund": (A.SEE_MONEY, None),
    "payments.savedpaymentmethod": (A.SEE_MONEY, None),
    "payments.autopayconsent": (A.SEE_MONEY, None),
    "payments.webhookevent": (A.SEE_MONEY, None),
    "servicerequests.servicetype": (A.REVIEW_REQUESTS, A.REVIEW_REQUESTS),
    "servicerequests.servicerequest": (A.REVIEW_REQUESTS, None),  # Approve/Decline pages
    "messaging.conversation": (A.MESSAGE_CUSTOMERS, A.MESSAGE_CUSTOMERS),
    "notifications.messagetemplate": (A.EDIT_WORDING, A.EDIT_WORDING),
    "notifications.customerphone": (A.MESSAGE_CUSTOMERS, A.MESSAGE_CUSTOMERS),
    "notifications.notificationpreference": (A.MESSAGE_CUSTOMERS, A.MESSAGE_CUSTOMERS),
    "notifications.notification": (A.MESSAGE_CUSTOMERS, None),  # outbox: Retry now / Stop trying
    "tenancy.company": (A.VIEW_OFFICE, A.EDIT_SETTINGS),
    "access.registrationrequest": (A.MANAGE_PORTAL_ACCESS, None),  # Approve/Decline pages
}
ADDABLE = {
    "customers.customer",
    "documents.document",
    "jobs.technician",
    "jobs.job",
    "billing.invoice",
    "billing.estimate",
    "servicerequests.servicetype",
    "messaging.conversation",
}
# Refused webhooks carry no trusted company; Django's own user, group and task pages need
# Django permission rows that company staff never have.
SUPERUSER_ONLY = {
    "payments.webhookrejection",
    "auth.user",
    "auth.group",
    "django_tasks_database.dbtaskresult",
}


def test_every_back_office_page_is_in_the_matrix():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert registered == set(PAGES) | SUPERUSER_ONLY


# Each role appears once at X and once at Y, always beside a different role.
PAIRS = [
    ("technician", "billing"),  # the reported case
    ("billing", "office"),
    ("office", "owner"),
    ("owner", "technician"),
]


@pytest.fixture
def world():
    call_command("demo", quiet=True)
    x, y = Company.objects.get(slug="bluewater"), Company.objects.get(slug="evergreen")
    return x, y


def two_role_user(x: Company, y: Company, role_x: str, role_y: str):
    user = UserFactory(username=f"{role_x}-{role_y}")
    Membership.objects.create(user=user, company=x, role=role_x)
    Membership.objects.create(user=user, company=y, role=role_y)
    return user


def url(label: str, suffix: str = "") -> str:
    app, model = label.split(".")
    return f"/office/admin/{app}/{model}/{suffix}"


def company_of(obj) -> int:
    return obj.pk if isinstance(obj, Company) else obj.company_id


@pytest.mark.parametrize(("role_x", "role_y"), PAIRS)
def test_every_page_follows_the_role_at_the_objects_company(world, role_x, role_y):
    x, y = world
    roles = {x.pk: role_x, y.pk: role_y}
    client = staff_client(two_role_user(x, y, role_x, role_y))
    client.get("/office/admin/notifications/messagetemplate/")  # wording rows exist once visited
    for label in SUPERUSER_ONLY:
        assert client.get(url(label)).status_code == 403, label
    for label, (view, change) in PAGES.items():
        model = next(m for m in admin.site._registry if m._meta.label_lower == label)
        seeing = {c for c, role in roles.items() if may(role, view)}
        # The list: open when the role allows it somewhere, showing only those companies.
        listing = client.get(url(label))
        if label == "customers.location":
            pass  # not in the menu; reached from a customer and by autocomplete
        elif seeing:
            assert listing.status_code == 200, (label, listing.status_code)
            shown = {company_of(o) for o in listing.context["cl"].result_list}
            assert shown <= seeing, label
        else:
            assert listing.status_code == 403, (label, listing.status_code)
        # One record of each company: shown only where the role sees it, editable only where
        # the role changes it.
        for company in (x, y):
            manager = model._default_manager
            obj = company if model is Company else manager.filter(company=company).first()
            if obj is None:
                continue
            page = client.get(url(label, f"{obj.pk}/change/"))
            if company.pk not in seeing:
                assert page.status_code in (302, 403, 404), (label, company.slug)
                continue
            assert page.status_code == 200, (label, company.slug, page.status_code)
            if change is not None and label != "messaging.conversation":
                editable = 'name="_save"' in page.content.decode()
                expected = may(roles[company.pk], change) or (
                    label == "jobs.job" and may(roles[company.pk], A.MOVE_JOBS)
                )
                assert editable == expected, (label, company.slug, roles[company.pk])
        # The add page: open when the role changes these rows somewhere; the company picker
        # (when shown) offers only those companies.
        if label in ADDABLE:
            writing = {c for c, role in roles.items() if may(role, change)}
            add = client.get(url(label, "add/"))
            if not writing:
                assert add.status_code in (403, 404), (label, add.status_code)
                continue
            assert add.status_code == 200, (label, add.status_code)
            form = add.context.get("adminform")
            if form is not None and "company" in form.form.fields:
                offered = {c.pk for c in form.form.fields["company"].queryset}
                assert offered == writing, label


def _post(client, path, data):
    client.get("/office/")
    return client.post(path, {**data, "csrfmiddlewaretoken": client.cookies["csrftoken"].value})


def _action(client, label, action, obj):
    return _post(client, url(label), {"action": action, "_selected_action": [str(obj.pk)]})


@pytest.mark.parametrize(("role_x", "role_y"), PAIRS)
def test_every_action_follows_the_role_at_the_objects_company(world, role_x, role_y):
    x, y = world
    client = staff_client(two_role_user(x, y, role_x, role_y))
    for company, role in ((x, role_x), (y, role_y)):
        # Refund $1.00 of a payment.
        payment = Payment.objects.filter(company=company, state=PaymentState.SUCCEEDED).first()
        response = _post(
            client,
            f"/office/admin/payments/payment/{payment.pk}/refund/",
            {"amount": "1.00", "refund_application_fee": "no", "reason": ""},
        )
        refunded = Refund.objects.filter(payment=payment, amount=100).exists()
        assert refunded == may(role, A.REFUND), (company.slug, role, response.status_code)
        if not refunded:
            assert response.status_code in (403, 404)
        # Record a $1.00 cash payment on an open invoice.
        invoice = Invoice.objects.filter(
            company=company, state=InvoiceState.OPEN, balance_due__gt=100, amount_pending=0
        ).first()
        before = Payment.objects.filter(company=company).count()
        response = _post(
            client,
            f"/office/admin/billing/invoice/{invoice.pk}/record-payment/",
            {"amount": "1.00", "method": "cash", "note": ""},
        )
        recorded = Payment.objects.filter(company=company).count() == before + 1
        assert recorded == may(role, A.RECORD_PAYMENT), (company.slug, role, response.status_code)
        if not recorded:
            assert response.status_code in (403, 404)
        # Void an invoice nobody paid (a list action).
        unpaid = Invoice.objects.filter(
            company=company, state=InvoiceState.OPEN, amount_paid=0, amount_pending=0
        ).first()
        _action(client, "billing.invoice", "void_invoices", unpaid)
        unpaid.refresh_from_db()
        assert (unpaid.state == InvoiceState.VOID) == may(role, A.EDIT_BILLING), (company, role)
        # Send an invoice (a list action from another app).
        sent = Invoice.objects.filter(company=company, state=InvoiceState.OPEN).last()
        sent.sent_at = None
        sent.save(update_fields=["sent_at"])
        _action(client, "billing.invoice", "send_invoices", sent)
        sent.refresh_from_db()
        assert (sent.sent_at is not None) == may(role, A.EDIT_BILLING), (company, role)
        # Mark an estimate as sent.
        draft = Estimate.objects.filter(company=company, state=EstimateState.DRAFT).first()
        if draft is not None:
            _action(client, "billing.estimate", "mark_sent", draft)
            draft.refresh_from_db()
            assert (draft.state == EstimateState.SENT) == may(role, A.EDIT_BILLING)
        # Cancel a job (status action: technicians may).
        job = Job.objects.filter(company=company, status=JobStatus.SCHEDULED).first()
        _action(client, "jobs.job", "mark_cancelled", job)
        job.refresh_from_db()
        assert (job.status == JobStatus.CANCELLED) == may(role, A.MOVE_JOBS), (company, role)
        # Decline a service request.
        pending = ServiceRequest.objects.filter(
            company=company, status=RequestStatus.PENDING
        ).first()
        response = _post(
            client,
            f"/office/admin/servicerequests/servicerequest/{pending.pk}/decline/",
            {"reason": "We do not cover that area."},
        )
        pending.refresh_from_db()
        declined = pending.status == RequestStatus.DECLINED
        assert declined == may(role, A.REVIEW_REQUESTS), (company, role, response.status_code)
        # Reply in the office inbox.
        conversation = Conversation.objects.filter(company=company).first()
        count = conversation.messages.count()
        _post(
            client,
            f"/office/admin/messaging/conversation/{conversation.pk}/change/",
            {"body": "Hi"},
        )
        replied = conversation.messages.count() == count + 1
        assert replied == may(role, A.MESSAGE_CUSTOMERS), (company, role)
        # Deactivate a customer's portal access.
        account = PortalAccount.objects.filter(
            company=company, state=PortalAccountState.ACTIVE
        ).first()
        response = _post(client, f"/office/access/customers/{account.customer_id}/deactivate", {})
        account.refresh_from_db()
        deactivated = account.state == PortalAccountState.DEACTIVATED
        assert deactivated == may(role, A.MANAGE_PORTAL_ACCESS), (company, role)
        if not deactivated:
            assert response.status_code == 404
        # Change the company's branding.
        response = post_form(
            client,
            f"/office/admin/tenancy/company/{company.pk}/change/",
            {"accent_color": "#123456"},
        )
        company.refresh_from_db()
        changed = company.accent_color == "#123456"
        assert changed == may(role, A.EDIT_SETTINGS), (company, role, response.status_code)


def test_technician_at_x_and_billing_at_y_the_reported_case(world):
    """Seen: a technician at one company who is billing staff at another saw the first
    company's payments and refunded $1.00 of one."""
    x, y = world
    client = staff_client(two_role_user(x, y, "technician", "billing"))
    theirs = Payment.objects.filter(company=x, state=PaymentState.SUCCEEDED).first()
    mine = Payment.objects.filter(company=y, state=PaymentState.SUCCEEDED).first()
    listing = client.get("/office/admin/payments/payment/")
    assert {p.company_id for p in listing.context["cl"].result_list} == {y.pk}
    assert client.get(f"/office/admin/payments/payment/{theirs.pk}/change/").status_code == 302
    refund = {"amount": "1.00", "refund_application_fee": "no", "reason": ""}
    assert _post(
        client, f"/office/admin/payments/payment/{theirs.pk}/refund/", refund
    ).status_code in (
        403,
        404,
    )
    assert not Refund.objects.filter(payment=theirs).exists()
    assert (
        _post(client, f"/office/admin/payments/payment/{mine.pk}/refund/", refund).status_code
        == 302
    )
    assert Refund.objects.get(payment=mine).amount == 100
    # The invoice list and the money inline are Y's only.
    invoices = client.get("/office/admin/billing/invoice/").context["cl"].result_list
    assert {i.company_id for i in invoices} == {y.pk}
